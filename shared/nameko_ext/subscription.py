"""`@subscribe(source, event_types)`: a nameko entrypoint that applies another service's events exactly once.

Delivery goes through `shared.subscriptions.SubscriptionRunner` (dedupe, per-stream order, gap filling from
the source store, effect and bookkeeping in one transaction). The decorated method is called as
`handler(self, event, tx)` inside a nameko worker, so the service's dependencies are injected as usual.

Failures never block the queue and never loop forever: a failed message is republished to
`<queue>.retry`, where it waits `RETRY_DELAY_MS` × 2^(attempt − 1) before RabbitMQ dead-letters it back,
with its attempt count in a header; after `MAX_ATTEMPTS` it goes to `<queue>.dead` with the error, to be
listed and replayed with `civreg dead-letters`. The original is acknowledged only after the broker confirmed
the copy.

Only the handler's own failures count as attempts. A *transient* failure — the database or broker connection
lost, no pooled connection in time, a serialization failure, a deadlock, a lock timeout (shared/faults.py) —
says nothing about the event: the message goes to `<queue>.retry` with its attempt count unchanged and a
backoff of its own (`TRANSIENT_HEADER`, capped at `TRANSIENT_MAX_DELAY_MS`), however long the outage lasts.

A delivery takes one of the container's subscription slots before it takes a database connection and waits
for a worker (shared/nameko_ext/database.py, `pool_rule`): the pool is never drained by deliveries waiting
for workers that wait for connections.
"""

from __future__ import annotations

import traceback
from typing import Any

from eventlet.event import Event as GreenEvent
from kombu import Connection
from kombu.pools import producers
from nameko.extensions import Entrypoint
from nameko.messaging import HeaderDecoder, QueueConsumer
from opentelemetry.trace import SpanKind
from pydantic import ValidationError

from shared.envelope import Event
from shared.eventstore.postgres import PostgresEventStore
from shared.faults import BROKER_ERRORS, is_transient
from shared.logging import enabled, get_logger
from shared.masking import mask_text, names_in
from shared.messaging import ATTEMPTS_HEADER, ERROR_HEADER, SubscriptionQueues
from shared.nameko_ext.context import event_context
from shared.nameko_ext.database import DatabasePool
from shared.settings import Broker, Subscriptions
from shared.subscriptions import SubscriptionRunner, SubscriptionSpec

log = get_logger(__name__)

TRANSIENT_HEADER = "x-civreg-transient"  # transient failures so far: the backoff's exponent, not an attempt
TRANSIENT_MAX_DELAY_MS = 10_000  # an outage over, its deliveries resume within 10 s


def queue_name(source: str, consumer: str, method: str) -> str:
    return f"evt-{source}--{consumer}.{method}"


