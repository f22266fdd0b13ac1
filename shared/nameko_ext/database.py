"""One connection pool per service container, shared by every dependency that needs the database.

nameko sets up and starts a container's extensions concurrently, in no fixed order, so the pool is opened
by whichever extension first asks for it rather than in `start()`.
"""

from __future__ import annotations

from dataclasses import replace

from nameko.extensions import SharedExtension

from shared.db import Database
from shared.nameko_ext.settings import database_settings


class DatabasePool(SharedExtension):
    """The container's pool on its own schema, plus read-only pools on source schemas (gap filling)."""

    def __init__(self) -> None:
        self._db: Database | None = None
        self._sources: dict[str, Database] = {}

    @property
    def db(self) -> Database:
        if self._db is None:
            # Assigned before opening (which yields to other green threads) so that it is created once.
            self._db = Database(database_settings(self.container.config, self.container.service_name), open=False)
            self._db.open()
        return self._db

    def source(self, service: str) -> Database:
        """Read-only access to another service's event store, connecting as this service's role."""
        if service not in self._sources:
            settings = database_settings(self.container.config, service)
            self._sources[service] = Database(replace(settings, role=self.db.schema, min_size=0, max_size=4))
        return self._sources[service]

    def stop(self) -> None:
        for database in [self._db, *self._sources.values()]:
            if database is not None:
                database.close()
        self._db = None
        self._sources.clear()

    kill = stop
