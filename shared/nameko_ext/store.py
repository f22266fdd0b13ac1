"""The event store as a nameko dependency: `self.store.append(...)`, `self.store.db.transaction()`."""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.upcasting import NO_UPCASTING, Upcasters
from shared.nameko_ext.database import DatabasePool


class EventStoreProvider(DependencyProvider):
    pool = DatabasePool()

    def __init__(self, upcasters: Upcasters = NO_UPCASTING) -> None:
        self.upcasters = upcasters
        self.store: PostgresEventStore | None = None

    def get_dependency(self, worker_ctx):  # noqa: ANN001, ANN201 - nameko's signature
        if self.store is None:
            self.store = PostgresEventStore(self.pool.db, self.upcasters)
        return self.store
