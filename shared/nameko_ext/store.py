"""The event store as a nameko dependency: `self.store.append(...)`, `self.store.db.transaction()`."""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider

from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.upcasting import NO_UPCASTING, Upcasters
from shared.nameko_ext.database import DatabasePool
from shared.nameko_ext.metrics import timed_append


class MeasuredEventStore(PostgresEventStore):
    """The store whose appends are timed into `civreg_event_append_seconds` (shared/nameko_ext/metrics.py)."""

    def __init__(self, service: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service

    def append(self, *args: Any, **kwargs: Any) -> Any:
        with timed_append(self.service):
            return super().append(*args, **kwargs)


class EventStoreProvider(DependencyProvider):
    pool = DatabasePool()

    def __init__(self, upcasters: Upcasters = NO_UPCASTING) -> None:
        self.upcasters = upcasters
        self.store: PostgresEventStore | None = None

    def get_dependency(self, worker_ctx):  # noqa: ANN001, ANN201 - nameko's signature
        if self.store is None:
            self.store = MeasuredEventStore(self.container.service_name, self.pool.db, self.upcasters)
        return self.store
