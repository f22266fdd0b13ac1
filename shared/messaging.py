"""RabbitMQ conventions shared by the outbox relay and the subscriptions.

Events are published the way nameko's `EventDispatcher` does it, so that nameko tooling keeps working:
exchange `<service>.events` (topic, durable), routing key = event type, JSON body, persistent messages,
context in `nameko.*` headers. Each subscription consumes one durable queue with two companions:
`<queue>.retry` (each message waits there for its own expiration — the retry delay, growing with every
attempt — then RabbitMQ dead-letters it back to the main queue) and
`<queue>.dead` (messages that failed `max_attempts` times, with their error, until replayed).

All three are quorum queues (replicated over a cluster's nodes, shared/quorum.py), declared over an older
classic queue by migrating its messages. The main queue's delivery limit is the poison guard for what the
application's retries cannot see: a message whose handling kills the process is redelivered, and after
`DELIVERY_LIMIT` deliveries RabbitMQ moves it to `<queue>.dead` (at-least-once) instead of crash-looping.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kombu import Connection, Exchange, Queue, binding

from shared.quorum import QUORUM, declare_quorum

ATTEMPTS_HEADER = "x-civreg-attempts"
ERROR_HEADER = "x-civreg-error"
# Deliveries of one message (redeliveries after a consumer died without acknowledging) before RabbitMQ
# dead-letters it. Handler errors do not count: they are retried by republishing (MAX_ATTEMPTS).
DELIVERY_LIMIT = 10


def event_exchange(service: str) -> Exchange:
    return Exchange(f"{service}.events", type="topic", durable=True, auto_delete=False)


@dataclass(frozen=True)
class SubscriptionQueues:
    """The queue of one subscription and its retry and dead-letter companions."""

    name: str  # e.g. "evt-funeral--marriage.on_death"
    source: str  # the publishing service
    event_types: tuple[str, ...]  # routing keys; "#" for every event of the source

    @property
    def main(self) -> Queue:
        exchange = event_exchange(self.source)
        return Queue(
            self.name,
            bindings=[binding(exchange, routing_key=t) for t in self.event_types],
            durable=True,
            auto_delete=False,
            queue_arguments={
                **QUORUM,
                "x-delivery-limit": DELIVERY_LIMIT,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": f"{self.name}.dead",
                # at-least-once: the dead-lettered copy is confirmed before the original goes (needs
                # reject-publish, which only matters with a length limit, and there is none).
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            },
        )

    @property
    def retry(self) -> Queue:
        return Queue(
            f"{self.name}.retry",
            durable=True,
            auto_delete=False,
            # No queue-wide TTL: the delay is per message, so changing it needs no queue re-declaration.
            queue_arguments={
                **QUORUM,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.name,
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            },
        )

    @property
    def dead(self) -> Queue:
        return Queue(f"{self.name}.dead", durable=True, auto_delete=False, queue_arguments=QUORUM)

    def declare(self, connection: Connection) -> int:
        """Declare the exchange and the three queues; returns the messages migrated from classic queues."""
        event_exchange(self.source)(connection.default_channel).declare()
        # dead first: the main queue dead-letters into it
        return sum(declare_quorum(connection, queue) for queue in (self.dead, self.retry, self.main))


def declare_all(amqp_uri: str, queues: Iterable[SubscriptionQueues], sources: Iterable[str]) -> int:
    """Declare every exchange and subscription queue, so that nothing published before a consumer first
    starts is dropped by an exchange with no queue bound (architecture.md, known traps). Returns the number
    of messages migrated from queues of an earlier shape (classic queues)."""
    with Connection(amqp_uri) as connection:
        channel = connection.default_channel
        for source in sources:
            event_exchange(source)(channel).declare()
        return sum(queue.declare(connection) for queue in queues)