class Subscription(Entrypoint, HeaderDecoder):
    queue_consumer = QueueConsumer()
    pool = DatabasePool()
    span_kind = SpanKind.CONSUMER  # the handler's span (shared/tracing.py)

    def __init__(self, source: str, event_types: tuple[str, ...] | list[str] | str, **kwargs: Any) -> None:
        self.source = source
        self.event_types = (event_types,) if isinstance(event_types, str) else tuple(event_types)
        super().__init__(**kwargs)

    # -- set-up -----------------------------------------------------------------------------------------
    def queues(self, consumer: str, method_name: str | None = None) -> SubscriptionQueues:
        name = queue_name(self.source, consumer, method_name or self.method_name)
        return SubscriptionQueues(name, self.source, self.event_types)

    def setup(self) -> None:
        options = Subscriptions.of(self.container.config).SUBSCRIPTIONS
        self.max_attempts = options.MAX_ATTEMPTS
        self.amqp_uri = Broker.of(self.container.config).AMQP_URI
        self._publishing = Connection(self.amqp_uri, transport_options={"confirm_publish": True})
        self.retry_delay_ms = options.RETRY_DELAY_MS
        self.topology = self.queues(self.container.service_name)
        self.queue = self.topology.main  # what nameko's QueueConsumer consumes
        self.spec = SubscriptionSpec(self.topology.name, self.source, self.event_types)
        with Connection(self.amqp_uri) as connection:
            self.topology.declare(connection)
        self._started = GreenEvent()  # nameko may deliver before start() ran: deliveries wait for it
        self.queue_consumer.register_provider(self)

    def start(self) -> None:
        self.runner = SubscriptionRunner(
            self.pool.db, self.spec, PostgresEventStore(self.pool.source(self.source))
        )
        self._started.send(True)

    def stop(self) -> None:
        self.queue_consumer.unregister_provider(self)

    # -- delivery ---------------------------------------------------------------------------------------
    def handle_message(self, body: Any, message: Any) -> None:
        """Called by nameko's queue consumer, already in a managed thread of its own."""
        attempts = int((message.headers or {}).get(ATTEMPTS_HEADER, 0)) + 1
        try:
            event = Event.from_message(body)
        except (ValidationError, TypeError) as exc:
            # A message that can never be parsed is poison from the first attempt.
            self._park(body, message, attempts, f"unreadable event: {exc}")
            return
        context = self.unpack_message_headers(message)
        self._started.wait()
        try:
            with self.pool.subscription_slots:  # before the connection: see the module docstring
                outcome = self.runner.apply(event, lambda e, tx: self._call_handler(e, tx, context))
            if enabled(__name__):
                log.debug("event applied", subscription=self.spec.name, outcome=outcome.value, type=event.type)
        except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then dead-lettered
            error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            if is_transient(exc):
                self._retry_transient(body, message, attempts - 1, event, error)
            elif attempts >= self.max_attempts:
                self._park(body, message, attempts, error)
            else:
                log.warning("event handler failed; will retry", subscription=self.spec.name,
                            event_id=str(event.event_id), attempt=attempts, error=error)
                delay_ms = self.retry_delay_ms * 2 ** (attempts - 1)
                self._republish(body, message, self.topology.retry.name, {ATTEMPTS_HEADER: attempts}, delay_ms)
            return
        self.queue_consumer.ack_message(message)

    def _retry_transient(self, body: Any, message: Any, attempts: int, event: Event, error: str) -> None:
        """Back to the retry queue with the attempt count as it was and a growing, capped delay."""
        transient = int((message.headers or {}).get(TRANSIENT_HEADER, 0)) + 1
        delay_ms = min(self.retry_delay_ms * 2 ** min(transient - 1, 16), TRANSIENT_MAX_DELAY_MS)
        log.warning("event delivery interrupted by a transient failure; will retry", subscription=self.spec.name,
                    event_id=str(event.event_id), transient=transient, delay_ms=delay_ms, error=error)
        self._republish(body, message, self.topology.retry.name,
                        {ATTEMPTS_HEADER: attempts, TRANSIENT_HEADER: transient}, delay_ms)

    def _call_handler(self, event: Event, tx: Any, context: dict[str, Any]) -> None:
        done = GreenEvent()

        def handle_result(worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
            if exc_info is None:  # in the worker's log context: its correlation and trace ids
                log.info("event handled", subscription=self.spec.name, type=event.type, event_id=str(event.event_id))
            done.send((result, exc_info))
            return result, exc_info

        self.container.spawn_worker(self, (event, tx), {}, context_data=event_context(event, context),
                                    handle_result=handle_result)
        _, exc_info = done.wait()
        if exc_info is not None:
            raise exc_info[1]

    def _park(self, body: Any, message: Any, attempts: int, error: str) -> None:
        log.error("event dead-lettered", subscription=self.spec.name, attempts=attempts, error=error)
        # The header is read by operators (civreg dead-letters list): the error text is masked with the
        # names and ID numbers of the event it failed on (shared/masking.py), the body stays as it was.
        masked = mask_text(error, names_in(body))[:2000]
        self._republish(body, message, self.topology.dead.name, {ATTEMPTS_HEADER: attempts, ERROR_HEADER: masked})

    def _republish(
        self, body: Any, message: Any, queue: str, headers: dict[str, Any], delay_ms: int | None = None
    ) -> None:
        try:
            republish(self._publishing, body, {**(message.headers or {}), **headers}, queue, delay_ms)
        except (OSError, *BROKER_ERRORS) as exc:
            # The broker is down: the message stays unacknowledged and comes back when the consumer has
            # reconnected. Raising here would kill the container (a managed thread).
            log.warning("event requeue failed: broker unreachable", subscription=self.spec.name,
                        error=type(exc).__name__)
            return
        self.queue_consumer.ack_message(message)


def republish(
    connection: Connection, body: Any, headers: dict[str, Any], queue: str, delay_ms: int | None = None
) -> None:
    """Publish a copy to a queue through the default exchange, confirmed before the caller acks."""
    with producers[connection].acquire(block=True, timeout=10) as producer:
        producer.publish(
            body, exchange="", routing_key=queue, serializer="json", delivery_mode=2, headers=headers,
            expiration=delay_ms / 1000 if delay_ms else None, retry=True, retry_policy={"max_retries": 5},
        )


subscribe = Subscription.decorator
