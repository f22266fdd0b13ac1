"""`producer_pool`: the pool of long-lived kombu producers that publishes RPC requests (the gateway) and
replies (every service), one producer per worker that may be publishing at once, each on its own connection.

kombu's `ProducerPool` gives each producer back its connection on release and drops its channel, so every
acquire takes a connection from the connection pool again and binds the producer to it anew (its channel,
a copy of its exchange): ~4% of the timeline's and ~3% of the gateway's CPU per timeline query (issue 19).
Here a producer keeps its connection and channel between uses; nothing else changes. A producer whose
connection has dropped is still revived by kombu's `publish(retry=True)` (`Connection.ensure` reconnects the
same connection and rebinds the producer); one released after an exception in its `with` (whose connection
kombu then closes and takes out of the pool) is released as kombu does it; and `force_close_all` on the
connection pool still closes every connection, those the producers hold included.

`publish_kept` publishes on a kept producer's channel directly and leaves kombu's reviving publish to a
connection that dropped: RPC replies and the gateway's RPC requests use it. It takes what kombu's `publish`
takes for them (application headers as `headers`, `expiration` in seconds, `mandatory`) and sends what kombu
would: the same frames, `expiration` as amqp wants it (a string of milliseconds).

Before every publish, py-amqp reads the connection with a zero timeout (`drain_events(timeout=0)`), so that
what the broker sent meanwhile — a closed channel or connection, a "connection blocked" notice — is dealt with
first: a connection the broker closed raises there, and the publish goes to a revived one instead of into a
socket nobody reads. Nearly always there is nothing to read, and that read still costs a timeout set and
restored on the green socket and a timeout raised and caught. `publish_kept` asks the socket first (one
`select` with a zero timeout, as the gateway looks for returned requests): when nothing has arrived and
nothing is left in py-amqp's read buffer, the read would have found nothing, and the frames are sent straight
away; otherwise py-amqp's own publish runs, read and all. A plain TCP transport only: a TLS socket may hold
decrypted bytes that `select` does not see.
"""

from __future__ import annotations

from typing import Any

import amqp
import eventlet.patcher
from amqp import spec
from amqp.exceptions import RecoverableConnectionError
from amqp.transport import TCPTransport
from kombu import Connection, Exchange, Producer
from kombu.pools import ProducerPool
from kombu.resource import Resource


class _KeptProducerPool(ProducerPool):
    def release(self, resource):  # noqa: ANN001, ANN201 - kombu's signature
        connection = resource.__connection__
        if connection is not None and connection in self.connections._dirty:
            Resource.release(self, resource)  # back into the pool with its connection and channel
        else:
            # An exception in the producer's `with` made kombu close its connection and drop it from the pool
            # (`Producer.__exit__`, `replace`): kombu's own release, which hands the connection back to be
            # reconnected and binds the producer anew on its next use.
            super().release(resource)


def producer_pool(amqp_uri: str, limit: int) -> ProducerPool:
    """At most `limit` producers, each with a connection of its own to `amqp_uri` (no publisher confirms)."""
    return _KeptProducerPool(Connection(amqp_uri).Pool(limit=limit), limit=limit)


def publish_kept(producer: Producer, body: bytes, *, exchange: Exchange, routing_key: str,
                 retry_policy: dict[str, Any], mandatory: bool = False, headers: dict[str, Any] | None = None,
                 expiration: float | None = None, **properties: Any) -> None:
    """`body` (encoded already) published straight onto the kept producer's channel: the frames kombu's
    `publish` sends, without its per-call wrapping for retries and message preparation (an RPC reply: 65 → 34
    µs, measured alone). `properties` are the message's (content type and encoding, correlation id, reply-to,
    delivery mode), named alike in amqp and kombu; `headers` and `expiration` (seconds) as kombu takes them;
    `mandatory` has the broker return a message no queue is bound to (to the channel's `basic_return`
    handlers). Only if the connection dropped since the producer's last use does kombu's `publish(retry=True)`
    revive it and retry, under `retry_policy`."""
    connection = producer.connection
    try:
        channel = producer.channel
        message = amqp.Message(body, application_headers=headers,
                               expiration=None if expiration is None else str(int(expiration * 1000)),  # as kombu
                               **properties)
        if _nothing_to_read(channel):
            _send_publish(channel, message, exchange.name, routing_key, mandatory)
        else:  # py-amqp's publish: what the broker sent is read first (the module docstring)
            channel.basic_publish(message, exchange=exchange.name, routing_key=routing_key, mandatory=mandatory)
    except connection.recoverable_connection_errors + connection.recoverable_channel_errors:
        producer.publish(body, exchange=exchange, routing_key=routing_key, retry=True, retry_policy=retry_policy,
                         mandatory=mandatory, headers=headers, expiration=expiration, **properties)


_select = eventlet.patcher.original("select")  # a zero-timeout poll of a socket: no need to yield to the hub


def _nothing_to_read(channel: Any) -> bool:
    """Whether py-amqp's read before a publish would find nothing: a plain TCP connection, publishing without
    confirms, nothing buffered and nothing on the socket. False whenever unsure (py-amqp's publish then runs)."""
    connection = channel.connection
    transport = getattr(connection, "transport", None)
    if type(transport) is not TCPTransport or transport._read_buffer or connection.confirm_publish:  # noqa: SLF001
        return False
    try:
        return not _select.select([transport.sock], [], [], 0)[0]
    except (OSError, ValueError, TypeError):  # a socket closed or gone: let py-amqp's publish say so
        return False


def _send_publish(channel: Any, message: amqp.Message, exchange: str, routing_key: str, mandatory: bool) -> None:
    """The frames of py-amqp's `basic_publish` (no timeout of its own), after a read that found nothing."""
    try:
        channel.send_method(spec.Basic.Publish, "Bssbb", (0, exchange, routing_key, mandatory, False), message)
    except TimeoutError:  # as py-amqp: a write that timed out means the socket is dead
        raise RecoverableConnectionError("basic_publish: timed out") from None
