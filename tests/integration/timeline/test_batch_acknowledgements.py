"""A batch is acknowledged with one multiple-ack (services/timeline/consumer.py), and that ack never covers a
delivery that was not applied: on the real broker, while one subscription's batch is still being applied,
another subscription of the same process commits and acknowledges its own batches; the process then dies,
and every delivery of the unfinished batch is back in its queue, none of the acknowledged ones is.

A multiple-ack covers every earlier delivery tag of its channel: on a channel shared by the subscriptions it
would have acknowledged the held batch too (lost with the process, found again only by the gap filler)."""

from __future__ import annotations

import datetime as dt

import eventlet
import pytest
from kombu import Connection
from nameko.containers import ServiceContainer

from services.timeline.consumer import BatchedSubscription, subscribe_batched
from services.topology import subscriptions_of
from shared.envelope import NewEvent
from shared.eventstore import ANY_VERSION
from shared.eventstore.postgres import PostgresEventStore
from shared.messaging import declare_all
from shared.nameko_ext import CorrelationContext
from shared.outbox import OutboxRelay, RelaySettings
from tests.support.effects import effects
from tests.support.services import service_config
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

HELD = {"entered": 0, "release": False}


def record(events, tx) -> None:  # noqa: ANN001
    for event in events if isinstance(events, list) else [events]:
        tx.execute("INSERT INTO test_effects (event_id, stream_id, stream_version) VALUES (%s, %s, %s)",
                   (event.event_id, event.stream_id, event.stream_version))


class TwoSources:
    """Two batched subscriptions in one process: marriage's batches are held mid-apply until released."""

    name = "timeline"
    context = CorrelationContext()

    @subscribe_batched("marriage", "#")
    def on_marriage_event(self, events, tx):  # noqa: ANN001
        HELD["entered"] += 1
        while not HELD["release"]:
            eventlet.sleep(0.01)
        record(events, tx)

    @subscribe_batched("funeral", "#")
    def on_funeral_event(self, events, tx):  # noqa: ANN001
        record(events, tx)


def ready(uri: str, queue: str) -> int:
    with Connection(uri) as connection:
        return connection.default_channel.queue_declare(queue, passive=True)[1]


def publish(namespace, uri: str, source: str, count: int) -> None:  # noqa: ANN001
    store = PostgresEventStore(namespace.database(source))
    for n in range(count):
        store.append(f"{source}-stream-{n % 3}", [NewEvent(type=f"{source}.Tested", occurred_on=dt.date(2025, 1, 2),
                                                           payload={"n": n})], ANY_VERSION)
    assert OutboxRelay(namespace.database(source), source, uri, RelaySettings()).publish_pending() == count


def test_a_batch_ack_never_covers_another_subscriptions_unapplied_deliveries(fresh_namespace, vhost):
    namespace = fresh_namespace("marriage", "funeral", "timeline")
    with namespace.admin("timeline").transaction() as conn:
        conn.execute("CREATE TABLE test_effects (event_id uuid, stream_id text, stream_version int)")
        conn.execute(f"GRANT SELECT, INSERT ON test_effects TO {namespace.name}_timeline")
    declare_all(vhost, subscriptions_of(TwoSources), ["marriage", "funeral"])
    HELD.update(entered=0, release=False)
    container = ServiceContainer(TwoSources, service_config(namespace, vhost))
    container.start()
    try:
        publish(namespace, vhost, "marriage", 20)  # delivered first: the lower delivery tags
        wait_until(lambda: HELD["entered"] > 0, timeout=30, what="a marriage batch held mid-apply")
        for n in range(1, 4):  # several funeral batches, each committed and acknowledged
            publish(namespace, vhost, "funeral", 10)
            wait_until(lambda n=n: len(effects(namespace)) == 10 * n, timeout=30, what="the funeral events applied")
        # Committed batches share an ack within ACK_DELAY (consumer.py, "Acknowledgements"): wait for it.
        [funeral] = [e for e in container.entrypoints if isinstance(e, BatchedSubscription) and e.source == "funeral"]
        wait_until(lambda: not funeral._unacked, timeout=30, what="the funeral batches acknowledged")  # noqa: SLF001
    finally:
        container.kill()  # the process dies: no commit, no ack of the held batch
    assert {stream.split("-")[0] for _, stream, _ in effects(namespace)} == {"funeral"}
    wait_until(lambda: ready(vhost, "evt-marriage--timeline.on_marriage_event") == 20, timeout=30,
               what="every unapplied marriage delivery back in its queue")
    assert ready(vhost, "evt-funeral--timeline.on_funeral_event") == 0
