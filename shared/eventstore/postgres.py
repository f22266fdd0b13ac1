"""The PostgreSQL event store: one append-only `events` table per service schema.

Ordering guarantee (architecture.md, "Commit order is not sequence order"): an append (the SQL function
`append_events`) takes the schema's append lock (a transaction-scoped advisory lock, released only after
the commit is visible) and gives its events the positions after the current maximum. Appends of one
service are therefore serialised for the moment between the lock and the commit, positions are dense,
and a position becomes visible only after every lower one — a reader tailing `global_position > last`
never skips an event. Readers never wait. (An advisory lock rather than `LOCK TABLE … EXCLUSIVE`, which
would need the UPDATE privilege the service roles must not have.) Measured cost and the batch alternative
are in docs/benchmarks.md; the choice against transaction-id cursors is in docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from pydantic_core import to_json

from shared.db import Database, kept_cursor
from shared.envelope import Event, NewEvent
from shared.eventstore.base import ConcurrencyConflict, EventIdReused, EventStore
from shared.eventstore.upcasting import NO_UPCASTING, Upcasters

_COLUMNS = (
    "global_position, event_id, stream_id, stream_version, event_type, schema_version, "
    "occurred_on, recorded_at, subjects, payload, metadata"
)

# Namespaces of the two-key advisory locks (the second key is the schema's hash). The append lock's
# namespace is also written in the `append_events` SQL function (shared/migrations/0001_event_store.sql).
APPEND_LOCK = 1
RELAY_LEADER_LOCK = 2
RELAY_IDLE_LOCK = 3  # held by a relay waiting for a NOTIFY; appends notify only then (shared/migrations/0006)

_APPEND = "SELECT global_position, stream_version, recorded_at FROM append_events(%s, %s, %s)"
# The append with a caller's statements along (`append(..., along=...)`): its rows are the CTE `appended`.
_APPEND_ALONG = (
    "WITH appended AS (SELECT global_position, stream_version, recorded_at"
    " FROM append_events(%(stream_id)s, %(expected)s, %(events)s)), {along}"
    " SELECT global_position, stream_version, recorded_at FROM appended ORDER BY stream_version"
)


# An event as the relay publishes it (`Event.message_body`'s JSON object, same keys and values), rendered by
# PostgreSQL in the read itself: the relay then neither parses the row's three jsonb columns nor builds and
# validates an `Event` to render it again (about 40 of 55 µs an event in the relay's process, measured alone).
# The keys are `Event`'s own fields, each read from its column (`type` is stored as `event_type`), so the two
# renderings cannot drift apart when the envelope gains a field.
_COLUMN_OF_FIELD = {"type": "event_type"}
_MESSAGE = "json_build_object(" + ", ".join(
    f"'{name}', {_COLUMN_OF_FIELD.get(name, name)}" for name in Event.model_fields) + ")::text"


@dataclass(frozen=True, slots=True)
class Message:
    """A stored event as published (`PostgresEventStore.read_messages`): its JSON `body` and what the relay
    puts beside it (message id, type, correlation header)."""

    global_position: int
    event_id: str
    type: str
    correlation_id: str | None
    body: str


class PostgresEventStore(EventStore):
    def __init__(self, db: Database, upcasters: Upcasters = NO_UPCASTING) -> None:
        self.db = db
        self._upcasters = upcasters

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: int | None,
        *,
        tx: psycopg.Connection | None = None,
        along: tuple[str, dict[str, Any]] | None = None,
    ) -> list[Event]:
        """`along`: (CTEs, their named parameters) run in the append's own statement — one round trip for a
        command's append and its read models. They may read the CTE `appended` (the new events' positions and
        versions) and the parameter `%(events)s` (the events as appended: a JSON array of objects with
        `type` and `payload`), and must write nothing unless `EXISTS (SELECT FROM appended)`. An append with
        `along` that finds the stream moved raises `ConcurrencyConflict` even when the events stored are
        these very ones (a retried command): its statements did not run, so the caller decides again, and
        its replay check answers."""
        if not events:
            return []
        parameters = self._parameters(stream_id, events, expected_version)
        try:
            # One statement, no savepoint: `append_events` refuses without an error (no rows), so a refused
            # append inside the caller's transaction `tx` leaves it usable (shared/migrations/0002).
            with self.db.connection(tx) as conn:
                if along is None:
                    rows = kept_cursor(conn).execute(_APPEND, _append_arguments(parameters)).fetchall()
                else:
                    statement, extra = along
                    rows = kept_cursor(conn).execute(_append_along(statement), {**parameters, **extra}).fetchall()
        except psycopg.errors.UniqueViolation:
            # Only an INSERT that bypassed `append_events` (and its lock) can get here; outside a transaction
            # the ids may be ours, stored meanwhile — answer as the first time if so.
            if tx is None and (stored := self._stored(parameters["event_ids"], stream_id, None)):
                return stored
            raise
        if not rows:
            # The stream is not at the expected version — unless these very events made it so.
            if along is None and (stored := self._stored(parameters["event_ids"], stream_id, tx)):
                return stored
            raise ConcurrencyConflict(stream_id, expected_version, self.stream_version(stream_id, tx=tx))
        # The drafts were validated when they were made; only the store's own fields are new.
        return [
            Event.stored(draft, stream_id, version, position, recorded_at)
            for draft, (position, version, recorded_at) in zip(events, rows, strict=True)
        ]

    def read_stream(
        self, stream_id: str, after_version: int = 0, *, tx: psycopg.Connection | None = None
    ) -> list[Event]:
        with self.db.connection(tx) as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE stream_id = %s AND stream_version > %s"
                " ORDER BY stream_version",
                (stream_id, after_version),
            ).fetchall()
        return [self._event(row) for row in rows]

    def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Event]:
        with self.db.connection() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE global_position > %s ORDER BY global_position LIMIT %s",
                (after_position, limit),
            ).fetchall()
        return [self._event(row) for row in rows]

    def read_messages(self, after_position: int = 0, limit: int = 1000) -> list[Message]:
        """`read_all` as the relay publishes it: each event's message body rendered by PostgreSQL. An event
        stored at a schema version that has upcasters is read and rendered as `read_all` gives it (the current
        shape: consumers cannot upcast)."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT global_position, event_id::text, event_type, schema_version, metadata->>'correlation_id',"
                f" {_MESSAGE} FROM events WHERE global_position > %s ORDER BY global_position LIMIT %s",
                (after_position, limit),
            ).fetchall()
        messages = []
        for position, event_id, event_type, schema_version, correlation_id, body in rows:
            if self._upcasters.upcasts(event_type, schema_version):
                body = self.read_all(position - 1, 1)[0].message_body()
            messages.append(Message(position, event_id, event_type, correlation_id, body))
        return messages

    def head_position(self) -> int:
        with self.db.connection() as conn:
            return conn.execute("SELECT coalesce(max(global_position), 0) FROM events").fetchone()[0]

    def stream_version(self, stream_id: str, *, tx: psycopg.Connection | None = None) -> int:
        with self.db.connection(tx) as conn:
            return self._version(conn, stream_id)

    @staticmethod
    def _version(conn: psycopg.Connection, stream_id: str) -> int:
        row = conn.execute(
            "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = %s", (stream_id,)
        ).fetchone()
        return row[0]

    def _stored(self, event_ids: list[Any], stream_id: str, tx: psycopg.Connection | None) -> list[Event]:
        with self.db.connection(tx) as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE event_id = ANY(%s) ORDER BY global_position",
                (event_ids,),
            ).fetchall()
        if rows and (len(rows) != len(event_ids) or any(row[2] != stream_id for row in rows)):
            raise EventIdReused(f"event ids partly stored already, or in another stream than {stream_id!r}")
        return [self._event(row) for row in rows]

    @staticmethod
    def _parameters(stream_id: str, events: Sequence[NewEvent], expected: int | None) -> dict[str, Any]:
        return {
            "stream_id": stream_id,
            "expected": expected,
            "event_ids": [e.event_id for e in events],
            # pydantic-core's compiled encoder: a quarter of the standard library's time (1 against 4.5 µs for
            # one event); the column is jsonb, so what is stored does not depend on the encoder's spacing.
            "events": Jsonb([
                {
                    "event_id": str(e.event_id),
                    "type": e.type,
                    "schema_version": e.schema_version,
                    "occurred_on": e.occurred_on.isoformat(),
                    "subjects": [{"id": s.id, "role": s.role} for s in e.subjects],
                    "payload": e.payload,
                    "metadata": e.metadata.model_dump(exclude_none=True),
                }
                for e in events
            ], dumps=to_json),
        }

    def _event(self, row: tuple[Any, ...]) -> Event:
        (position, event_id, stream_id, version, event_type, schema_version,
         occurred_on, recorded_at, subjects, payload, metadata) = row  # fmt: skip
        schema_version, payload = self._upcasters.upcast(event_type, schema_version, payload)
        return Event(
            global_position=position,
            event_id=event_id,
            stream_id=stream_id,
            stream_version=version,
            type=event_type,
            schema_version=schema_version,
            occurred_on=occurred_on,
            recorded_at=recorded_at,
            subjects=subjects,
            payload=payload,
            metadata=metadata,
        )


@lru_cache(maxsize=64)
def _append_along(statement: str) -> str:
    """The append with `statement` along, the same string object for the same statement: a kept cursor
    (`kept_cursor`) keeps its adaptation context only while it runs the very query object it ran last."""
    return _APPEND_ALONG.replace("{along}", statement)


def _append_arguments(parameters: dict[str, Any]) -> tuple[Any, ...]:
    """The plain append's arguments. The events go as JSON text of unstated type, which PostgreSQL reads as the
    function's `jsonb` parameter: the same bytes as the `Jsonb` wrapper sends, without psycopg's Python-level
    JSON dumper, made and called per statement (about 4-10 µs of the client's CPU per single append, alternated
    in one process). `along` keeps the wrapper: its statements may use `%(events)s` where no type is implied."""
    return parameters["stream_id"], parameters["expected"], to_json(parameters["events"].obj).decode()
