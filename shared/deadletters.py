"""Listing and replaying dead letters: the messages a subscription gave up on after its bounded retries.

Listing reads each message without acknowledging it and then closes the channel, so RabbitMQ puts every
one back. Replaying republishes a dead letter to its subscription's main queue with the attempt count
reset (broker-confirmed) and only then removes it from the dead-letter queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kombu import Connection

from shared.masking import mask_text, names_in
from shared.messaging import ATTEMPTS_HEADER, ERROR_HEADER, SubscriptionQueues


@dataclass(frozen=True)
class DeadLetter:
    queue: str
    event_id: str | None
    event_type: str | None
    attempts: int
    error: str


def _describe(queue: str, message: Any) -> DeadLetter:
    body = message.payload if isinstance(message.payload, dict) else {}
    headers = message.headers or {}
    return DeadLetter(
        queue=queue,
        event_id=body.get("event_id"),
        event_type=body.get("type"),
        attempts=int(headers.get(ATTEMPTS_HEADER, 0)),
        # Masked again on the way out: letters parked before headers were masked, or by another writer.
        error=mask_text(str(headers.get(ERROR_HEADER, "")), names_in(body)),
    )


def list_dead_letters(amqp_uri: str, queues: SubscriptionQueues, limit: int = 1000) -> list[DeadLetter]:
    found: list[DeadLetter] = []
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        try:
            dead = queues.dead(channel)
            while len(found) < limit and (message := dead.get(no_ack=False)) is not None:
                found.append(_describe(dead.name, message))
        finally:
            channel.close()  # unacknowledged messages go back to the queue
    return found


def replay_dead_letters(
    amqp_uri: str, queues: SubscriptionQueues, event_id: str | None = None, limit: int = 1000
) -> list[DeadLetter]:
    """Send dead letters (all, or the one with `event_id`) back to the subscription's queue."""
    replayed: list[DeadLetter] = []
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        try:
            producer = connection.Producer(channel)
            dead = queues.dead(channel)
            for _ in range(limit):
                message = dead.get(no_ack=False)
                if message is None:
                    break
                letter = _describe(dead.name, message)
                if event_id is not None and letter.event_id != event_id:
                    continue  # left unacknowledged: returns to the queue when the channel closes
                headers = {k: v for k, v in (message.headers or {}).items()
                           if k not in (ATTEMPTS_HEADER, ERROR_HEADER)}
                producer.publish(message.body, exchange="", routing_key=queues.name, headers=headers,
                                 content_type=message.content_type, content_encoding=message.content_encoding,
                                 delivery_mode=2)
                message.ack()
                replayed.append(letter)
        finally:
            channel.close()
    return replayed
