"""Committed deliveries share their acknowledgements (services/timeline/consumer.py, "Acknowledgements"): a
batch waits up to ACK_DELAY for the batches committed after it, or until ACK_EVERY deliveries wait, and is
never acknowledged before its commit. On the real broker and database: a process that dies while committed
deliveries wait for their ack gets them again, and they change nothing; ACK_EVERY waiting are acknowledged
at once; a stopping process acknowledges what it committed."""

from __future__ import annotations

import datetime as dt

import pytest
from kombu import Connection
from nameko.containers import ServiceContainer

from services.timeline import consumer
from services.timeline.consumer import BatchedSubscription, subscribe_batched
from shared.envelope import NewEvent
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext import CorrelationContext
from shared.outbox import OutboxRelay, RelaySettings
from tests.support.effects import effects, effects_world
from tests.support.services import service_config
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

QUEUE = "evt-funeral--timeline.on_funeral_event"


class Consumer:
    name = "timeline"
    context = CorrelationContext()

    @subscribe_batched("funeral", "#")
    def on_funeral_event(self, events, tx):  # noqa: ANN001
        for event in events if isinstance(events, list) else [events]:
            tx.execute("INSERT INTO test_effects (event_id, stream_id, stream_version) VALUES (%s, %s, %s)",
                       (event.event_id, event.stream_id, event.stream_version))


def publish(namespace, uri: str, versions: range) -> None:  # noqa: ANN001
    store = PostgresEventStore(namespace.database("funeral"))
    store.append("death-a", [NewEvent(type="funeral.Tested", occurred_on=dt.date(2025, 1, 2), payload={"n": n})
                             for n in versions], versions.start - 1)
    relay = OutboxRelay(namespace.database("funeral"), "funeral", uri, RelaySettings())
    assert relay.publish_pending() == len(versions)


def ready(uri: str) -> int:
    with Connection(uri) as connection:
        return connection.default_channel.queue_declare(QUEUE, passive=True)[1]


def unacked(container: ServiceContainer) -> int:
    [entrypoint] = [e for e in container.entrypoints if isinstance(e, BatchedSubscription)]
    return len(entrypoint._unacked)  # noqa: SLF001 - the deliveries committed and waiting for their ack


def test_committed_deliveries_waiting_for_their_ack_come_back_to_a_new_process_and_change_nothing(
        fresh_namespace, vhost, monkeypatch):
    namespace, vhost = effects_world(fresh_namespace, vhost, Consumer)
    monkeypatch.setattr(consumer, "ACK_DELAY", 600.0)  # committed, then held unacknowledged
    container = ServiceContainer(Consumer, service_config(namespace, vhost))
    container.start()
    try:
        publish(namespace, vhost, range(1, 4))
        wait_until(lambda: len(effects(namespace)) == 3, timeout=30, what="the events applied")
        assert unacked(container) == 3
    finally:
        container.kill()  # dies before the ack
    wait_until(lambda: ready(vhost) == 3, timeout=30, what="the committed deliveries back in the queue")

    monkeypatch.setattr(consumer, "ACK_DELAY", 0.05)
    again = ServiceContainer(Consumer, service_config(namespace, vhost))
    again.start()
    try:
        publish(namespace, vhost, range(4, 5))
        wait_until(lambda: len(effects(namespace)) == 4, timeout=30, what="the next event applied")
        wait_until(lambda: ready(vhost) == 0 and unacked(again) == 0, timeout=30, what="everything acknowledged")
    finally:
        again.stop()
    assert sorted(version for _, _, version in effects(namespace)) == [1, 2, 3, 4]  # each once


def test_ack_every_waiting_deliveries_are_acknowledged_at_once_and_a_stop_acknowledges_the_rest(
        fresh_namespace, vhost, monkeypatch):
    namespace, vhost = effects_world(fresh_namespace, vhost, Consumer)
    monkeypatch.setattr(consumer, "ACK_DELAY", 600.0)
    monkeypatch.setattr(consumer, "ACK_EVERY", 5)
    container = ServiceContainer(Consumer, service_config(namespace, vhost))
    container.start()
    try:
        publish(namespace, vhost, range(1, 6))
        wait_until(lambda: len(effects(namespace)) == 5 and unacked(container) == 0, timeout=30,
                   what="five applied and acknowledged")
        publish(namespace, vhost, range(6, 8))
        wait_until(lambda: len(effects(namespace)) == 7, timeout=30, what="two more applied")
        assert unacked(container) == 2
    finally:
        container.stop()  # a graceful stop: what it committed is acknowledged
    assert ready(vhost) == 0
