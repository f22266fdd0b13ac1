"""Versioned SQL migrations, one schema per service, applied by one command (`civreg migrate`).

A service's migrations are the shared ones in this folder (the event store and its bookkeeping) followed by
the files in `services/<name>/migrations/`, each applied once, in name order, in its own transaction, and
recorded with a checksum in `<schema>.schema_migrations`. A recorded file whose text has changed stops the
run: published migrations are never edited, a new file is added instead. Placeholders `{{schema}}`,
`{{role}}` and `{{group}}` name the service's schema, its database role and the group role of all services;
`{{schema:<service>}}` names another service's schema in the same namespace, for a backfill that reads the
events a consumer received from its source (it may not exist yet: a new installation migrates one service
after the other).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from shared.db import schema_name

SHARED_MIGRATIONS = Path(__file__).parent


@dataclass(frozen=True)
class Migration:
    name: str  # e.g. "shared/0001_event_store.sql", "marriage/0001_registrations.sql"
    text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


class MigrationError(RuntimeError):
    pass


def migrations_of(service: str, service_dir: Path | None, *, event_store: bool = True) -> list[Migration]:
    """The ordered migrations of one service."""
    found: list[Migration] = []
    if event_store:
        found += [Migration(f"shared/{p.name}", p.read_text()) for p in sorted(SHARED_MIGRATIONS.glob("*.sql"))]
    if service_dir is not None and (service_dir / "migrations").is_dir():
        found += [
            Migration(f"{service}/{p.name}", p.read_text())
            for p in sorted((service_dir / "migrations").glob("*.sql"))
        ]
    return found


def group_role(namespace: str) -> str:
    return f"{namespace}_services"


def _ensure_role(conn: psycopg.Connection, role: str, *, login: bool) -> None:
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    if not exists:
        conn.execute(sql.SQL("CREATE ROLE {} " + ("LOGIN" if login else "NOLOGIN")).format(sql.Identifier(role)))


def migrate_service(
    admin_url: str, namespace: str, service: str, migrations: Sequence[Migration]
) -> list[str]:
    """Apply the pending migrations of one service; returns the names applied."""
    schema = role = schema_name(namespace, service)
    group = group_role(namespace)
    applied: list[str] = []
    with psycopg.connect(admin_url, autocommit=True) as conn:
        # One migrator per schema at a time (two `make up` at once must not race).
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"migrate:{schema}",))
        try:
            with conn.transaction():
                _ensure_role(conn, group, login=False)
                _ensure_role(conn, role, login=True)
                conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(role)))
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
                conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
                    sql.Identifier(schema), sql.Identifier(group)))
                conn.execute(sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {}.schema_migrations (name text PRIMARY KEY, checksum text NOT NULL,"
                    " applied_at timestamptz NOT NULL DEFAULT now())").format(sql.Identifier(schema)))
            recorded = dict(conn.execute(
                sql.SQL("SELECT name, checksum FROM {}.schema_migrations").format(sql.Identifier(schema))
            ).fetchall())
            for migration in migrations:
                if migration.name in recorded:
                    if recorded[migration.name] != migration.checksum:
                        raise MigrationError(f"{schema}: applied migration {migration.name} was edited")
                    continue
                text = (migration.text.replace("{{schema}}", _quote(schema))
                        .replace("{{role}}", _quote(role)).replace("{{group}}", _quote(group)))
                text = _OTHER_SCHEMA.sub(lambda found: _quote(schema_name(namespace, found[1])), text)
                with conn.transaction():
                    conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
                    conn.execute(text.encode())
                    conn.execute(
                        sql.SQL("INSERT INTO {}.schema_migrations (name, checksum) VALUES (%s, %s)").format(
                            sql.Identifier(schema)),
                        (migration.name, migration.checksum),
                    )
                applied.append(migration.name)
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"migrate:{schema}",))
    return applied


def drop_namespace(admin_url: str, namespace: str, services: Iterable[str]) -> None:
    """Remove every schema and role of a namespace (test runs clean up after themselves)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for service in services:
            name = schema_name(namespace, service)
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
        for role in [*(schema_name(namespace, s) for s in services), group_role(namespace)]:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


_OTHER_SCHEMA = re.compile(r"\{\{schema:([a-z_]+)\}\}")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
