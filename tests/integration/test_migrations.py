"""Migrations: versioned SQL per service, applied once by one command, recorded in the database."""

from __future__ import annotations

import psycopg
import pytest

from services import SERVICES, spec
from shared.migrations import Migration, MigrationError, migrate_service, migrations_of
from tests.support.infrastructure import ADMIN_URL, Namespace, create_namespace, destroy_namespace, new_id


@pytest.fixture
def scratch():
    namespace = create_namespace(("funeral",), name=new_id())
    yield namespace
    destroy_namespace(namespace)


def funeral_migrations() -> list[Migration]:
    return migrations_of("funeral", spec("funeral").directory)


def recorded(namespace) -> list[str]:
    with psycopg.connect(ADMIN_URL) as conn:
        return [row[0] for row in conn.execute(
            f"SELECT name FROM {namespace.name}_funeral.schema_migrations ORDER BY name").fetchall()]


def test_every_migration_is_recorded_once_and_a_second_run_applies_nothing(scratch):
    migrations = migrations_of("funeral", spec("funeral").directory)
    assert recorded(scratch) == sorted(m.name for m in migrations)
    assert migrate_service(ADMIN_URL, scratch.name, "funeral", migrations) == []


def test_a_new_migration_is_applied_in_its_own_turn(scratch):
    added = Migration("funeral/9999_probe.sql", "CREATE TABLE probe (id int); GRANT SELECT ON probe TO {{role}};")
    applied = migrate_service(ADMIN_URL, scratch.name, "funeral", [*funeral_migrations(), added])
    assert applied == ["funeral/9999_probe.sql"]
    with scratch.database("funeral").connection() as conn:  # the service role can read what was granted
        assert conn.execute("SELECT count(*) FROM probe").fetchone() == (0,)


def test_a_migration_names_another_services_schema_of_its_namespace(scratch):
    """`{{schema:<service>}}`: a backfill reads the events a consumer received from its source's store."""
    added = Migration("funeral/9999_probe.sql", "CREATE TABLE probe AS SELECT '{{schema:child_welfare}}'::text"
                                                " AS source, to_regclass('{{schema:funeral}}.events') IS NOT NULL"
                                                " AS found; GRANT SELECT ON probe TO {{role}};")
    migrate_service(ADMIN_URL, scratch.name, "funeral", [*funeral_migrations(), added])
    with scratch.database("funeral").connection() as conn:
        assert conn.execute("SELECT source, found FROM probe").fetchone() == (f'"{scratch.name}_child_welfare"', True)


def test_an_applied_migration_that_was_edited_stops_the_run(scratch):
    [first, *rest] = funeral_migrations()
    edited = Migration(first.name, first.text + "\n-- edited after release\n")
    with pytest.raises(MigrationError, match="edited"):
        migrate_service(ADMIN_URL, scratch.name, "funeral", [edited, *rest])


def test_a_failing_migration_leaves_nothing_behind(scratch):
    broken = Migration("funeral/9999_broken.sql", "CREATE TABLE half (id int); SELECT no_such_function();")
    with pytest.raises(psycopg.errors.UndefinedFunction):
        migrate_service(ADMIN_URL, scratch.name, "funeral", [*funeral_migrations(), broken])
    assert "funeral/9999_broken.sql" not in recorded(scratch)
    with psycopg.connect(ADMIN_URL) as conn:
        assert conn.execute("SELECT to_regclass(%s)", (f"{scratch.name}_funeral.half",)).fetchone() == (None,)


def test_every_service_has_migrations_that_apply_cleanly(namespace):
    """The session namespace was migrated with every service's files; each schema has its record."""
    with psycopg.connect(ADMIN_URL) as conn:
        for service in SERVICES:
            names = {row[0] for row in conn.execute(
                f"SELECT name FROM {namespace.name}_{service.name}.schema_migrations").fetchall()}
            expected = {m.name for m in migrations_of(service.name, service.directory,
                                                       event_store=service.event_store)}
            assert names == expected


def test_two_migrators_at_once_apply_each_migration_exactly_once():
    """Two `make up` racing: the per-schema advisory lock lets one apply, the other find it done."""
    import eventlet

    name = new_id()
    try:
        runs = [eventlet.spawn(migrate_service, ADMIN_URL, name, "funeral", funeral_migrations()) for _ in range(2)]
        applied = sorted((run.wait() for run in runs), key=len)
        assert applied[0] == [] and applied[1] == [m.name for m in funeral_migrations()]
    finally:
        destroy_namespace(Namespace(name, ("funeral",)))
