"""PostgreSQL access: a connection pool bound to one service's schema.

Every civreg service owns one schema (`<namespace>_<service>`, e.g. `civreg_marriage`) and connects as a
role of the same name, which may insert into its `events` table but never update or delete it. The pool
sets `search_path` to the schema, so SQL in the services names its tables without qualification.
Import `shared.bootstrap` before this module in a process that runs eventlet.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

DEFAULT_NAMESPACE = "civreg"


def schema_name(namespace: str, service: str) -> str:
    """The schema (and database role) that holds one service's data."""
    return f"{namespace}_{service}"


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    schema: str
    role: str | None = None  # the role to connect as when the URL names no user; default: the schema's
    min_size: int = 1
    max_size: int = 10


class Database:
    """A pool of connections whose `search_path` is one service's schema.

    A URL that names no user connects as the schema's own role (`civreg_marriage`), which is how the
    development machine runs (trust authentication); production URLs name their user and password.
    """

    def __init__(self, settings: DatabaseSettings, *, open: bool = True) -> None:
        self.settings = settings
        self.schema = settings.schema
        self._kwargs: dict[str, object] = {"options": f"-c search_path={settings.schema}", "autocommit": True}
        if not conninfo_to_dict(settings.url).get("user"):
            self._kwargs["user"] = settings.role or settings.schema
        self.pool = ConnectionPool(
            settings.url,
            min_size=settings.min_size,
            max_size=settings.max_size,
            kwargs=self._kwargs,
            name=f"pool-{settings.schema}",
            open=False,
        )
        if open:
            self.open()

    def open(self) -> None:
        self.pool.open(wait=True, timeout=15)

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def transaction(self, tx: psycopg.Connection | None = None) -> Iterator[psycopg.Connection]:
        """A connection in a transaction: committed on success, rolled back on error.

        Given the caller's connection `tx`, it joins that transaction instead (unit of work).
        """
        if tx is not None:
            yield tx
            return
        with self.pool.connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def connection(self, tx: psycopg.Connection | None = None) -> Iterator[psycopg.Connection]:
        """For single statements: a pooled connection in autocommit mode (each statement its own
        transaction, one round trip), or the caller's transaction `tx` if given."""
        if tx is not None:
            yield tx
            return
        with self.pool.connection() as conn:
            yield conn

    def connect(self) -> psycopg.Connection:
        """A dedicated autocommit connection outside the pool (LISTEN, session advisory locks)."""
        return psycopg.connect(self.settings.url, **self._kwargs)

    def ping(self) -> bool:
        with self.connection() as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)
