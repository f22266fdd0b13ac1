"""Isolated PostgreSQL namespaces and RabbitMQ virtual hosts for test runs.

Each test run (and each test that needs a clean slate) gets its own schemas and roles (`t<id>_<service>`)
in the `test` database and its own RabbitMQ virtual host, and removes them afterwards: runs never see each
other's data and leave nothing behind. Names carry the creating process id (`t<hex>p<pid>`), so a run that
was killed before it could clean up is swept by the next run on the machine (`sweep_abandoned`).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import psycopg
import requests

from services import SERVICES, spec
from services.database_access import grant_consumers
from shared.business_dates import local_today
from shared.calendar_store import REFERENCE, migrate_reference, store_years
from shared.db import Database, DatabaseSettings, schema_name
from shared.migrations import drop_namespace, migrate_service, migrations_of
from shared.reference.calendar import CalendarYear, shipped_calendar

ADMIN_URL = os.environ.get("CIVREG_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")
AMQP_BASE = os.environ.get("CIVREG_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
# RabbitMQ's management API (the plugin deploy/dev/infra.sh enables, as the deployed image has it): a virtual
# host made, granted and deleted in three HTTP calls of a few milliseconds each. `rabbitmqctl` starts an Erlang
# VM per call, about 0.6 s of wall time and 0.8 s of CPU, and a run makes and deletes a virtual host for
# every module or test that needs one.
MANAGEMENT_API = os.environ.get("CIVREG_TEST_RABBITMQ_API", "http://127.0.0.1:15672/api")
_BROKER = urllib.parse.urlsplit(AMQP_BASE)
BROKER_USER = urllib.parse.unquote(_BROKER.username or "guest")  # the test runs' broker user, AMQP_BASE's
_BROKER_LOGIN = (BROKER_USER, urllib.parse.unquote(_BROKER.password or "guest"))


def new_id(prefix: str = "t") -> str:
    return f"{prefix}{secrets.token_hex(3)}p{os.getpid()}"


_OWNER = re.compile(r"^(?:t|civreg-test-)[0-9a-f]{6}p(?P<pid>[0-9]+)(?:_|$)")


def _abandoned(name: str) -> bool:
    """Made by a test process that no longer runs."""
    match = _OWNER.match(name)
    if not match:
        return False
    try:
        os.kill(int(match.group("pid")), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def sweep_abandoned() -> None:
    """Drop the schemas, roles and virtual hosts of test runs that were killed before cleaning up."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        schemas = [r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't%'")]
        roles = [r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 't%'")]
    namespaces = {name.split("_", 1)[0] for name in schemas + roles if _abandoned(name)}
    for namespace in namespaces:
        drop_namespace(ADMIN_URL, namespace, [*(s.name for s in SERVICES), REFERENCE])
    for vhost in vhosts():
        if _abandoned(vhost):
            _delete_vhost_named(vhost)


@dataclass
class Namespace:
    """A set of migrated service schemas under one prefix."""

    name: str
    services: tuple[str, ...]
    _pools: dict[tuple[object, ...], Database] = field(default_factory=dict)

    def database(self, service: str, **overrides: object) -> Database:
        """One pool per service and settings for the namespace's life, shared by every test that asks:
        a pool per call kept a connection open per test until the session ended, and the session namespace
        alone came to hold half of PostgreSQL's 100 connections."""
        key = (service, *sorted(overrides.items()))
        if key not in self._pools:
            settings = DatabaseSettings(ADMIN_URL, schema_name(self.name, service), max_size=20)
            self._pools[key] = Database(replace(settings, **overrides))
        return self._pools[key]

    def admin(self, service: str) -> Database:
        """A pool connected as the superuser (for assertions the service role may not make)."""
        user = urllib.parse.urlparse(ADMIN_URL).username or os.environ.get("USER", "root")
        return self.database(service, role=user)

    def close(self) -> None:
        for db in self._pools.values():
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
    migrate_reference(ADMIN_URL, namespace.name)  # the holiday calendar's loaded years, read by every service
    load_stand_in_calendar_years(namespace.name)
    grant_consumers(ADMIN_URL, namespace.name, services)  # as `civreg migrate` does
    return namespace


def stand_in_calendar_years() -> list[CalendarYear]:
    """Weekends-only years after the shipped ones up to two years from today. Tests register things
    today, and a period from today (a divorce's cooling-off) reaches next year, whose State Council notice
    may not be shipped yet: without these a test would be refused `calendar_year_missing` (rule 0.3) for
    reasons of the date it runs on. Test data only; tests of that refusal delete them or use past years."""
    first = max(shipped_calendar().years) + 1
    return [CalendarYear(year, frozenset()) for year in range(first, local_today().year + 3)]


def load_stand_in_calendar_years(namespace: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        store_years(conn, namespace, stand_in_calendar_years(), source="tests: weekends-only stand-ins",
                    loaded_by="tests")


def destroy_namespace(namespace: Namespace) -> None:
    namespace.close()
    drop_namespace(ADMIN_URL, namespace.name, [*namespace.services, REFERENCE])


@contextmanager
def isolated_world(services: tuple[str, ...] | None = None) -> Iterator[tuple[Namespace, str]]:
    """Schemas and a virtual host of their own, for a module whose services consume events: the run's
    shared virtual host holds durable subscription queues filled from other modules' stores, whose events
    this namespace's consumers could not make sense of."""
    namespace, uri = create_namespace(services), create_vhost()
    try:
        yield namespace, uri
    finally:
        try:
            delete_vhost(uri)
        finally:
            destroy_namespace(namespace)


# Closing a virtual host's connections and listing its consumers stay with `rabbitmqctl`, which asks the broker
# itself: the management API lists connections from statistics it collects on a timer, and a connection opened
# just before was listed only after 1.1 s (measured), so a fault injected through it could miss the newest ones.
def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def _quoted(name: str) -> str:
    return urllib.parse.quote(name, safe="")


def vhost_name(uri: str) -> str:
    """The virtual host an AMQP URI names (its last path segment, unquoted)."""
    return urllib.parse.unquote(uri.rsplit("/", 1)[1])


def _management(method: str, path: str, body: object = None) -> object:
    """One call of RabbitMQ's management API as the test runs' broker user; its JSON answer, if any. An error
    status raises."""
    response = requests.request(method, MANAGEMENT_API.rstrip("/") + path, auth=_BROKER_LOGIN, json=body,
                                timeout=60)
    response.raise_for_status()
    return response.json() if response.content else None


def create_vhost(name: str | None = None) -> str:
    """Create a virtual host for the test runs' broker user; returns its AMQP URI."""
    name = name or new_id("civreg-test-")
    _management("PUT", f"/vhosts/{_quoted(name)}")
    _management("PUT", f"/permissions/{_quoted(name)}/{_quoted(BROKER_USER)}",
                {"configure": ".*", "write": ".*", "read": ".*"})
    return AMQP_BASE.rstrip("/") + "/" + _quoted(name)


def vhosts() -> list[str]:
    """The broker's virtual hosts, by name."""
    return [vhost["name"] for vhost in _management("GET", "/vhosts?columns=name")]


def delete_vhost(uri: str) -> None:
    _delete_vhost_named(vhost_name(uri))


def _delete_vhost_named(name: str) -> None:
    _management("DELETE", f"/vhosts/{_quoted(name)}")


def close_broker_connections(uri: str) -> None:
    """Close every client connection of the virtual host, as a broker failover would."""
    vhost = vhost_name(uri)
    _rabbitmqctl("close_all_connections", "-p", vhost, "test: simulated broker connection loss")


def broker_consumers(uri: str) -> dict[str, bool]:
    """Each consumed queue of the virtual host and whether its consumer acknowledges (`ack_required`)."""
    vhost = vhost_name(uri)
    listed = subprocess.run(["rabbitmqctl", "-q", "list_consumers", "-p", vhost, "queue_name", "ack_required"],
                            check=True, capture_output=True, text=True, timeout=60).stdout
    rows = [line.split("\t") for line in listed.splitlines()[1:] if line.strip()]
    return {queue: ack == "true" for queue, ack in rows}
