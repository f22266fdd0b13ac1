"""Isolated PostgreSQL namespaces and RabbitMQ virtual hosts for test runs.

Each test run (and each test that needs a clean slate) gets its own schemas and roles (`t<id>_<service>`)
in the `test` database and its own RabbitMQ virtual host, and removes them afterwards: runs never see each
other's data and leave nothing behind.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import urllib.parse
from dataclasses import dataclass, field, replace

from services import SERVICES, spec
from shared.db import Database, DatabaseSettings, schema_name
from shared.migrations import drop_namespace, migrate_service, migrations_of

ADMIN_URL = os.environ.get("CIVREG_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")
AMQP_BASE = os.environ.get("CIVREG_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")


def new_id(prefix: str = "t") -> str:
    return f"{prefix}{secrets.token_hex(4)}"


@dataclass
class Namespace:
    """A set of migrated service schemas under one prefix."""

    name: str
    services: tuple[str, ...]
    _pools: list[Database] = field(default_factory=list)

    def database(self, service: str, **overrides: object) -> Database:
        settings = DatabaseSettings(ADMIN_URL, schema_name(self.name, service), max_size=20)
        db = Database(replace(settings, **overrides))
        self._pools.append(db)
        return db

    def admin(self, service: str) -> Database:
        """A pool connected as the superuser (for assertions the service role may not make)."""
        user = urllib.parse.urlparse(ADMIN_URL).username or os.environ.get("USER", "root")
        return self.database(service, role=user)

    def close(self) -> None:
        for db in self._pools:
            db.close()
        self._pools.clear()


def create_namespace(services: tuple[str, ...] | None = None, name: str | None = None) -> Namespace:
    services = services or tuple(s.name for s in SERVICES)
    namespace = Namespace(name or new_id(), services)
    for service in services:
        service_spec = spec(service)
        migrate_service(
            ADMIN_URL, namespace.name, service,
            migrations_of(service, service_spec.directory, event_store=service_spec.event_store),
        )
    return namespace


def destroy_namespace(namespace: Namespace) -> None:
    namespace.close()
    drop_namespace(ADMIN_URL, namespace.name, namespace.services)


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def create_vhost(name: str | None = None) -> str:
    """Create a virtual host for the guest user; returns its AMQP URI."""
    name = name or new_id("civreg-test-")
    _rabbitmqctl("add_vhost", name)
    _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    return AMQP_BASE.rstrip("/") + "/" + urllib.parse.quote(name, safe="")


def delete_vhost(uri: str) -> None:
    _rabbitmqctl("delete_vhost", urllib.parse.unquote(uri.rsplit("/", 1)[1]))


def close_broker_connections(uri: str) -> None:
    """Close every client connection of the virtual host, as a broker failover would."""
    vhost = urllib.parse.unquote(uri.rsplit("/", 1)[1])
    _rabbitmqctl("close_all_connections", "-p", vhost, "test: simulated broker connection loss")
