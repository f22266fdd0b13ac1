"""The batched consumer reads the next batch while one is applied (services/timeline/consumer.py, "Overlap"),
on the real broker and database: the batch read ahead is applied only after the one before it committed, in
delivery order, and nothing of either is acknowledged before its own commit — a process that dies while the
first is held mid-apply gets every delivery of both back. A delivery that is no event is parked alone in the
dead-letter queue while the events around it are applied."""

from __future__ import annotations

import datetime as dt

import eventlet
import pytest
from kombu import Connection, Exchange, Producer
from nameko.containers import ServiceContainer

from services.timeline.consumer import BatchedSubscription, subscribe_batched
from shared.envelope import NewEvent
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext import CorrelationContext
from shared.outbox import OutboxRelay, RelaySettings
from tests.support.effects import effects_world
from tests.support.services import service_config
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

QUEUE = "evt-funeral--timeline.on_funeral_event"
HELD = {"calls": [], "release": False}


class Consumer:
    """The first batch is held mid-apply until released; every applied event leaves an effect row, in
    application order (a sequence column)."""

    name = "timeline"
    context = CorrelationContext()

    @subscribe_batched("funeral", "#")
    def on_funeral_event(self, events, tx):  # noqa: ANN001
        events = events if isinstance(events, list) else [events]
        HELD["calls"].append([e.stream_version for e in events])
        while len(HELD["calls"]) == 1 and not HELD["release"]:
            eventlet.sleep(0.01)
        for event in events:
            tx.execute("INSERT INTO test_effects (event_id, stream_id, stream_version) VALUES (%s, %s, %s)",
                       (event.event_id, event.stream_id, event.stream_version))


def world(fresh_namespace, vhost):  # noqa: ANN001, ANN201
    namespace, vhost = effects_world(fresh_namespace, vhost, Consumer)
    with namespace.admin("timeline").transaction() as conn:
        conn.execute("ALTER TABLE test_effects ADD COLUMN n bigserial")
        conn.execute(f"GRANT USAGE ON SEQUENCE test_effects_n_seq TO {namespace.name}_timeline")
    HELD.update(calls=[], release=False)
    return namespace, vhost


def publish(namespace, uri: str, stream: str, versions: range) -> None:  # noqa: ANN001
    store = PostgresEventStore(namespace.database("funeral"))
    store.append(stream, [NewEvent(type="funeral.Tested", occurred_on=dt.date(2025, 1, 2), payload={"n": n})
                          for n in versions], versions.start - 1)
    relay = OutboxRelay(namespace.database("funeral"), "funeral", uri, RelaySettings())
    assert relay.publish_pending() == len(versions)


def applied(namespace) -> list[tuple[str, int]]:  # noqa: ANN001
    with namespace.admin("timeline").transaction() as conn:
        return [tuple(row) for row in conn.execute("SELECT stream_id, stream_version FROM test_effects ORDER BY n")]


def ready(uri: str, queue: str) -> int:
    with Connection(uri) as connection:
        return connection.default_channel.queue_declare(queue, passive=True)[1]


def subscription(container: ServiceContainer) -> BatchedSubscription:
    [entrypoint] = [e for e in container.entrypoints if isinstance(e, BatchedSubscription)]
    return entrypoint


def hold_one_and_read_the_next(namespace, uri: str, container: ServiceContainer) -> None:  # noqa: ANN001
    """Stream death-a's five events held mid-apply, death-b's five read and waiting behind them."""
    publish(namespace, uri, "death-a", range(1, 6))
    wait_until(lambda: HELD["calls"], timeout=30, what="the first batch held mid-apply")
    publish(namespace, uri, "death-b", range(1, 6))  # another stream: no row lock would hold it back
    wait_until(lambda: subscription(container)._read.qsize() == 1, timeout=30, what="the next batch read")


def test_a_batch_read_ahead_waits_for_the_commit_before_it_and_both_are_acknowledged_after_their_own(
        fresh_namespace, vhost):
    namespace, vhost = world(fresh_namespace, vhost)
    container = ServiceContainer(Consumer, service_config(namespace, vhost))
    container.start()
    try:
        hold_one_and_read_the_next(namespace, vhost, container)
        eventlet.sleep(0.3)
        assert applied(namespace) == [] and len(HELD["calls"]) == 1  # the read batch waits for the held one
        HELD["release"] = True
        wait_until(lambda: len(applied(namespace)) == 10, timeout=30, what="both batches applied")
        assert applied(namespace) == [("death-a", v) for v in range(1, 6)] + [("death-b", v) for v in range(1, 6)]
        wait_until(lambda: ready(vhost, QUEUE) == 0, timeout=30, what="nothing back in the queue")
    finally:
        container.kill()


def test_a_process_dying_mid_batch_gets_the_held_and_the_read_ahead_batch_back_whole(fresh_namespace, vhost):
    namespace, vhost = world(fresh_namespace, vhost)
    container = ServiceContainer(Consumer, service_config(namespace, vhost))
    container.start()
    try:
        hold_one_and_read_the_next(namespace, vhost, container)
    finally:
        container.kill()  # no commit, so no acknowledgement of either batch
    assert applied(namespace) == []
    wait_until(lambda: ready(vhost, QUEUE) == 10, timeout=30, what="every delivery back in its queue")


def test_a_delivery_that_is_no_event_is_parked_alone_and_the_events_around_it_are_applied(fresh_namespace, vhost):
    namespace, vhost = world(fresh_namespace, vhost)
    HELD["release"] = True
    container = ServiceContainer(Consumer, service_config(namespace, vhost))
    container.start()
    try:
        publish(namespace, vhost, "death-a", range(1, 3))
        with Connection(vhost) as connection:
            Producer(connection.default_channel).publish(
                {"type": "funeral.Tested", "stream_id": "death-a"}, exchange=Exchange("funeral.events", "topic"),
                routing_key="funeral.Tested", serializer="json", delivery_mode=2)
        publish(namespace, vhost, "death-a", range(3, 5))
        wait_until(lambda: ready(vhost, f"{QUEUE}.dead") == 1, timeout=30, what="the non-event parked")
        wait_until(lambda: len(applied(namespace)) == 4, timeout=30, what="the events applied")
        assert applied(namespace) == [("death-a", v) for v in range(1, 5)]
        wait_until(lambda: ready(vhost, QUEUE) == 0, timeout=30, what="nothing back in the queue")
    finally:
        container.kill()
