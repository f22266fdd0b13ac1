"""The PostgreSQL event store: one append-only `events` table per service schema.

Ordering guarantee (architecture.md, "Commit order is not sequence order"): an append takes the
schema's append lock (a transaction-scoped advisory lock, released only after the commit is visible) and
gives its events the positions after the current maximum. Appends of one service are therefore serialised
for the moment between the lock and the commit, positions are dense, and a position becomes visible only
after every lower one — a reader tailing `global_position > last` never skips an event. Readers never
wait. (An advisory lock rather than `LOCK TABLE … EXCLUSIVE`, which would need the UPDATE privilege the
service roles must not have.) Measured cost and the batch alternative are in docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from shared.db import Database
from shared.envelope import Event, NewEvent
from shared.eventstore.base import ConcurrencyConflict, EventIdReused, EventStore
from shared.eventstore.upcasting import NO_UPCASTING, Upcasters

_COLUMNS = (
    "global_position, event_id, stream_id, stream_version, event_type, schema_version, "
    "occurred_on, recorded_at, subjects, payload, metadata"
)

# Namespaces of the two-key advisory locks (the second key is the schema's hash).
APPEND_LOCK = 1
RELAY_LEADER_LOCK = 2

_INSERT = f"""
INSERT INTO events ({_COLUMNS})
SELECT head.position + e.n, e.event_id, %(stream_id)s, stream.version + e.n, e.event_type,
       e.schema_version, e.occurred_on, clock_timestamp(), e.subjects, e.payload, e.metadata
  FROM (SELECT coalesce(max(stream_version), 0) AS version FROM events WHERE stream_id = %(stream_id)s) stream,
       (SELECT coalesce(max(global_position), 0) AS position FROM events) head,
       unnest(%(event_ids)s::uuid[], %(types)s::text[], %(schema_versions)s::int[], %(dates)s::date[],
              %(subjects)s::jsonb[], %(payloads)s::jsonb[], %(metadata)s::jsonb[])
       WITH ORDINALITY AS e(event_id, event_type, schema_version, occurred_on, subjects, payload, metadata, n)
 WHERE %(expected)s::int IS NULL OR stream.version = %(expected)s::int
RETURNING {_COLUMNS}
"""


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
    ) -> list[Event]:
        if not events:
            return []
        event_ids = [e.event_id for e in events]
        # A retried command carries the same event ids: answer with what was stored the first time.
        if stored := self._stored(event_ids, stream_id, tx):
            return stored
        try:
            with self.db.transaction(tx) as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", (APPEND_LOCK,))
                rows = conn.execute(_INSERT, self._parameters(stream_id, events, expected_version)).fetchall()
                if not rows:
                    raise ConcurrencyConflict(stream_id, expected_version, self._version(conn, stream_id))
        except psycopg.errors.UniqueViolation:
            # The same ids were appended by a concurrent retry between our check and our lock.
            if stored := self._stored(event_ids, stream_id, tx):
                return stored
            raise
        return [self._event(row) for row in rows]

    def read_stream(
        self, stream_id: str, after_version: int = 0, *, tx: psycopg.Connection | None = None
    ) -> list[Event]:
        with self.db.transaction(tx) as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE stream_id = %s AND stream_version > %s"
                " ORDER BY stream_version",
                (stream_id, after_version),
            ).fetchall()
        return [self._event(row) for row in rows]

    def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Event]:
        with self.db.transaction() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE global_position > %s ORDER BY global_position LIMIT %s",
                (after_position, limit),
            ).fetchall()
        return [self._event(row) for row in rows]

    def head_position(self) -> int:
        with self.db.transaction() as conn:
            return conn.execute("SELECT coalesce(max(global_position), 0) FROM events").fetchone()[0]

    def stream_version(self, stream_id: str, *, tx: psycopg.Connection | None = None) -> int:
        with self.db.transaction(tx) as conn:
            return self._version(conn, stream_id)

    @staticmethod
    def _version(conn: psycopg.Connection, stream_id: str) -> int:
        row = conn.execute(
            "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = %s", (stream_id,)
        ).fetchone()
        return row[0]

    def _stored(self, event_ids: list[Any], stream_id: str, tx: psycopg.Connection | None) -> list[Event]:
        with self.db.transaction(tx) as conn:
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
            "types": [e.type for e in events],
            "schema_versions": [e.schema_version for e in events],
            "dates": [e.occurred_on for e in events],
            "subjects": [Jsonb([s.model_dump() for s in e.subjects]) for e in events],
            "payloads": [Jsonb(e.payload) for e in events],
            "metadata": [Jsonb(e.metadata.model_dump(exclude_none=True)) for e in events],
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


