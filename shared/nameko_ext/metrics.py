"""Prometheus metrics of an event-sourced service, on a port of its own (issue 18).

`ServiceMetrics` is a dependency of every `EventSourcedService`: no per-service code. With `METRICS_PORT`
configured (`make up` gives each service its own, Kubernetes sets it in the pod), the service answers
`GET /metrics` there (on `METRICS_HOST`, 127.0.0.1 by default); without it no port is opened and the
metrics are still counted (tests run many containers in one process).

What it exposes (names fixed by deploy/observability/, which the dashboard and the alert rules read):

* `civreg_commands_total{service, command, outcome}` (counter): each command of the service's command table
  as it ended: `accepted`, `refused` (a Refusal), `conflict` (concurrency), `failed`;
* `civreg_event_append_seconds{service}` (histogram): each append to the event store (store.py);
* `civreg_outbox_relay_lag_events{service}`: events committed but not yet published by the outbox relay;
* `civreg_outbox_relay_halted{service}`: 1 while the relay is halted on unroutable events (shared/outbox.py);
* `civreg_consumer_lag_messages{queue}`: messages waiting in a subscription's queue and its retry queue;
* `civreg_dead_letter_messages{queue}`: messages in a subscription's dead-letter queue (`<queue>.dead`);
* `civreg_projector_lag_events{source}`: the timeline projector, a source's head minus its checkpoint;
* `civreg_db_pool_connections{service, state}`: the connection pool, `in_use`, `idle`, `max`;
* `civreg_db_pool_requests_waiting{service}`: callers waiting for a connection.

Gauges are read when Prometheus scrapes (a query or a passive queue declaration each), so they are never stale;
one that cannot be read at that moment is left out of that scrape rather than failing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import eventlet
from eventlet import wsgi
from kombu import Connection
from nameko.extensions import DependencyProvider
from prometheus_client import CollectorRegistry, Counter, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from shared.errors import Refusal
from shared.eventstore.base import ConcurrencyConflict
from shared.logging import get_logger
from shared.nameko_ext.database import DatabasePool
from shared.settings import Broker, MetricsEndpoint

log = get_logger(__name__)

REGISTRY = CollectorRegistry()  # the process's: one service container per `civreg run`
COMMANDS = Counter("civreg_commands_total", "commands handled, by name and outcome",
                   ["service", "command", "outcome"], registry=REGISTRY)
APPEND_SECONDS = Histogram("civreg_event_append_seconds", "time to append events to the store (seconds)",
                           ["service"], registry=REGISTRY,
                           buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))

# The gauges read at scrape time: name -> (help, labels).
GAUGES: dict[str, tuple[str, list[str]]] = {
    "civreg_outbox_relay_lag_events": ("events committed but not yet published by the outbox relay", ["service"]),
    "civreg_outbox_relay_halted": ("1 while this process's relay is halted on unroutable events (the alarm)",
                                   ["service"]),
    "civreg_consumer_lag_messages": ("messages waiting in a subscription's queue and its retry queue", ["queue"]),
    "civreg_dead_letter_messages": ("messages in a subscription's dead-letter queue (<queue>.dead)", ["queue"]),
    "civreg_projector_lag_events": ("events of a source not yet applied by the timeline projector", ["source"]),
    "civreg_db_pool_connections": ("the service's database connection pool (in_use, idle, max)", ["service", "state"]),
    "civreg_db_pool_requests_waiting": ("callers waiting for a database connection", ["service"]),
}


def gauge(name: str) -> GaugeMetricFamily:
    help_text, labels = GAUGES[name]
    return GaugeMetricFamily(name, help_text, labels=labels)


def sample_names() -> set[str]:
    """The sample names a service exposes (deploy/checks/observability.py checks the dashboard against them)."""
    names = set(GAUGES)
    for family in (*COMMANDS.describe(), *APPEND_SECONDS.describe()):
        if family.type == "counter":
            names.add(f"{family.name}_total")
        else:
            names.update(f"{family.name}{suffix}" for suffix in ("_bucket", "_count", "_sum"))
    return names


def outcome_of(exc_info: Any) -> str:
    """How a command ended, in the few words a dashboard groups by."""
    if exc_info is None:
        return "accepted"
    if isinstance(exc_info[1], Refusal):
        return "refused"
    if isinstance(exc_info[1], ConcurrencyConflict):
        return "conflict"
    return "failed"


class ServiceMetrics(DependencyProvider):
    pool = DatabasePool()

    def setup(self) -> None:
        self.service = self.container.service_name
        self._server: Any = None
        self._collector: _ScrapeTimeGauges | None = None

    def start(self) -> None:
        endpoint = MetricsEndpoint.of(self.container.config)
        if endpoint.METRICS_PORT is None:
            return
        host, port = endpoint.METRICS_HOST, endpoint.METRICS_PORT
        self._collector = _ScrapeTimeGauges(self)
        REGISTRY.register(self._collector)
        listener = eventlet.listen((host, int(port)))
        self._server = self.container.spawn_managed_thread(
            lambda: wsgi.server(listener, make_wsgi_app(REGISTRY), log_output=False), identifier="metrics")
        log.info("metrics served", address=f"{host}:{listener.getsockname()[1]}")

    def stop(self) -> None:
        if self._server is not None:
            self._server.kill()
            self._server = None
        if self._collector is not None:
            REGISTRY.unregister(self._collector)
            self._collector = None

    kill = stop

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:  # noqa: ANN001
        command = getattr(getattr(type(worker_ctx.service), worker_ctx.entrypoint.method_name, None),
                          "command_name", None)  # set on the command table's entrypoints (commands.py)
        if command is not None:
            COMMANDS.labels(self.service, command, outcome_of(exc_info)).inc()

    # -- what the gauges read, from the container's other extensions ------------------------------------
    def dependencies(self, attribute: str) -> list[Any]:
        return [d for d in self.container.dependencies if getattr(d, attribute, None) is not None]

    def subscriptions(self) -> list[Any]:
        return [e for e in self.container.entrypoints if getattr(e, "topology", None) is not None]


class _ScrapeTimeGauges(Collector):
    def __init__(self, metrics: ServiceMetrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for read in (self._relay_lag, self._queues, self._projector_lag, self._pool):
            try:
                yield from read()
            except Exception as exc:  # noqa: BLE001 - a scrape reports what it can read (module docstring)
                log.warning("metric unreadable", metric=read.__name__, error=str(exc))

    def _relay_lag(self) -> Iterator[GaugeMetricFamily]:
        lag = gauge("civreg_outbox_relay_lag_events")
        halted = gauge("civreg_outbox_relay_halted")
        for provider in self.metrics.dependencies("relay"):
            halted.add_metric([self.metrics.service], 1 if provider.relay.halted_types else 0)
            lag.add_metric([self.metrics.service], provider.relay.lag())
        yield halted
        yield lag

    def _queues(self) -> Iterator[GaugeMetricFamily]:
        subscriptions = self.metrics.subscriptions()
        if not subscriptions:
            return
        waiting = gauge("civreg_consumer_lag_messages")
        dead = gauge("civreg_dead_letter_messages")
        with Connection(Broker.of(self.metrics.container.config).AMQP_URI) as connection:
            channel = connection.channel()
            for subscription in subscriptions:
                queues = subscription.topology
                ready = _depth(channel, queues.main.name) + _depth(channel, queues.retry.name)
                waiting.add_metric([queues.main.name], ready)
                dead.add_metric([queues.dead.name], _depth(channel, queues.dead.name))
        yield waiting
        yield dead

    def _projector_lag(self) -> Iterator[GaugeMetricFamily]:
        projectors = [d.projector for d in self.metrics.dependencies("projector")]
        if not projectors:
            return
        lag = gauge("civreg_projector_lag_events")
        for projector in projectors:
            for source, events in projector.lag().items():
                lag.add_metric([source], events)
        yield lag

    def _pool(self) -> Iterator[GaugeMetricFamily]:
        stats = self.metrics.pool.db.pool.get_stats()
        size, idle = stats.get("pool_size", 0), stats.get("pool_available", 0)
        connections = gauge("civreg_db_pool_connections")
        for state, value in (("in_use", size - idle), ("idle", idle), ("max", stats.get("pool_max", 0))):
            connections.add_metric([self.metrics.service, state], value)
        yield connections
        waiting = gauge("civreg_db_pool_requests_waiting")
        waiting.add_metric([self.metrics.service], stats.get("requests_waiting", 0))
        yield waiting


def _depth(channel: Any, queue: str) -> int:
    return channel.queue_declare(queue=queue, passive=True).message_count


def timed_append(service: str) -> Any:
    """The context manager that times one append into `civreg_event_append_seconds`."""
    return APPEND_SECONDS.labels(service).time()


__all__ = ["ServiceMetrics", "REGISTRY", "timed_append", "outcome_of"]
