"""One connection pool per service container, shared by every dependency that needs the database."""

from __future__ import annotations

from dataclasses import replace

from nameko.extensions import SharedExtension

from shared.db import Database
from shared.nameko_ext.settings import database_settings


class DatabasePool(SharedExtension):
    """The container's pool on its own schema, plus read-only pools on source schemas (gap filling)."""

    def __init__(self) -> None:
        self.db: Database | None = None
        self._sources: dict[str, Database] = {}

    def setup(self) -> None:
        self.db = Database(database_settings(self.container.config, self.container.service_name), open=False)

    def start(self) -> None:
        assert self.db is not None
        self.db.open()

    def stop(self) -> None:
        for database in [self.db, *self._sources.values()]:
            if database is not None:
                database.close()
        self._sources.clear()

    kill = stop

    def source(self, service: str) -> Database:
        """Read-only access to another service's event store, connecting as this service's role."""
        if service not in self._sources:
            assert self.db is not None
            settings = database_settings(self.container.config, service)
            self._sources[service] = Database(replace(settings, role=self.db.schema, min_size=0, max_size=4))
        return self._sources[service]
