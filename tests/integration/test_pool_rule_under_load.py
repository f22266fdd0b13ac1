"""The pool and worker rule under load (issue 17, docs/operations.md "Pool sizing"): a service driven at its
worker count by commands that each need a pooled connection, while its subscriptions drain a backlog, never
deadlocks. Each subscription delivery holds a connection while it waits for a worker; if deliveries could hold
every connection of the pool, the workers (commands waiting for a connection) and the deliveries (waiting for a
worker) would wait on each other until the checkout timed out. The rule (`pool_rule`: at most
`SUBSCRIPTIONS.CONCURRENCY` deliveries hold one, always fewer than the pool) keeps a connection for the
workers. The pool here is exactly the worker count — the sizing that deadlocked before the rule."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import eventlet
import pytest
from nameko.rpc import rpc
from nameko.standalone.rpc import ClusterRpcProxy

from shared.envelope import NewEvent
from shared.eventstore import ANY_VERSION
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext import CorrelationContext, EventStoreProvider, subscribe
from shared.outbox import OutboxRelay
from tests.support.effects import effects, effects_world
from tests.support.services import running, service_config
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

WORKERS = 4
EVENTS = 300
STREAMS = 30
CLIENTS = 3 * WORKERS  # commands keep every worker busy: the service runs at its worker count


class BusyService:
    """Commands that each hold a pooled connection for a moment, and a subscription applying a backlog."""

    name = "timeline"
    context = CorrelationContext()
    store = EventStoreProvider()  # the container's one pool, shared with the subscription

    @rpc
    def command(self) -> bool:
        with self.store.db.transaction() as tx:
            tx.execute("SELECT pg_sleep(0.02)")
        return True

    @subscribe("funeral", ["funeral.Tested"])
    def record(self, event, tx):  # noqa: ANN001 - the subscription's signature
        tx.execute("INSERT INTO test_effects VALUES (%s, %s, %s)",
                   (event.event_id, event.stream_id, event.stream_version))


@pytest.fixture
def world(fresh_namespace, vhost):
    return effects_world(fresh_namespace, vhost, BusyService)


def applied(namespace) -> Counter:
    """How many times each event was applied."""
    return Counter(row[0] for row in effects(namespace))


def test_a_service_at_its_worker_count_with_subscriptions_draining_never_deadlocks(world):
    namespace, vhost = world
    store = PostgresEventStore(namespace.database("funeral"))
    written = [event.event_id for n in range(EVENTS) for event in store.append(
        f"death-{n % STREAMS}", [NewEvent(type="funeral.Tested", occurred_on=dt.date(2025, 6, 1), payload={"n": n})],
        ANY_VERSION)]
    OutboxRelay(namespace.database("funeral"), "funeral", vhost).publish_pending()  # the backlog is queued
    config = service_config(namespace, vhost, max_workers=WORKERS,
                            DATABASE_POOL={"MAX_SIZE": WORKERS},  # one connection per worker, no more
                            DATABASE_TIMEOUTS={"CHECKOUT": 5})
    answers: Counter = Counter()
    failures: list[str] = []

    def client() -> None:
        with ClusterRpcProxy({"AMQP_URI": vhost}, timeout=30) as rpc_proxy:  # one each: not shareable
            while len(applied(namespace)) < EVENTS and not failures:
                try:
                    answers[rpc_proxy.timeline.command()] += 1
                except Exception as exc:  # noqa: BLE001 - a PoolTimeout (the deadlock broken by the timeout)
                    failures.append(f"{type(exc).__name__}: {exc}")

    with running(BusyService, config):
        clients = [eventlet.spawn(client) for _ in range(CLIENTS)]
        for thread in clients:
            thread.wait()
        assert failures == []  # no command waited out its checkout: no deadlock, not even a broken one
        wait_until(lambda: sum(applied(namespace).values()) >= EVENTS, timeout=60, what="the backlog applied")
    assert answers[True] > 0
    times = applied(namespace)
    assert set(times) == set(written) and max(times.values()) == 1  # every event once
