"""Least-privilege database roles (issue 12): what one service's role may read of another's schema.

Each service's role reads and writes only its own schema (shared/migrations/0004_private_stores.sql takes
away what the services' group could read). The one exception is the design's gap filling: a consumer that
finds a missed message reads it from the source's store (docs/architecture.md, "Subscriptions"), so it is
granted SELECT on the `events` table of each source it subscribes to — the events it already receives over
the broker, and no read model. The gateway's role reads none of the services' tables; its /health calls
the schemas' `head_position()`, `relay_lag()` and `live_checkpoints()` functions.

`civreg migrate` and the test namespaces apply `grant_consumers` after migrating; it is idempotent. Where
password authentication is used (compose, production), `civreg migrate` also sets each role's password from
`DATABASE_PASSWORD_<SERVICE>` when that variable is set (`set_passwords`), and each process names its user
and password in its `DATABASE_URL`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import psycopg
from psycopg import sql

from services import spec
from services.topology import service_class, subscriptions_of
from shared.db import schema_name


def consumed_sources(services: Iterable[str]) -> list[tuple[str, str]]:
    """(source, consumer) for every subscription among `services` whose source is among them too."""
    present = set(services)
    pairs = set()
    for consumer in present:
        if not spec(consumer).event_store:
            continue
        for queues in subscriptions_of(service_class(spec(consumer))):
            if queues.source in present and queues.source != consumer:
                pairs.add((queues.source, consumer))
    return sorted(pairs)


def grant_consumers(admin_url: str, namespace: str, services: Iterable[str]) -> list[tuple[str, str]]:
    pairs = consumed_sources(services)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for source, consumer in pairs:
            conn.execute(sql.SQL("GRANT SELECT ON {}.events TO {}").format(
                sql.Identifier(schema_name(namespace, source)), sql.Identifier(schema_name(namespace, consumer))))
    return pairs


def set_passwords(admin_url: str, namespace: str, services: Iterable[str], environ: Mapping[str, str]) -> list[str]:
    """`ALTER ROLE ... PASSWORD` for each service whose `DATABASE_PASSWORD_<SERVICE>` is set; the roles it set."""
    done = []
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for service in services:
            password = environ.get(f"DATABASE_PASSWORD_{service.upper()}")
            if password:
                conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(schema_name(namespace, service)), sql.Literal(password)))
                done.append(service)
    return done
