"""Least-privilege database roles (issue 12), on the real PostgreSQL: a service's role reads no other
service's schema — except the `events` of a source it consumes, for gap filling — and the gateway's role
reads none of them, yet still reports relay and projector lag on /health through the schemas' functions."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from services.database_access import consumed_sources, set_passwords
from services.gateway.health import InfrastructureProbe
from shared.db import schema_name
from tests.support.infrastructure import ADMIN_URL

pytestmark = pytest.mark.integration

EVENT_SOURCED = ("marriage", "child_welfare", "funeral", "vagrant_aid", "timeline", "adoption")
# Tables of each schema that carry personal data beyond the event stream.
READ_MODELS = {"marriage": "marriages", "child_welfare": "child_files", "timeline": "entries",
               "funeral": "events", "vagrant_aid": "events", "adoption": "adoptions"}


def can_select(namespace, role: str, service: str, table: str) -> bool:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(schema_name(namespace.name, role))))
        try:
            conn.execute(sql.SQL("SELECT 1 FROM {}.{} LIMIT 1").format(
                sql.Identifier(schema_name(namespace.name, service)), sql.Identifier(table)))
            return True
        except psycopg.errors.InsufficientPrivilege:
            return False


@pytest.mark.parametrize("reader", [*EVENT_SOURCED, "gateway"])
@pytest.mark.parametrize("owner", EVENT_SOURCED)
def test_a_role_reads_no_other_services_schema_but_its_sources_events(namespace, reader, owner):
    if reader == owner:
        assert can_select(namespace, reader, owner, "events")
        return
    consumes = (owner, reader) in consumed_sources([*EVENT_SOURCED, "gateway"])

    assert can_select(namespace, reader, owner, "events") is consumes
    assert not can_select(namespace, reader, owner, "relay_progress")
    if READ_MODELS[owner] != "events":
        assert not can_select(namespace, reader, owner, READ_MODELS[owner])


def test_the_marriage_service_may_read_funeral_events_only_because_it_consumes_them():
    pairs = consumed_sources(EVENT_SOURCED)

    assert ("funeral", "marriage") in pairs and ("marriage", "funeral") not in pairs
    assert {consumer for _, consumer in pairs} <= set(EVENT_SOURCED)


def test_the_gateway_still_reports_lag_without_reading_the_services_tables(fresh_namespace):
    namespace = fresh_namespace()
    probe = InfrastructureProbe(namespace.database("gateway"), "amqp://unused", namespace.name, EVENT_SOURCED)

    assert probe._relay_lag() == dict.fromkeys(EVENT_SOURCED, 0)
    assert probe._projector_lag() == 0


def test_migrate_sets_each_roles_password_from_the_environment_for_password_authentication(fresh_namespace):
    namespace = fresh_namespace("funeral")
    environ = {"DATABASE_PASSWORD_FUNERAL": "s3cret-for-a-test", "DATABASE_PASSWORD_MARRIAGE": ""}

    assert set_passwords(ADMIN_URL, namespace.name, ["funeral", "marriage"], environ) == ["funeral"]
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s",
                              (schema_name(namespace.name, "funeral"),)).fetchone()[0]
    assert stored.startswith("SCRAM-SHA-256$") and "s3cret" not in stored
