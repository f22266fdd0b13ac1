"""One connection pool per service container, shared by every dependency that needs the database.

nameko sets up and starts a container's extensions concurrently, in no fixed order, so the pool is opened
by whichever extension first asks for it rather than in `start()`.

A service that starts while its database is down does not exit: the pool opens without waiting and keeps
connecting in the background with backoff; until it has a connection every checkout fails after the checkout
timeout with `PoolTimeout`, which callers treat as transient (a subscription requeues without counting an
attempt, the gateway answers 503). `ready()` says whether the pool has reached the database.

The pool's size and the subscriptions' concurrency follow one rule (`pool_rule`, docs/operations.md "Pool
sizing"): a subscription takes its connection before it waits for a worker, so at most
`SUBSCRIPTIONS.CONCURRENCY` of them may hold one at a time, and that must stay below `DATABASE_POOL.MAX_SIZE`:
then at least one connection is always left for the workers, and the pool cannot be drained by waiters.
"""

from __future__ import annotations

from dataclasses import replace

from eventlet.semaphore import Semaphore
from nameko.extensions import SharedExtension

from shared.db import Database
from shared.logging import get_logger
from shared.settings import Database as DatabaseConcern
from shared.settings import Subscriptions, Workers

log = get_logger(__name__)


class PoolSizeError(ValueError):
    """The configured pool could be drained by subscriptions waiting for workers."""


def pool_rule(max_size: int, concurrency: int | None = None) -> int:
    """How many subscription deliveries may hold a connection at once for a pool of `max_size`: the configured
    `concurrency` (default half the pool), which must leave at least one connection for the workers."""
    chosen = max(1, max_size // 2) if concurrency is None else concurrency
    if max_size < 2 or not 1 <= chosen < max_size:
        raise PoolSizeError(
            f"SUBSCRIPTIONS.CONCURRENCY ({chosen}) must be at least 1 and below DATABASE_POOL.MAX_SIZE "
            f"({max_size}): a subscription holds a connection while it waits for a worker")
    return chosen


def recommended_pool_size(max_workers: int, concurrency: int) -> int:
    """A pool where no worker ever waits for a connection: one per worker, one per subscription delivery that
    may hold one, one for the relay's progress and the probes."""
    return max_workers + concurrency + 1


class DatabasePool(SharedExtension):
    """The container's pool on its own schema, plus read-only pools on source schemas (gap filling)."""

    def __init__(self) -> None:
        self._db: Database | None = None
        self._sources: dict[str, Database] = {}
        self._subscription_slots: Semaphore | None = None

    def setup(self) -> None:
        config = self.container.config
        settings = DatabaseConcern.of(config).of_service(self.container.service_name)
        self.concurrency = pool_rule(settings.max_size, Subscriptions.of(config).SUBSCRIPTIONS.CONCURRENCY)
        workers = Workers.of(config).max_workers
        if settings.max_size < recommended_pool_size(workers, self.concurrency):
            log.info("database pool smaller than the worker count: workers may wait for a connection",
                     service=self.container.service_name, max_size=settings.max_size, max_workers=workers,
                     recommended=recommended_pool_size(workers, self.concurrency))

    @property
    def subscription_slots(self) -> Semaphore:
        """Taken by a subscription delivery before it takes a connection (see `pool_rule`)."""
        if self._subscription_slots is None:
            self._subscription_slots = Semaphore(self.concurrency)
        return self._subscription_slots

    @property
    def db(self) -> Database:
        if self._db is None:
            # Assigned before opening (which yields to other green threads) so that it is created once.
            settings = DatabaseConcern.of(self.container.config).of_service(self.container.service_name)
            self._db = Database(settings, open=False)
            self._db.open(wait=False)  # a database that is down is waited for in the background
        return self._db

    def ready(self) -> bool:
        """Whether the pool has a connection to the database (the service can do its work)."""
        return self._db is not None and self._db.pool.get_stats().get("pool_size", 0) > 0

    def source(self, service: str) -> Database:
        """Read-only access to another service's event store, connecting as this service's role."""
        if service not in self._sources:
            settings = DatabaseConcern.of(self.container.config).of_service(service)
            self._sources[service] = Database(replace(settings, role=self.db.schema, min_size=0, max_size=4),
                                              open=False)
            self._sources[service].open(wait=False)
        return self._sources[service]

    def stop(self) -> None:
        for database in [self._db, *self._sources.values()]:
            if database is not None:
                database.close()
        self._db = None
        self._sources.clear()

    kill = stop
