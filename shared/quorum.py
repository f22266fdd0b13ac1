"""Declaring a queue as a RabbitMQ quorum queue, migrating an existing queue of another shape first.

Quorum queues are replicated (Raft) over the cluster's nodes, so a subscription's queue survives the loss of a
node; classic queues do not. RabbitMQ cannot change a queue's type or arguments in place: declaring a quorum
queue over an existing classic one fails with PRECONDITION_FAILED. The migration moves the messages without
losing any, while the queue's consumers are stopped (it refuses otherwise):

1. a holding quorum queue `<name>.migrating` gets the queue's bindings, so events published meanwhile land;
2. the old queue is unbound, then drained into the holding queue, each message acknowledged only after the
   broker confirmed its copy (a crash in between leaves a duplicate, never a gap);
3. the old queue is deleted and declared anew as a quorum queue with its bindings;
4. the holding queue is drained into it and deleted.

An event published between steps 3 and 4 can reach both queues: subscriptions dedupe by event id
(shared/subscriptions.py), so a duplicate is harmless, a loss would not be.
"""

from __future__ import annotations

from amqp import Message
from amqp.exceptions import NotFound, PreconditionFailed
from kombu import Connection, Queue

from shared.logging import get_logger

log = get_logger(__name__)

QUORUM = {"x-queue-type": "quorum"}
HOLDING_SUFFIX = ".migrating"


class QueueInUse(RuntimeError):
    """A queue that must be migrated still has consumers: stop them (the services) and declare again."""


def declare_quorum(connection: Connection, queue: Queue) -> int:
    """Declare `queue` (its queue_arguments name it a quorum queue); returns how many messages were migrated
    from an earlier queue of that name (0 when it already had this shape or did not exist)."""
    channel = connection.channel()
    try:
        queue(channel).declare()
    except PreconditionFailed:
        pass  # the server closed that channel: an existing queue of another type or other arguments
    else:
        channel.close()
        return 0
    return _migrate(connection, queue)


def _migrate(connection: Connection, queue: Queue) -> int:
    channel = connection.channel()
    try:
        return _migrate_on(channel, connection, queue)
    finally:
        channel.close()


def _migrate_on(channel, connection: Connection, queue: Queue) -> int:  # noqa: ANN001 - a kombu channel
    _, waiting, consumers = channel.queue_declare(queue.name, passive=True)
    if consumers:
        raise QueueInUse(f"queue {queue.name} must become a quorum queue but has {consumers} consumer(s): "
                         "stop the service consuming it, then run `civreg declare`")
    holding = Queue(queue.name + HOLDING_SUFFIX, bindings=queue.bindings, durable=True, auto_delete=False,
                    queue_arguments=QUORUM)
    holding(channel).declare()  # step 1: also binds it
    for bound in queue.bindings:  # step 2
        channel.queue_unbind(queue.name, bound.exchange.name, bound.routing_key)
    moved = _move(connection, queue.name, holding.name)
    channel.queue_delete(queue.name)  # step 3
    queue(channel).declare()
    for bound in holding.bindings:  # step 4
        channel.queue_unbind(holding.name, bound.exchange.name, bound.routing_key)
    _move(connection, holding.name, queue.name)
    channel.queue_delete(holding.name)
    log.info("queue migrated to a quorum queue", queue=queue.name, messages=moved, waiting_before=waiting)
    return moved


def _move(connection: Connection, source: str, target: str) -> int:
    """Move every message of `source` to `target` through the default exchange, confirmed before acked."""
    channel = connection.channel()
    channel.confirm_select()
    moved = 0
    try:
        while (message := channel.basic_get(source, no_ack=False)) is not None:
            copy = Message(message.body, channel=channel, **message.properties)  # headers, expiration, ...
            channel.basic_publish_confirm(copy, exchange="", routing_key=target, mandatory=True)
            channel.basic_ack(message.delivery_tag)
            moved += 1
    except NotFound:
        pass  # nothing to move: the source does not exist
    finally:
        channel.close()
    return moved

