"""`GET /health`: is the gateway able to serve — database and broker reachable — and how far behind are
the outbox relays (events committed but not yet published) of the event-sourced services.

Relay lag is each service schema's `relay_lag()` (`events` head minus `relay_progress`): the gateway's role
reads none of the services' tables, only these functions, which run as the schema's owner
(shared/migrations/0004_private_stores.sql); a service whose schema is missing or unreadable reports `null`
rather than failing the check. The timeline projector's lag is every source's `head_position()` minus the
timeline's live checkpoint for it (`live_checkpoints()`), summed (`null` when unreadable).

Three probes (docs/operations.md, "Health"):

* `GET /health/live`: the process answers; no I/O, so an outage of PostgreSQL or RabbitMQ never gets the
  gateways restarted;
* `GET /health/ready`: cheap — a `SELECT 1` on the gateway's pool and passive declares on its long-lived broker
  channel (shared/queue_probe.py, no connection per probe): 503 unless the database and the broker answer.
  Its body also names each domain service's heartbeat (`services`: has its RPC queue a consumer?); a service
  that is down makes the status `degraded` but not the gateway unready — the gateway answers that service's
  routes with 503 at once, and taking every gateway out of rotation would stop the others' routes too;
* `GET /health`: all of it, plus the relays' and the projector's lag and the depth of every dead-letter queue
  (`dead_letter_messages`, the queues holding any).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol

from nameko.rpc import RPC_QUEUE_TEMPLATE
from psycopg import sql
from pydantic import BaseModel, ConfigDict

from services.gateway.routing import Call, Reply
from shared.db import Database, schema_name
from shared.logging import get_logger
from shared.queue_probe import BrokerUnavailable, QueueProbe

log = get_logger(__name__)


class HealthReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Literal["ok", "degraded"]
    database: bool
    broker: bool
    relay_lag_events: dict[str, int | None]
    projector_lag_events: int | None = None
    # Each domain service's heartbeat: a consumer on its RPC queue (null: the broker could not be asked).
    services: dict[str, bool | None] = {}
    # Messages parked in dead-letter queues, per queue that holds any (null: the broker could not be asked).
    dead_letter_messages: dict[str, int] | None = None

    @property
    def healthy(self) -> bool:
        return self.database and self.broker


class LiveReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Literal["ok"]


class HealthProbe(Protocol):
    def check(self) -> HealthReport: ...

    def ready(self) -> HealthReport: ...


def assemble(database: bool, broker: bool, relay_lag: dict[str, int | None],
             services: dict[str, bool | None] | None = None) -> HealthReport:
    services = services or {}
    status = "ok" if database and broker and all(services.values()) else "degraded"
    return HealthReport(status=status, database=database, broker=broker, relay_lag_events=relay_lag,
                        services=services)


class InfrastructureProbe:
    """Checks the real PostgreSQL and RabbitMQ, each bounded by `timeout` seconds."""

    def __init__(self, db: Database, amqp_uri: str, namespace: str, services: Iterable[str],
                 timeout: float = 2.0, *, domain_services: Iterable[str] = (),
                 dead_letter_queues: Iterable[str] = ()) -> None:
        self.db = db
        self.amqp_uri = amqp_uri
        self.schemas = {service: schema_name(namespace, service) for service in services}
        self.timeout = timeout
        self.domain_services = tuple(domain_services)
        self.dead_letter_queues = tuple(dead_letter_queues)
        self.broker = QueueProbe(amqp_uri, timeout=timeout)

    def check(self) -> HealthReport:
        relay_lag = self._relay_lag()
        database = relay_lag is not None
        report = assemble(database, self.broker.reachable(),
                          relay_lag if relay_lag is not None else dict.fromkeys(self.schemas), self._heartbeats())
        report = report.model_copy(update={"dead_letter_messages": self._dead_letters()})
        return report.model_copy(update={"projector_lag_events": self._projector_lag()}) if database else report

    def ready(self) -> HealthReport:
        return assemble(self._database_answers(), self.broker.reachable(), {}, self._heartbeats())

    def close(self) -> None:
        self.broker.close()

    def _database_answers(self) -> bool:
        try:
            with self.db.pool.connection(timeout=self.timeout) as conn:
                return conn.execute("SELECT 1").fetchone() == (1,)
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable" to an operator
            log.warning("health: database unreachable", error=type(exc).__name__)
            return False

    def _heartbeats(self) -> dict[str, bool | None]:
        """Per domain service: is anybody consuming its RPC queue (cached passive declares)?"""
        beats: dict[str, bool | None] = {}
        for service in self.domain_services:
            try:
                stats = self.broker.stats(RPC_QUEUE_TEMPLATE.format(service))
                beats[service] = stats is not None and stats.consumers > 0
            except BrokerUnavailable:
                beats[service] = None
        return beats

    def _dead_letters(self) -> dict[str, int] | None:
        parked: dict[str, int] = {}
        try:
            for queue in self.dead_letter_queues:
                stats = self.broker.stats(queue)
                if stats is not None and stats.messages:
                    parked[queue] = stats.messages
        except BrokerUnavailable:
            return None
        return parked

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


def report(call: Call) -> Reply:
    """Database and broker reachability, each domain service's heartbeat, the outbox relays' and the
    projector's lag, dead letters; 503 when the database or the broker does not answer."""
    health: HealthReport = call.ports.health.check()
    return Reply(health, status=200 if health.healthy else 503)


def ready(call: Call) -> Reply:
    """Readiness: 503 unless the database and the broker answer; each domain service's heartbeat in the body."""
    health: HealthReport = call.ports.health.ready()
    return Reply(health, status=200 if health.healthy else 503)


def live(call: Call) -> Reply:
    """Liveness: the process answers. No I/O."""
    return Reply(LiveReport(status="ok"))
