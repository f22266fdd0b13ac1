"""Subscriptions: how a service applies another service's events exactly once and in stream order.

RabbitMQ delivers at least once, and nameko runs several handlers at once, so a consumer sees duplicates
and reordering (architecture.md, known traps). For every delivered event, in one transaction:

1. lock the subscription's checkpoint row for the event's stream (handlers of one stream take turns);
2. an event at or below the checkpoint version was applied already: a duplicate, nothing happens;
3. an event beyond checkpoint + 1 means earlier events of its stream have not arrived (reordered, or
   lost before the queue existed): they are read from the source service's store and applied first;
4. each event of a subscribed type is recorded in `processed_events` (by event id) and handed to the
   handler with the transaction, so the effect and the record commit together or not at all.

A handler that raises rolls all of it back; the broker adapter then retries the message a bounded number of
times and finally parks it in the dead-letter queue (see shared/nameko_ext/subscription.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import psycopg

from shared.db import Database
from shared.envelope import Event
from shared.eventstore.base import EventStore
from shared.logging import log_context

Handler = Callable[[Event, psycopg.Connection], None]


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class SubscriptionSpec:
    name: str  # unique per consumer: also the queue name
    source: str  # publishing service
    event_types: tuple[str, ...]  # "#" subscribes to every event of the source

    def wants(self, event_type: str) -> bool:
        return "#" in self.event_types or event_type in self.event_types


class SubscriptionRunner:
    def __init__(self, db: Database, spec: SubscriptionSpec, source_store: EventStore) -> None:
        self.db = db
        self.spec = spec
        self.source_store = source_store

    def apply(self, event: Event, handler: Handler) -> Outcome:
        with self.db.transaction() as tx:
            last = self._lock_checkpoint(tx, event.stream_id)
            if event.stream_version <= last:
                return Outcome.DUPLICATE
            pending = [event]
            if event.stream_version > last + 1:
                earlier = self.source_store.read_stream(event.stream_id, after_version=last)
                pending = [e for e in earlier if e.stream_version < event.stream_version] + [event]
            for item in pending:
                if self.spec.wants(item.type) and self._record(tx, item):
                    with log_context(
                        correlation_id=item.metadata.correlation_id, causation_id=str(item.event_id)
                    ):
                        handler(item, tx)
            tx.execute(
                "UPDATE stream_checkpoints SET version = %s WHERE subscription = %s AND stream_id = %s",
                (event.stream_version, self.spec.name, event.stream_id),
            )
        return Outcome.APPLIED

    def _lock_checkpoint(self, tx: psycopg.Connection, stream_id: str) -> int:
        tx.execute(
            "INSERT INTO stream_checkpoints (subscription, stream_id, version) VALUES (%s, %s, 0)"
            " ON CONFLICT DO NOTHING",
            (self.spec.name, stream_id),
        )
        row = tx.execute(
            "SELECT version FROM stream_checkpoints WHERE subscription = %s AND stream_id = %s FOR UPDATE",
            (self.spec.name, stream_id),
        ).fetchone()
        return row[0]

    def _record(self, tx: psycopg.Connection, event: Event) -> bool:
        """Record the event as processed; False if it already was (idempotency by event id)."""
        row = tx.execute(
            "INSERT INTO processed_events (subscription, event_id) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING RETURNING 1",
            (self.spec.name, event.event_id),
        ).fetchone()
        return row is not None
