"""Asking RabbitMQ about a queue without touching its messages: a passive declare on one long-lived channel.

A passive `queue.declare` answers the queue's depth and how many consumers it has, or NOT_FOUND. It costs one
round trip on a connection that is already open, so the gateway uses it on the hot path (is anybody consuming
a service's RPC queue?) and in readiness (is each domain service's consumer there, how deep is each
dead-letter queue?) without opening a broker connection per question. Answers are cached for `ttl` seconds:
a service stopped a moment ago may still count as present for that long (its request then expires unseen,
services/gateway/rpc.py), one just started may count as absent for that long.

Broker unreachable (refused, reset, timed out) raises `BrokerUnavailable`; the next question reconnects.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass

import amqp
from kombu import Connection

from shared.logging import get_logger

log = get_logger(__name__)

DEFAULT_TTL = 1.0


class BrokerUnavailable(RuntimeError):
    """RabbitMQ could not be asked: down, unreachable or not answering in time."""


@dataclass(frozen=True)
class QueueStats:
    messages: int  # ready to deliver (not counting those delivered and not yet acknowledged)
    consumers: int


class QueueProbe:
    def __init__(self, amqp_uri: str, *, ttl: float = DEFAULT_TTL, timeout: float = 2.0) -> None:
        self.amqp_uri = amqp_uri
        self.ttl = ttl
        self.timeout = timeout
        self._lock = threading.Lock()  # one question at a time on the channel (green threads under eventlet)
        self._connection: Connection | None = None
        self._channel = None
        self._cache: dict[str, tuple[float, QueueStats | None]] = {}

    def stats(self, queue: str) -> QueueStats | None:
        """The queue's depth and consumers, or None when no such queue exists."""
        cached = self._cache.get(queue)
        if cached is not None and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        with self._lock:
            answer = self._ask(queue)
        self._cache[queue] = (time.monotonic(), answer)
        return answer

    def _ask(self, queue: str) -> QueueStats | None:
        try:
            channel = self._open_channel()
            _, messages, consumers = channel.queue_declare(queue=queue, passive=True)
            return QueueStats(messages, consumers)
        except amqp.exceptions.NotFound:
            self._channel = None  # the broker closed the channel with NOT_FOUND; the connection lives on
            return None
        except Exception as exc:  # noqa: BLE001 - socket errors, AMQP connection errors, timeouts: all "down"
            self.close()
            raise BrokerUnavailable(f"{type(exc).__name__}: {exc}") from None

    def _open_channel(self):  # noqa: ANN202 - a py-amqp channel
        if self._connection is None:
            connection = Connection(self.amqp_uri, connect_timeout=self.timeout, heartbeat=0,
                                    transport_options={"read_timeout": self.timeout, "write_timeout": self.timeout})
            connection.ensure_connection(max_retries=1, timeout=self.timeout)
            self._connection = connection
        if self._channel is None:
            self._channel = self._connection.connection.channel()
        return self._channel

    def reachable(self) -> bool:
        """Whether the broker answers at all (a passive declare of a name nobody uses is cheap)."""
        try:
            self.stats("civreg.probe.none")  # NOT_FOUND is an answer too
            return True
        except BrokerUnavailable:
            return False

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.release()
        self._connection = self._channel = None
