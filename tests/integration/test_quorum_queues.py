"""Subscription queues are quorum queues with a delivery limit; declaring them over the classic queues of an
earlier release migrates every waiting message (shared/quorum.py), on the real RabbitMQ."""

import uuid

import pytest
from kombu import Connection, Exchange, Queue

from shared.messaging import DELIVERY_LIMIT, SubscriptionQueues, event_exchange
from shared.quorum import QueueInUse, declare_quorum
from tests.support.waiting import wait_until


def classic_topology(connection, queues: SubscriptionQueues) -> None:
    """What release 1 declared: the same names, classic queues."""
    channel = connection.default_channel
    event_exchange(queues.source)(channel).declare()
    Queue(queues.name, exchange=event_exchange(queues.source), routing_key=queues.event_types[0],
          durable=True)(channel).declare()
    Queue(f"{queues.name}.retry", durable=True,
          queue_arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": queues.name})(channel).declare()
    Queue(f"{queues.name}.dead", durable=True)(channel).declare()


def publish(connection, exchange: Exchange, routing_key: str, n: int, **headers) -> None:
    producer = connection.Producer()
    producer.publish({"n": n}, exchange=exchange, routing_key=routing_key, serializer="json", delivery_mode=2,
                     headers=headers, declare=[])


def drain(connection, name: str) -> list[tuple[int, dict]]:
    got = []
    queue = Queue(name)(connection.default_channel)
    while (message := queue.get(no_ack=True)) is not None:
        got.append((message.payload["n"], dict(message.headers)))
    return got


def queue_type(connection, name: str) -> str:
    # A quorum queue redeclared as classic is refused; declaring as quorum passes only if it is one.
    channel = connection.channel()
    try:
        Queue(name, durable=True, queue_arguments={"x-queue-type": "classic"})(channel).declare()
        return "classic"
    except Exception:  # noqa: BLE001 - PRECONDITION_FAILED: another type
        return "quorum"
    finally:
        if channel.is_open:
            channel.close()


@pytest.fixture
def subscription():
    return SubscriptionQueues(f"evt-funeral--test.q{uuid.uuid4().hex[:8]}", "funeral", ("funeral.Tested",))


def test_classic_queues_with_messages_become_quorum_queues_with_the_same_messages(vhost, subscription):
    with Connection(vhost, transport_options={"confirm_publish": True}) as connection:
        classic_topology(connection, subscription)
        for n in range(25):
            publish(connection, event_exchange("funeral"), "funeral.Tested", n, **{"x-civreg-attempts": n % 3})
        publish(connection, Exchange(""), f"{subscription.name}.dead", 100, **{"x-civreg-error": "boom"})

        migrated = subscription.declare(connection)

        assert migrated == 26
        for name in (subscription.name, f"{subscription.name}.retry", f"{subscription.name}.dead"):
            assert queue_type(connection, name) == "quorum"
        # still bound: an event published after the migration arrives in the quorum queue
        publish(connection, event_exchange("funeral"), "funeral.Tested", 25)
        main = drain(connection, subscription.name)
        assert sorted(n for n, _ in main) == list(range(26))
        assert {n: h["x-civreg-attempts"] for n, h in main if n < 25} == {n: n % 3 for n in range(25)}
        assert [(n, h["x-civreg-error"]) for n, h in drain(connection, f"{subscription.name}.dead")] == [
            (100, "boom")]
        assert subscription.declare(connection) == 0  # declaring again is a no-op


def test_a_queue_still_consumed_is_not_migrated(vhost, subscription):
    with Connection(vhost) as connection:
        classic_topology(connection, subscription)
        consumer_channel = connection.channel()
        consumer_channel.basic_consume(subscription.name, callback=lambda message: None)
        with pytest.raises(QueueInUse, match="stop the service consuming it"):
            declare_quorum(connection, subscription.main)
        consumer_channel.close()
        assert queue_type(connection, subscription.name) == "classic"


def test_the_main_queue_dead_letters_a_message_delivered_more_than_the_limit(vhost, subscription):
    """The poison guard: a message whose consumer keeps dying unacknowledged ends in the dead-letter queue."""
    with Connection(vhost) as connection:
        subscription.declare(connection)
        publish(connection, event_exchange("funeral"), "funeral.Tested", 7)
        queue = Queue(subscription.name)
        deliveries = 0

        def delivered_and_requeued() -> bool:
            # A requeued message comes back after a moment, and dead-lettering from a quorum queue is
            # asynchronous: keep taking it (as a consumer crashing before its ack) until the broker stops
            # handing it out.
            nonlocal deliveries
            channel = connection.channel()
            try:
                message = queue(channel).get(no_ack=False)
                if message is not None:
                    deliveries += 1
                    message.requeue()
                return deliveries > DELIVERY_LIMIT and message is None
            finally:
                channel.close()

        wait_until(delivered_and_requeued, timeout=30, what="the message to pass its delivery limit")
        dead = wait_until(lambda: drain(connection, f"{subscription.name}.dead"), timeout=15,
                          what="the message in the dead-letter queue")
        assert [n for n, _ in dead] == [7]
        assert drain(connection, subscription.name) == []
