"""`Idempotency-Key` on every POST and PUT (api.md, release 2: required, else 400 `idempotency_key_required`,
because a request whose answer was lost may already have run): the same key with the same request returns the
first response again and executes nothing; the same key with another request is 422 `idempotency_key_reused`.

Stored outcomes carry personal data (names, ID numbers, phone numbers in the bodies), so they are kept only as
long as a retry is plausible: `purge_expired` deletes keys older than the retention (72 hours by default,
`IDEMPOTENCY_RETENTION_HOURS`); the gateway runs it on a timer and, cheaply, now and then on write.

Keys are per principal. The claim is a transaction-scoped advisory lock on `(principal, key)` (migration
0014), taken by the first request in a transaction it keeps open while the handler runs; an identical request
arriving meanwhile waits on that lock and, once the first has committed its outcome, finds the stored response
and replays it — exactly one executes. A key's row exists only with its outcome. A response of 500 or more is
not stored (the transaction rolls back), so the client may retry with the key.

The outcome may bring the call's access-log row along (`Claim.record(..., audit=...)`): the PostgreSQL
store then writes both in one statement, so its audit row and its stored outcome are durable together or not
at all (`Claim.audited`). The outcomes of calls that finish together share that statement and its commit
(group commit): one WAL flush, and one turn of the access log's chain lock, per batch rather than per call.
A claimed key costs its call two round trips: BEGIN travels with the claim, and the batch's statement with
the COMMIT of the claim that writes it; the others' transactions then end with a ROLLBACK (nothing of theirs
to write: it is committed), which releases their locks. The claim is a statement prepared on the server
(shared/first_statement.py), so that PostgreSQL does not parse and plan the function's call for every request.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

import psycopg
from psycopg import ClientCursor
from psycopg.types.json import Jsonb

from services.gateway.access_log import AccessRecord, rows_parameter
from services.gateway.group_commit import GroupCommit, GroupWriteFailed
from services.gateway.problems import Problem
from services.gateway.retention import PurgeOnWrite
from shared.db import Database, checked_out_alive
from shared.first_statement import FirstStatement
from shared.logging import get_logger

log = get_logger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII: UUIDs, ULIDs, base64 all fit


COMMAND_METHODS = frozenset({"POST", "PUT"})
DEFAULT_RETENTION_HOURS = 72


def required_key(value: str | None) -> str:
    if value is None:
        raise Problem(400, "idempotency_key_required",
                      f"send an {IDEMPOTENCY_HEADER} with every POST and PUT, so that a retry is safe")
    return check_key(value)


def check_key(value: str) -> str:
    if not _KEY.fullmatch(value):
        raise Problem(400, "invalid_idempotency_key",
                      f"{IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters")
    return value


def request_fingerprint(method: str, path: str, canonical_body: str) -> str:
    return hashlib.sha256(f"{method}\n{path}\n{canonical_body}".encode()).hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Location; not the per-request ones


class Claim:
    """The outcome of claiming a key: a response to replay, or the right to execute and `record`."""

    def __init__(self, replay: StoredResponse | None = None) -> None:
        self.replay = replay
        self.recorded: StoredResponse | None = None
        self.audit: AccessRecord | None = None
        # Set by a store that wrote `audit` in the claim's own transaction; valid once the claim has
        # ended without an error (committed). A store that does not leaves the row to the access log.
        self.audited = False

    def record(self, response: StoredResponse, audit: AccessRecord | None = None) -> None:
        self.recorded = response
        self.audit = audit


class IdempotencyStore(Protocol):
    def claim(self, principal: str, key: str, fingerprint: str) -> AbstractContextManager[Claim]: ...


def reused() -> Problem:
    return Problem(422, "idempotency_key_reused", f"this {IDEMPOTENCY_HEADER} was used for a different request")


# Two round trips per claimed key, each one simple-query message (client-side binding, ClientCursor) that
# opens or ends the claim's transaction along with its statement: psycopg would send BEGIN and COMMIT as round
# trips of their own (docs/architecture.md). The statements are functions (migrations 0013, 0014), whose plans
# PostgreSQL caches per session. The claim, one per request, is also a prepared statement, `BEGIN; EXECUTE …`:
# sent as a plain `SELECT` it was parsed and planned every time (about 12 µs of the backend's 90 for a claim
# and its release, alone); the record is one statement per batch.
_CLAIM = FirstStatement("gateway_claim_idempotency_lock", "SELECT * FROM claim_idempotency_lock(%s, %s)",
                        ("text", "text"))
_RECORD = "SELECT record_idempotency_outcomes(%s, %s); COMMIT"


_PURGE = "DELETE FROM idempotency_keys WHERE created_at < now() - %s * interval '1 hour'"


@dataclass(frozen=True)
class _Outcome:
    """A claimed key's outcome on its way to the group commit, with its call's access-log row."""

    principal: str
    key: str
    fingerprint: str
    response: StoredResponse
    audit: AccessRecord | None


class PostgresIdempotencyStore:
    """Keys in the gateway schema's `idempotency_keys` table, each kept `retention_hours` after its claim.

    A claim is a transaction holding the key's advisory lock (migration 0014) while the request runs. Its
    outcome, with the call's access-log row, goes into a group commit (group_commit.py) with those of the
    calls that finish meanwhile: whichever claim writes the batch does so in its own transaction (one statement,
    `COMMIT` with it), the others then end theirs, releasing their locks only once their outcomes are durable.
    So keyed calls share commits, and the access log's chain lock, which its holder keeps until the commit's
    WAL is flushed, is taken once per batch; each call still makes two round trips on its own connection and
    needs no second one (a batch written on a connection of its own could wait for one that every claim holds).

    Expired keys are purged on write: a claim purges them when the last purge is `purge_every` seconds old
    (one indexed DELETE, in its own autocommit statement after the claim's transaction), so a gateway that
    takes commands keeps no stored response longer than the retention plus that interval, without a timer
    of its own. `purge_expired` is also what an operator's timer may call."""

    def __init__(self, db: Database, *, retention_hours: float = DEFAULT_RETENTION_HOURS,
                 purge_every: float = 300.0, max_batch: int = 500) -> None:
        if retention_hours <= 0:
            raise ValueError("the idempotency retention must be positive")
        self.db = db
        self.retention_hours = retention_hours
        self._purge = PurgeOnWrite(self._delete_expired, "idempotency", purge_every)
        self._group: GroupCommit[_Outcome] = GroupCommit(max_items=max_batch)

    def purge_expired(self) -> int:
        """Delete the keys (and the responses stored with them) older than the retention; returns how many."""
        return self._purge.run()

    def _delete_expired(self) -> int:
        with self.db.connection() as conn:
            return conn.execute(_PURGE, (self.retention_hours,)).rowcount

    @contextmanager
    def claim(self, principal: str, key: str, fingerprint: str) -> Iterator[Claim]:
        with self._claim(principal, key, fingerprint) as claim:
            yield claim
        self._purge.after_write()

    @contextmanager
    def _claim(self, principal: str, key: str, fingerprint: str) -> Iterator[Claim]:
        # An explicit transaction block, opened by the claim's own message: the claim must hold its lock until
        # the outcome is committed, whatever the pool's autocommit setting. Every way out of the block below ends
        # that transaction itself, so the checkout is the plain one (shared/db.py), without the pool's context,
        # which would commit a transaction left open (about 3.5 µs less a request).
        with self.db.connection() as conn:
            try:
                [row] = _CLAIM.run(conn, (principal, key))
                if row[0]:
                    claim = Claim()
                    yield claim
                    self._settle(conn, claim, principal, key, fingerprint)
                    return
                conn.commit()  # the lock waited for the last holder and wrote nothing: end the transaction
            except BaseException:
                _roll_back(conn)
                raise
            if row[2] is None:  # cannot happen while outcomes are committed with the row
                raise Problem(409, "idempotency_key_in_use", "a request with this key is in progress")
            if row[1] != fingerprint:
                raise reused()
            yield Claim(StoredResponse(row[2], row[3], bytes(row[4]), row[5]))

    def _settle(self, conn: psycopg.Connection, claim: Claim, principal: str, key: str, fingerprint: str) -> None:
        """A claimed call's end: with an outcome, that outcome and its access-log row group-committed, and the
        claim's transaction ended once they are durable; with none (nothing was decided), the transaction
        rolled back, which releases the key."""
        if claim.recorded is None:
            _roll_back(conn)
            return
        outcome = _Outcome(principal, key, fingerprint, claim.recorded, claim.audit)
        # A session PostgreSQL has ended (its idle timeout, a restart) took the claim's lock with it: the call
        # fails here, and stores nothing, as its own statement would have (no round trip while the socket is
        # quiet), rather than having its outcome written by another's batch.
        checked_out_alive(conn)
        cursor = ClientCursor(conn)
        try:
            wrote = self._group.submit(outcome, partial(_record, cursor))
        except GroupWriteFailed as failed:  # the write's own error (a dead session: 503), as alone
            raise (failed.__cause__ or failed) from None
        if not wrote:
            _roll_back(conn)  # another claim's transaction committed the outcome: release the key
        claim.audited = claim.audit is not None  # committed with the outcome, in one statement


def _record(cursor: ClientCursor, batch: Sequence[_Outcome]) -> None:
    """Write a batch of outcomes and their access-log rows in the writing claim's transaction, and commit it."""
    outcomes = Jsonb([{"principal": o.principal, "key": o.key, "request_hash": o.fingerprint,
                       "status": o.response.status, "content_type": o.response.content_type,
                       "body": base64.b64encode(o.response.body).decode("ascii"), "headers": o.response.headers}
                      for o in batch])
    audits = [o.audit for o in batch if o.audit is not None]
    cursor.execute(_RECORD, (outcomes, rows_parameter(audits) if audits else None))


def _roll_back(conn: psycopg.Connection) -> None:
    """End the claim's transaction without its outcome, so the key is free. A connection that died under the
    claim took its transaction with it (the key is free as intended): the caller's own error or 5xx answer
    stands (found by the soak, PostgreSQL cut mid-load); the pool discards the connection. Where psycopg has
    prepared statements of its own on the connection, it follows any ROLLBACK (its own or one sent as a
    statement) with DEALLOCATE ALL, which drops the prepared claim too: the next claim there prepares it again
    (shared/first_statement.py)."""
    try:
        conn.rollback()
    except psycopg.Error:
        if not conn.broken and not conn.closed:
            raise
