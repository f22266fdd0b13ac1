"""RabbitMQ conventions shared by the outbox relay and the subscriptions.

Events are published the way nameko's `EventDispatcher` does it, so that nameko tooling keeps working:
exchange `<service>.events` (topic, durable), routing key = event type, JSON body, persistent messages,
context in `nameko.*` headers. Each subscription consumes one durable queue with two companions:
`<queue>.retry` (each message waits there for its own expiration — the retry delay, growing with every
attempt — then RabbitMQ dead-letters it back to the main queue) and
`<queue>.dead` (messages that failed `max_attempts` times, with their error, until replayed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kombu import Connection, Exchange, Queue, binding

ATTEMPTS_HEADER = "x-civreg-attempts"
ERROR_HEADER = "x-civreg-error"


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
        )

    @property
    def retry(self) -> Queue:
        return Queue(
            f"{self.name}.retry",
            durable=True,
            auto_delete=False,
            # No queue-wide TTL: the delay is per message, so changing it needs no queue re-declaration.
            queue_arguments={
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.name,
            },
        )

    @property
    def dead(self) -> Queue:
        return Queue(f"{self.name}.dead", durable=True, auto_delete=False)

    def declare(self, connection: Connection) -> None:
        channel = connection.default_channel
        event_exchange(self.source)(channel).declare()
        for queue in (self.main, self.retry, self.dead):
            queue(channel).declare()


def declare_all(amqp_uri: str, queues: Iterable[SubscriptionQueues], sources: Iterable[str]) -> None:
    """Declare every exchange and subscription queue, so that nothing published before a consumer first
    starts is dropped by an exchange with no queue bound (architecture.md, known traps)."""
    with Connection(amqp_uri) as connection:
        channel = connection.default_channel
        for source in sources:
            event_exchange(source)(channel).declare()
        for queue in queues:
            queue.declare(connection)
