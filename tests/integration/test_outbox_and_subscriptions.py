"""The outbox relay and subscriptions on the real database and broker: at-least-once publishing in order,
exactly-once effects, survival of a relay crash and of lost broker connections, dead letters."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

import eventlet
import pytest
from kombu import Connection, Queue

from services.topology import subscriptions_of
from shared.envelope import NewEvent
from shared.eventstore import ANY_VERSION, Upcasters
from shared.eventstore.postgres import PostgresEventStore
from shared.messaging import ATTEMPTS_HEADER, ERROR_HEADER, event_exchange
from shared.nameko_ext import CorrelationContext, EventSourcedService, EventStoreProvider, subscribe
from shared.outbox import OutboxRelay, RelaySettings
from shared.subscriptions import Outcome, SubscriptionRunner, SubscriptionSpec
from tests.support.effects import effects, effects_world
from tests.support.infrastructure import close_broker_connections
from tests.support.services import running, service_config
from tests.support.waiting import wait_until

UPCASTERS = Upcasters()
UPCASTERS.register("funeral.Tested", 1)(lambda p: {"name": p.pop("nm"), **p})
CURED: set[str] = set()  # payload markers whose poison has been "fixed" (for replay)


class EffectsService:
    """A consumer that records each applied event as a row; duplicates would show as repeated rows."""

    name = "timeline"
    context = CorrelationContext()

    @subscribe("funeral", ["funeral.Tested"])
    def record(self, event, tx):
        marker = event.payload.get("poison")
        if marker and marker not in CURED:
            raise RuntimeError(f"cannot digest {marker}")
        tx.execute(
            "INSERT INTO test_effects (event_id, stream_id, stream_version) VALUES (%s, %s, %s)",
            (event.event_id, event.stream_id, event.stream_version),
        )


def funeral_event(**payload: object) -> NewEvent:
    return NewEvent(type="funeral.Tested", occurred_on=dt.date(2025, 1, 2), payload=payload)


@pytest.fixture
def world(fresh_namespace, vhost):
    """Fresh funeral (producer) and timeline (consumer) schemas with the consumer's effects table."""
    return effects_world(fresh_namespace, vhost, EffectsService)


def relay_for(namespace, uri, **settings) -> OutboxRelay:
    return OutboxRelay(namespace.database("funeral"), "funeral", uri, RelaySettings(**settings))


def test_relay_publishes_committed_events_in_position_order_with_confirms(world):
    namespace, uri = world
    store = PostgresEventStore(namespace.database("funeral"))
    with Connection(uri) as conn:
        probe = Queue(f"probe-{uuid.uuid4().hex}", exchange=event_exchange("funeral"), routing_key="#")
        probe(conn.default_channel).declare()
        for n in range(30):
            store.append(f"death-{n % 4}", [funeral_event(n=n)], ANY_VERSION)
        relay = relay_for(namespace, uri, batch_size=7)
        assert relay.publish_pending() == 30
        assert relay.progress() == 30 and relay.lag() == 0
        received, messages = [], []
        while (message := probe(conn.default_channel).get(no_ack=True)) is not None:
            received.append(message.payload)
            messages.append(message)
    assert [m["global_position"] for m in received] == list(range(1, 31))
    assert [m["payload"]["n"] for m in received] == list(range(30))
    # A batch goes out in one write (shared/outbox.py): each message still persistent, with its own id, type and
    # headers, as py-amqp's publish sends them.
    for body, message in zip(received, messages, strict=True):
        assert message.properties["delivery_mode"] == 2 and message.content_type == "application/json"
        assert message.properties["message_id"] == body["event_id"] and message.properties["type"] == body["type"]
        assert message.headers["nameko.causation_id"] == body["event_id"]
        assert message.delivery_info["routing_key"] == body["type"]


def test_a_backlog_of_several_batches_is_recorded_once_within_the_progress_interval(world):
    # Under load the progress is written at most every `progress_every` (issue 19): one write, not one a batch.
    namespace, uri = world
    store = PostgresEventStore(namespace.database("funeral"))
    for n in range(30):
        store.append(f"death-{n % 4}", [funeral_event(n=n)], ANY_VERSION)
    relay = relay_for(namespace, uri, batch_size=7, progress_every=60.0, on_unroutable="skip")
    recorded, record = [], relay._record_progress
    relay._record_progress = lambda position: (recorded.append(position), record(position))

    assert relay.publish_pending() == 30

    assert recorded == [30] and relay.progress() == 30


def test_a_leader_records_its_progress_before_it_goes_idle_whatever_the_interval(world):
    namespace, uri = world
    relay = relay_for(namespace, uri, progress_every=60.0, on_unroutable="skip")
    thread = eventlet.spawn(relay.run)
    try:
        wait_until(lambda: relay.is_leader, what="leadership")
        PostgresEventStore(namespace.database("funeral")).append(
            "burst", [funeral_event(n=n) for n in range(20)], 0)  # one pass of 20: the relay is under load
        wait_until(lambda: relay.progress() == 20, timeout=5, what="the progress recorded on going idle")
    finally:
        relay.stop()
        thread.kill()


