"""`@subscribe_batched(source, "#")`: the timeline's subscription entrypoint, consuming in batches.

It is `shared.nameko_ext.Subscription` (same queues, retry and dead-letter handling) with two changes that
make a backlog cheap:

- **Prefetch.** Its queue consumer lets `SUBSCRIPTIONS.PREFETCH` messages per queue be outstanding (nameko's
  own consumer allows `max_workers`, 10), so a backlog streams in without a round trip per message.
- **Batches.** Deliveries go to an inbox; one green thread per subscription takes everything waiting there (up
  to `SUBSCRIPTIONS.BATCH_SIZE`) and applies it in one transaction: the subscription's bookkeeping for the
  whole batch (adapters/deliveries.py: dedupe, per-stream order, earlier events from the source store), then
  one nameko worker calling the service's method with the list of events to apply and the transaction. The
  messages are acknowledged after the commit. At light load a batch is one event, so the lag does not grow;
  under load the batch grows with what arrived while the previous one was committing.

Exactly-once is kept as before: the effects, the processed-event records and the stream checkpoints commit
together. If a batch fails for any reason, nothing of it was committed or acknowledged, and each of its
messages goes through the single-event path of `Subscription.handle_message` — so a poison event is retried
and dead-lettered alone, and the others are applied. The service method is called with a list of events
(a batch) or with one event (that path), and must accept both.

**Acknowledgements.** Each subscription consumes on an AMQP channel of its own (delivery tags count per
channel), and its queue consumer hands a delivery straight to the subscription's inbox, in delivery order —
no green thread per message. After a batch commits, one `basic.ack` with `multiple` set to the batch's last
delivery tag acknowledges the whole batch. Such an ack covers every earlier tag of the channel, so it is sent
only when no delivery of that channel outside the batch is still unsettled (one whose single-event path
could not republish it while the broker was unreachable, say); otherwise each message is acknowledged alone.
On a channel shared by several subscriptions, the multiple-ack would also acknowledge another subscription's
deliveries that were still being applied — lost if the process died before their commit.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from eventlet.event import Event as GreenEvent
from eventlet.queue import LightQueue
from kombu import Consumer
from nameko.messaging import QueueConsumer
from pydantic import ValidationError

from services.timeline.adapters import deliveries
from shared.envelope import Event
from shared.logging import get_logger
from shared.nameko_ext import Subscription
from shared.nameko_ext.context import event_context, handled_trace_ids, log_context
from shared.settings import Subscriptions
from shared.tracing import TRACEPARENT

log = get_logger(__name__)


class PrefetchingQueueConsumer(QueueConsumer):
    """nameko's queue consumer (a connection of its own) with the prefetch `SUBSCRIPTIONS.PREFETCH`, a channel
    per subscription, deliveries handed to the subscription in order, and batch acknowledgements."""

    def __init__(self) -> None:
        super().__init__()
        self._unsettled: dict[Any, dict[int, None]] = {}  # per channel: delivery tags not yet acked, in order

    @property
    def prefetch_count(self) -> int:
        return Subscriptions.of(self.container.config).SUBSCRIPTIONS.PREFETCH

    def get_consumers(self, consumer_cls: Any, channel: Any) -> Any:
        """Called by kombu after every (re)connection: each subscription consumes on a channel of its own, on
        the one connection (`drain_events` reads every channel of it)."""
        self._unsettled = {}  # the tags of a closed connection's channels are void: its deliveries come again
        for provider in self._providers:
            consumer = Consumer(channel.connection.channel(), queues=[provider.queue],
                                callbacks=[partial(self.handle_message, provider)], accept=self.accept,
                                on_decode_error=consumer_cls.keywords.get("on_decode_error"))
            consumer.qos(prefetch_count=self.prefetch_count)
            self._consumers[provider] = consumer
        return self._consumers.values()

    def handle_message(self, provider: Any, body: Any, message: Any) -> None:
        """In the consumer's thread, in delivery order: to the subscription's inbox (nameko spawns a green
        thread per message only to do this)."""
        self._unsettled.setdefault(message.channel, {})[message.delivery_tag] = None
        provider.deliver(body, message)

    def _settled(self, message: Any) -> None:
        self._unsettled.get(message.channel, {}).pop(message.delivery_tag, None)

    def ack_message(self, message: Any) -> None:
        self._settled(message)
        super().ack_message(message)

    def requeue_message(self, message: Any) -> None:
        self._settled(message)
        super().requeue_message(message)

    def ack_batch(self, messages: list[Any]) -> None:
        """Acknowledge `messages` (committed), with one multiple-ack per channel where that covers nothing
        else: no earlier delivery of the channel outside `messages` is unsettled."""
        by_channel: dict[Any, list[Any]] = {}
        for message in messages:
            by_channel.setdefault(message.channel, []).append(message)
        for channel, received in by_channel.items():
            unsettled = self._unsettled.get(channel, {})
            for message in received:
                unsettled.pop(message.delivery_tag, None)
            last = max(received, key=lambda m: m.delivery_tag)
            earliest_other = next(iter(unsettled), None)  # tags are kept in delivery order
            if len(received) > 1 and (earliest_other is None or earliest_other > last.delivery_tag):
                if channel.connection:  # else the broker has reclaimed them already, as ack_message assumes
                    channel.basic_ack(last.delivery_tag, multiple=True)
            else:
                for message in received:
                    super().ack_message(message)


class BatchedSubscription(Subscription):
    queue_consumer = PrefetchingQueueConsumer()

    def setup(self) -> None:
        super().setup()
        self.batch_size = Subscriptions.of(self.container.config).SUBSCRIPTIONS.BATCH_SIZE
        self._inbox: LightQueue = LightQueue()

    def start(self) -> None:
        super().start()
        self.container.spawn_managed_thread(self._apply_batches, identifier=f"{self.spec.name}.batches")

    def deliver(self, body: Any, message: Any) -> None:
        """Called by the queue consumer, in delivery order: hand the delivery to the batch thread."""
        self._inbox.put((body, message))

    # -- the batch thread ----------------------------------------------------------------------------------
    def _apply_batches(self) -> None:
        while True:
            batch = [self._inbox.get()]
            while len(batch) < self.batch_size and self._inbox.qsize():
                batch.append(self._inbox.get_nowait())
            self._apply(batch)

    def _apply(self, batch: list[tuple[Any, Any]]) -> None:
        events, readable = [], []
        for body, message in batch:
            try:
                events.append(Event.from_message(body))
                readable.append((body, message))
            except (ValidationError, TypeError):
                super().handle_message(body, message)  # parked at once, as the single path does
        if not events:
            return
        try:
            with self.pool.db.transaction() as tx:
                admitted = deliveries.admit(tx, self.spec, self.runner.source_store, events)
                if admitted:
                    self._call_batch(admitted, tx)
        except Exception as exc:  # noqa: BLE001 - the batch is retried message by message, which retries and parks
            log.warning("event batch failed; applying its events one by one", subscription=self.spec.name,
                        events=len(events), error=type(exc).__name__)
            for body, message in readable:
                super().handle_message(body, message)
            return
        self.queue_consumer.ack_batch([message for _, message in readable])
        self._trace(admitted)
        log.debug("events applied", subscription=self.spec.name, delivered=len(events), applied=len(admitted))

    def _trace(self, applied: list[Event]) -> None:
        """Each applied event continues its recording worker's trace, as on the single-event path: the `event
        handled` line in that trace (under a consumer span of its own where spans are exported), with the
        event's correlation id. One worker applied the whole batch, so its own context names only one of them."""
        contexts = [event_context(event) for event in applied]
        trace_ids = handled_trace_ids(self.container, self.method_name, [data.get(TRACEPARENT) for data in contexts])
        for event, data, trace_id in zip(applied, contexts, trace_ids, strict=True):
            log.info("event handled", subscription=self.spec.name, type=event.type, event_id=str(event.event_id),
                     **log_context(data, trace_id))

    def _call_batch(self, events: list[Event], tx: Any) -> None:
        done = GreenEvent()

        def handle_result(worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
            done.send((result, exc_info))
            return result, exc_info

        context = {"causation_id": str(events[-1].event_id)}
        self.container.spawn_worker(self, (events, tx), {}, context_data=context, handle_result=handle_result)
        _, exc_info = done.wait()
        if exc_info is not None:
            raise exc_info[1]


subscribe_batched = BatchedSubscription.decorator
