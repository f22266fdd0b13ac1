"""The pool of long-lived producers (shared/producer_pool.py) on the real broker: a producer keeps its channel
between uses, one whose connection dropped still publishes (kombu reconnects it), and closing the pool closes
every connection."""

from __future__ import annotations

import select
import socket
import uuid

import pytest
from kombu import Connection, Exchange, Queue

from shared.producer_pool import producer_pool, publish_kept
from tests.support.infrastructure import close_broker_connections

pytestmark = pytest.mark.integration


@pytest.fixture
def queue(amqp_uri):
    queue = Queue(f"producer-pool-{uuid.uuid4().hex}", auto_delete=False)
    with Connection(amqp_uri) as connection:
        queue(connection.default_channel).declare()
        yield queue
        queue(connection.default_channel).delete()


@pytest.fixture
def pool(amqp_uri):
    pool = producer_pool(amqp_uri, 1)
    yield pool
    pool.force_close_all()
    pool.connections.force_close_all()


def received(amqp_uri: str, queue: Queue) -> list:
    with Connection(amqp_uri) as connection:
        bound = queue(connection.default_channel)
        bodies = []
        while (message := bound.get(no_ack=True)) is not None:
            bodies.append(message.body)
        return bodies


def publish(producer, queue: Queue, body: str) -> None:  # noqa: ANN001
    producer.publish(body, exchange="", routing_key=queue.name, serializer="raw", retry=True,
                     retry_policy={"max_retries": 3, "interval_start": 0.1, "interval_step": 0.1})


def test_a_producer_keeps_its_connection_and_channel_between_uses(amqp_uri, queue, pool):
    with pool.acquire(block=True) as producer:
        publish(producer, queue, "first")
        channel = producer.channel
    assert producer.channel is channel  # released with it: the next use binds nothing anew
    with pool.acquire(block=True) as producer:
        publish(producer, queue, "second")
        assert producer.channel is channel and channel.is_open

    assert received(amqp_uri, queue) == ["first", "second"]


def test_a_producer_whose_connection_dropped_publishes_on_a_new_one(amqp_uri, queue, pool):
    with pool.acquire(block=True) as producer:
        publish(producer, queue, "before")
        producer.connection.connection.sock.shutdown(socket.SHUT_RDWR)  # the link is cut under it
    with pool.acquire(block=True) as producer:
        publish(producer, queue, "after")
        assert producer.channel.is_open

    assert received(amqp_uri, queue) == ["before", "after"]


def test_a_kept_producer_notices_a_connection_the_broker_closed_and_publishes_on_a_new_one(vhost):
    """What the broker sent before a publish is read by the publish: here, its closing of the connection. A
    publish that only wrote its frames would send them into a socket the broker no longer reads (lost)."""
    queue = Queue(f"producer-pool-{uuid.uuid4().hex}", auto_delete=False)
    with Connection(vhost) as connection:
        queue(connection.default_channel).declare()
    pool = producer_pool(vhost, 1)
    try:
        with pool.acquire(block=True) as producer:
            publish_kept(producer, b"before", exchange=Exchange(""), routing_key=queue.name, retry_policy=RETRY)
            sock = producer.connection.connection.sock
        close_broker_connections(vhost)  # the broker sends connection.close and drops the link
        assert select.select([sock], [], [], 10)[0], "the broker's close never reached the producer"
        with pool.acquire(block=True) as producer:
            publish_kept(producer, b"after", exchange=Exchange(""), routing_key=queue.name, retry_policy=RETRY)
            assert producer.connection.connection.sock is not sock  # revived
    finally:
        pool.force_close_all()
        pool.connections.force_close_all()

    assert received(vhost, queue) == [b"before", b"after"]


RETRY = {"max_retries": 3, "interval_start": 0.1, "interval_step": 0.1}


def test_after_a_failure_in_use_the_producer_publishes_again_and_no_connection_is_left_open(amqp_uri, queue):
    pool = producer_pool(amqp_uri, 1)
    with pytest.raises(RuntimeError), pool.acquire(block=True) as producer:
        publish(producer, queue, "before")
        failed = producer.connection
        raise RuntimeError("the call failed while it held the producer")  # kombu closes its connection
    with pool.acquire(block=True) as producer:
        publish(producer, queue, "after")
        used = producer.connection

    pool.force_close_all()
    pool.connections.force_close_all()

    assert received(amqp_uri, queue) == ["before", "after"]
    assert not failed.connected and not used.connected


def test_closing_the_pool_closes_the_connections_its_producers_hold(amqp_uri, queue):
    pool = producer_pool(amqp_uri, 2)
    with pool.acquire(block=True) as first, pool.acquire(block=True) as second:
        publish(first, queue, "1")
        publish(second, queue, "2")
    connections = [first.connection, second.connection]

    pool.force_close_all()
    pool.connections.force_close_all()

    assert not any(connection.connected for connection in connections)
    with pytest.raises(RuntimeError):
        pool.acquire(block=True)