def test_an_idle_leader_woken_for_each_event_does_not_record_its_progress_at_every_wake_up(world):
    # Commits a few milliseconds apart wake an idle relay for one event each; it records its progress once
    # no NOTIFY follows within IDLE_RECORD_DELAY (then before it waits), not once per wake-up (issue 19).
    namespace, uri = world
    store = PostgresEventStore(namespace.database("funeral"))
    relay = relay_for(namespace, uri, progress_every=60.0, on_unroutable="skip")
    recorded, record = [], relay._record_progress
    relay._record_progress = lambda position: (recorded.append(position), record(position))
    thread = eventlet.spawn(relay.run)
    try:
        wait_until(lambda: relay.is_leader, what="leadership")
        for n in range(1, 21):
            store.append(f"death-{n}", [funeral_event(n=n)], 0)
            wait_until(lambda n=n: (relay._unrecorded or 0) >= n or relay.progress() >= n, timeout=5,
                       interval=0.001, what=f"event {n} published")
        wait_until(lambda: relay.progress() == 20, timeout=5, what="the progress recorded once idle")
    finally:
        relay.stop()
        thread.kill()

    assert len(recorded) < 10, recorded  # one per wake-up would be 20


def test_events_published_before_the_subscriber_first_starts_are_not_lost(world):
    namespace, uri = world
    store = PostgresEventStore(namespace.database("funeral"))
    stored = [store.append(f"early-{n}", [funeral_event(n=n)], 0)[0] for n in range(5)]
    relay_for(namespace, uri).publish_pending()  # nobody consumes yet: the declared queue keeps them
    with running(EffectsService, service_config(namespace, uri)):
        wait_until(lambda: len(effects(namespace)) == 5, what="early events applied")
    assert {row[0] for row in effects(namespace)} == {e.event_id for e in stored}


def test_relay_killed_after_publishing_before_recording_progress_republishes_and_effects_stay_single(world):
    namespace, uri = world
    store = PostgresEventStore(namespace.database("funeral"))
    for n in range(20):
        store.append(f"crash-{n % 3}", [funeral_event(n=n)], ANY_VERSION)

    crashing = relay_for(namespace, uri)

    def crash(position: int) -> None:
        raise SystemExit("relay process killed")

    crashing._record_progress = crash
    with pytest.raises(SystemExit):
        crashing.publish_pending()
    assert crashing.progress() == 0  # the confirmed batch was never recorded

    restarted = relay_for(namespace, uri)
    assert restarted.publish_pending() == 20  # published again: at least once
    with running(EffectsService, service_config(namespace, uri)):
        wait_until(lambda: len(effects(namespace)) >= 20, what="effects")
        eventlet.sleep(1.0)  # let the duplicate copies arrive and be discarded
        rows = effects(namespace)
    assert len(rows) == 20
    assert Counter(row[0] for row in rows).most_common(1)[0][1] == 1


def test_broker_connections_lost_while_services_run_commands_commit_and_every_event_arrives(world):
    namespace, uri = world
    from services.funeral.service import FuneralService

    config = service_config(namespace, uri)
    store = PostgresEventStore(namespace.database("funeral"))
    written = []
    with running(FuneralService, config), running(EffectsService, config):
        for n in range(10):
            written += store.append(f"outage-{n % 2}", [funeral_event(n=n)], ANY_VERSION)
        wait_until(lambda: len(effects(namespace)) == 10, what="first events")
        for round_ in range(2):
            close_broker_connections(uri)
            for n in range(10):  # commands keep committing while the broker is unreachable to them
                written += store.append(f"outage-{n % 2}", [funeral_event(n=n, round=round_)], ANY_VERSION)
        wait_until(lambda: len(effects(namespace)) == 30, timeout=30, what="every event after the outage")
    assert sorted(row[0] for row in effects(namespace)) == sorted(e.event_id for e in written)


def test_poison_message_is_dead_lettered_after_the_configured_attempts_and_the_queue_keeps_flowing(world):
    namespace, uri = world
    store = PostgresEventStore(namespace.database("funeral"))
    marker = f"poison-{uuid.uuid4().hex[:8]}"
    store.append("poison-stream", [funeral_event(poison=marker)], 0)
    healthy = [store.append(f"healthy-{n}", [funeral_event(n=n)], 0)[0] for n in range(5)]
    relay_for(namespace, uri).publish_pending()
    [queues] = subscriptions_of(EffectsService)
    with running(EffectsService, service_config(namespace, uri)):
        wait_until(lambda: len(effects(namespace)) == 5, what="healthy events despite the poison")
        with Connection(uri) as conn:
            dead = wait_until(lambda: queues.dead(conn.default_channel).get(no_ack=False), what="dead letter")
            assert dead.headers[ATTEMPTS_HEADER] == 3  # MAX_ATTEMPTS in the test configuration
            assert marker in dead.headers[ERROR_HEADER]
            dead.requeue()
    assert {row[0] for row in effects(namespace)} == {e.event_id for e in healthy}


