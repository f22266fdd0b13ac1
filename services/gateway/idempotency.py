"""`Idempotency-Key` on every POST and PUT (api.md, release 2: required, else 400 `idempotency_key_required`,
because a request whose answer was lost may already have run): the same key with the same request returns the
first response again and executes nothing; the same key with another request is 422 `idempotency_key_reused`.

Stored outcomes carry personal data (names, ID numbers, phone numbers in the bodies), so they are kept only as
long as a retry is plausible: `purge_expired` deletes keys older than the retention (72 hours by default,
`IDEMPOTENCY_RETENTION_HOURS`); the gateway runs it on a timer and, cheaply, now and then on write.

Keys are per principal. The claim is the row's primary key: the first request inserts `(principal, key)` in a
transaction it keeps open while the handler runs; an identical request arriving meanwhile blocks on that
insert and, once the first commits, finds the stored response and replays it — exactly one executes. A
response of 500 or more is not stored (the transaction rolls back), so the client may retry with the key.

The outcome may bring the call's access-log row along (`Claim.record(..., audit=...)`): the PostgreSQL
store then writes both in one statement of the claim's transaction, so a keyed call costs one commit, not
two, and its audit row and its stored outcome are durable together or not at all (`Claim.audited`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol

import psycopg
from psycopg.types.json import Jsonb

from services.gateway.access_log import AccessRecord, rows_parameter
from services.gateway.problems import Problem
from services.gateway.retention import PurgeOnWrite
from shared.db import Database
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


_COMPLETE = (
    "UPDATE idempotency_keys SET status = %s, content_type = %s, body = %s, headers = %s, completed_at = now()"
    " WHERE principal = %s AND key = %s"
)
# The same, with the call's access-log row appended in the same statement (the join runs the function once).
_COMPLETE_AUDITED = (
    "WITH audit AS (SELECT append_access(%s) AS appended)"
    " UPDATE idempotency_keys SET status = %s, content_type = %s, body = %s, headers = %s, completed_at = now()"
    " FROM audit WHERE audit.appended = 1 AND principal = %s AND key = %s"
)


_PURGE = "DELETE FROM idempotency_keys WHERE created_at < now() - %s * interval '1 hour'"


class PostgresIdempotencyStore:
    """Keys in the gateway schema's `idempotency_keys` table, each kept `retention_hours` after its claim.

    Expired keys are purged on write: a claim purges them when the last purge is `purge_every` seconds old
    (one indexed DELETE, in its own autocommit statement after the claim's transaction), so a gateway that
    takes commands keeps no stored response longer than the retention plus that interval, without a timer
    of its own. `purge_expired` is also what an operator's timer may call."""

    def __init__(self, db: Database, *, retention_hours: float = DEFAULT_RETENTION_HOURS,
                 purge_every: float = 300.0) -> None:
        if retention_hours <= 0:
            raise ValueError("the idempotency retention must be positive")
        self.db = db
        self.retention_hours = retention_hours
        self._purge = PurgeOnWrite(self._delete_expired, "idempotency", purge_every)

    def purge_expired(self) -> int:
        """Delete the keys (and the responses stored with them) older than the retention; returns how many."""
        return self._purge.run()

    def _delete_expired(self) -> int:
        with self.db.connection() as conn:
            return conn.execute(_PURGE, (self.retention_hours,)).rowcount

    @contextmanager
    def claim(self, principal: str, key: str, fingerprint: str) -> Iterator[Claim]:
        try:
            with self._claim(principal, key, fingerprint) as claim:
                yield claim
        except psycopg.Rollback:
            # Nothing was decided (a 5xx) and the connection died under the claim, so psycopg could not roll
            # back and let its Rollback escape: the transaction is gone with the connection and the key is
            # free, as intended. The caller's 5xx answer stands (found by the soak, PostgreSQL cut mid-load).
            return
        self._purge.after_write()

    @contextmanager
    def _claim(self, principal: str, key: str, fingerprint: str) -> Iterator[Claim]:
        # An explicit transaction block: the claim must hold its row lock until the outcome is recorded,
        # whatever the pool's autocommit setting.
        with self.db.pool.connection() as conn, conn.transaction():
            inserted = conn.execute(
                "INSERT INTO idempotency_keys (principal, key, request_hash) VALUES (%s, %s, %s)"
                " ON CONFLICT DO NOTHING RETURNING true",
                (principal, key, fingerprint),
            ).fetchone()
            if inserted is None:
                # The insert waited for the first holder to commit; its outcome is now visible.
                row = conn.execute(
                    "SELECT request_hash, status, content_type, body, headers FROM idempotency_keys"
                    " WHERE principal = %s AND key = %s",
                    (principal, key),
                ).fetchone()
                if row is None or row[1] is None:  # cannot happen while outcomes are committed with the row
                    raise Problem(409, "idempotency_key_in_use", "a request with this key is in progress")
                if row[0] != fingerprint:
                    raise reused()
                yield Claim(StoredResponse(row[1], row[2], bytes(row[3]), row[4]))
                return
            claim = Claim()
            yield claim
            if claim.recorded is None:
                raise psycopg.Rollback()  # releases the key: nothing was decided
            stored = claim.recorded
            outcome = (stored.status, stored.content_type, stored.body, Jsonb(stored.headers), principal, key)
            if claim.audit is None:
                conn.execute(_COMPLETE, outcome)
            else:  # one round trip for both rows; the commit below makes them durable together
                conn.execute(_COMPLETE_AUDITED, (rows_parameter([claim.audit]), *outcome))
                claim.audited = True
