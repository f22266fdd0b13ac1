"""`GET /health`: is the gateway able to serve — database and broker reachable — and how far behind are
the outbox relays (events committed but not yet published) of the event-sourced services.

Relay lag is each service schema's `relay_lag()` (`events` head minus `relay_progress`): the gateway's role
reads none of the services' tables, only these functions, which run as the schema's owner
(shared/migrations/0004_private_stores.sql); a service whose schema is missing or unreadable reports `null`
rather than failing the check. The timeline projector's lag is every source's `head_position()` minus the
timeline's live checkpoint for it (`live_checkpoints()`), summed (`null` when unreadable).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol

from kombu import Connection
from psycopg import sql
from pydantic import BaseModel, ConfigDict

from services.gateway.routing import Call, Reply
from shared.db import Database, schema_name
from shared.logging import get_logger

log = get_logger(__name__)


class HealthReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Literal["ok", "degraded"]
    database: bool
    broker: bool
    relay_lag_events: dict[str, int | None]
    projector_lag_events: int | None = None

    @property
    def healthy(self) -> bool:
        return self.database and self.broker


class HealthProbe(Protocol):
    def check(self) -> HealthReport: ...


def assemble(database: bool, broker: bool, relay_lag: dict[str, int | None]) -> HealthReport:
    status = "ok" if database and broker else "degraded"
    return HealthReport(status=status, database=database, broker=broker, relay_lag_events=relay_lag)


class InfrastructureProbe:
    """Checks the real PostgreSQL and RabbitMQ, each bounded by `timeout` seconds."""

    def __init__(self, db: Database, amqp_uri: str, namespace: str, services: Iterable[str],
                 timeout: float = 2.0) -> None:
        self.db = db
        self.amqp_uri = amqp_uri
        self.schemas = {service: schema_name(namespace, service) for service in services}
        self.timeout = timeout

    def check(self) -> HealthReport:
        relay_lag = self._relay_lag()
        database = relay_lag is not None
        report = assemble(database, self._broker_reachable(),
                          relay_lag if relay_lag is not None else dict.fromkeys(self.schemas))
        return report.model_copy(update={"projector_lag_events": self._projector_lag()}) if database else report

    def _projector_lag(self) -> int | None:
        """Events the sources hold that the timeline's live projection has not applied (its checkpoints,
        services/timeline/migrations/0001_projection.sql); null when unreadable."""
        timeline = self.schemas.get("timeline")
        sources = {service: schema for service, schema in self.schemas.items() if service != "timeline"}
        if timeline is None or not sources:
            return None
        parts = [sql.SQL(
            "{source}.head_position() - coalesce((SELECT c.position FROM {timeline}.live_checkpoints() c"
            " WHERE c.source = {name}), 0)"
        ).format(source=sql.Identifier(schema), timeline=sql.Identifier(timeline),
                 name=sql.Literal(service)) for service, schema in sources.items()]
        try:
            with self.db.pool.connection(timeout=self.timeout) as conn:
                return conn.execute(sql.SQL("SELECT ") + sql.SQL(" + ").join(parts)).fetchone()[0]
        except Exception as exc:  # noqa: BLE001
            log.warning("health: projector lag unreadable", error=type(exc).__name__)
            return None

    def _relay_lag(self) -> dict[str, int | None] | None:
        """Lag per service, or None when the database cannot be reached at all."""
        try:
            with self.db.pool.connection(timeout=self.timeout) as conn, conn.transaction():
                conn.execute(f"SET LOCAL statement_timeout = {int(self.timeout * 1000)}")
                return {service: self._lag_of(conn, schema) for service, schema in self.schemas.items()}
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable" to an operator
            log.warning("health: database unreachable", error=type(exc).__name__)
            return None

    def _lag_of(self, conn, schema: str) -> int | None:  # noqa: ANN001
        query = sql.SQL("SELECT {schema}.relay_lag()").format(schema=sql.Identifier(schema))
        try:
            with conn.transaction():  # a savepoint: one unreadable schema must not spoil the others
                return conn.execute(query).fetchone()[0]
        except Exception as exc:  # noqa: BLE001
            log.warning("health: relay lag unreadable", schema=schema, error=type(exc).__name__)
            return None

    def _broker_reachable(self) -> bool:
        try:
            with Connection(self.amqp_uri, connect_timeout=self.timeout) as connection:
                connection.ensure_connection(max_retries=1, timeout=self.timeout)
            return True
        except Exception as exc:  # noqa: BLE001
            log.warning("health: broker unreachable", error=type(exc).__name__)
            return False


def report(call: Call) -> Reply:
    """Database and broker reachability and the outbox relays' lag; 503 when degraded."""
    health: HealthReport = call.ports.health.check()
    return Reply(health, status=200 if health.healthy else 503)