def test_runner_applies_a_stream_in_order_even_when_delivered_out_of_order(world):
    namespace, _ = world
    source = PostgresEventStore(namespace.database("funeral"))
    stored = source.append("reordered", [funeral_event(n=n) for n in range(1, 4)], 0)
    runner = SubscriptionRunner(
        namespace.database("timeline"), SubscriptionSpec("probe", "funeral", ("funeral.Tested",)), source
    )
    applied = []

    def handler(event, tx):
        applied.append(event.stream_version)

    assert runner.apply(stored[2], handler) is Outcome.APPLIED  # version 3 first: 1 and 2 are read first
    assert runner.apply(stored[0], handler) is Outcome.DUPLICATE
    assert runner.apply(stored[2], handler) is Outcome.DUPLICATE
    assert applied == [1, 2, 3]


def test_a_failing_handler_leaves_no_trace_of_the_event(world):
    namespace, _ = world
    source = PostgresEventStore(namespace.database("funeral"))
    [event] = source.append("failing", [funeral_event()], 0)
    runner = SubscriptionRunner(
        namespace.database("timeline"), SubscriptionSpec("probe", "funeral", ("funeral.Tested",)), source
    )

    def failing(event, tx):
        tx.execute("INSERT INTO test_effects (event_id) VALUES (%s)", (event.event_id,))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        runner.apply(event, failing)
    assert effects(namespace) == []
    assert runner.apply(event, lambda e, tx: None) is Outcome.APPLIED  # not marked processed by the failure


def test_only_one_relay_per_service_leads(world):
    namespace, uri = world
    first, second = relay_for(namespace, uri), relay_for(namespace, uri)
    threads = [eventlet.spawn(first.run), eventlet.spawn(second.run)]
    try:
        wait_until(lambda: first.is_leader or second.is_leader, what="a leader")
        eventlet.sleep(0.3)
        assert [first.is_leader, second.is_leader].count(True) == 1
    finally:
        first.stop(), second.stop()
        for thread in threads:
            thread.kill()


def test_relay_wakes_on_notify_without_waiting_for_its_polling_interval(world):
    namespace, uri = world
    relay = relay_for(namespace, uri, poll_interval=60.0)
    thread = eventlet.spawn(relay.run)
    try:
        wait_until(lambda: relay.is_leader, what="leadership")
        eventlet.sleep(0.2)  # the relay is now asleep on LISTEN with a 60 s fallback
        PostgresEventStore(namespace.database("funeral")).append("woken", [funeral_event()], 0)
        wait_until(lambda: relay.progress() == 1, timeout=5, what="publication woken by NOTIFY")
    finally:
        relay.stop()
        thread.kill()


def test_relay_polls_when_no_notify_arrives(world):
    namespace, uri = world
    with namespace.admin("funeral").transaction() as conn:
        conn.execute("ALTER TABLE events DISABLE TRIGGER events_notify")
    relay = relay_for(namespace, uri, poll_interval=0.3)
    thread = eventlet.spawn(relay.run)
    try:
        wait_until(lambda: relay.is_leader, what="leadership")
        PostgresEventStore(namespace.database("funeral")).append("unannounced", [funeral_event()], 0)
        wait_until(lambda: relay.progress() == 1, timeout=5, what="publication found by polling")
    finally:
        relay.stop()
        thread.kill()


class UpcastingFuneral(EventSourcedService):
    """A producer whose v1 `funeral.Tested` had `nm`, renamed `name` in v2."""

    name = "funeral"
    store = EventStoreProvider(UPCASTERS)


def test_relay_publishes_the_current_shape_of_old_events(world):
    namespace, uri = world
    old = NewEvent(type="funeral.Tested", schema_version=1, occurred_on=dt.date(2020, 1, 2), payload={"nm": "x"})
    PostgresEventStore(namespace.database("funeral")).append("old-shape", [old], 0)
    with Connection(uri) as conn:
        probe = Queue(f"probe-{uuid.uuid4().hex}", exchange=event_exchange("funeral"), routing_key="#")
        probe(conn.default_channel).declare()
        with running(UpcastingFuneral, service_config(namespace, uri)):
            message = wait_until(lambda: probe(conn.default_channel).get(no_ack=True), what="the published event")
    assert message.payload["schema_version"] == 2
    assert message.payload["payload"] == {"name": "x"}
