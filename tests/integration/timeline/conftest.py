"""A namespace of the module's own with every source store and the timeline's projection, no broker:
events are appended to the source stores and projected by calling the projector as a delivery would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from services.timeline.application.projector import Projector
from services.timeline.application.queries import Queries
from services.timeline.sources import SOURCES
from shared.db import Database, schema_name
from shared.envelope import Event, Metadata, NewEvent, Subject
from shared.eventstore.postgres import PostgresEventStore
from tests.support.event_samples import payload_of
from tests.support.infrastructure import create_namespace, destroy_namespace

ADMIN = {"role": "admin", "scopes": []}


@dataclass
class World:
    timeline: Database
    stores: dict[str, PostgresEventStore]  # written as each source service
    readers: dict[str, Database]  # the sources as the timeline reads them

    def projector(self) -> Projector:
        return Projector(self.timeline, {s: (lambda s=s: PostgresEventStore(self.readers[s])) for s in SOURCES})

    def queries(self) -> Queries:
        return Queries(self.timeline, list(SOURCES))

    def append(self, source: str, stream: str, event_type: str, subjects: list[tuple[str, str]],
               occurred_on: dt.date = dt.date(2024, 5, 1), **payload: Any) -> Event:
        event = NewEvent(type=event_type, occurred_on=occurred_on,
                         subjects=tuple(Subject(id=i, role=r) for i, r in subjects),
                         payload=payload_of(event_type, **payload),
                         metadata=Metadata(actor="test"))
        return self.stores[source].append(stream, [event], None)[0]

    def project(self, source: str, *events: Event) -> None:
        """Each event in a transaction of its own, as deliveries are; then the checkpoint timer's tick."""
        projector = self.projector()
        for event in events:
            with self.timeline.transaction() as tx:
                projector.project(source, event, tx)
        projector.advance_checkpoints()

    def count(self, table: str) -> int:
        with self.timeline.connection() as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def world():
    namespace = create_namespace((*SOURCES, "timeline"))
    timeline_role = schema_name(namespace.name, "timeline")
    try:
        yield World(
            timeline=namespace.database("timeline"),
            stores={s: PostgresEventStore(namespace.database(s, max_size=4)) for s in SOURCES},
            readers={s: namespace.database(s, role=timeline_role, max_size=4) for s in SOURCES},
        )
    finally:
        destroy_namespace(namespace)
