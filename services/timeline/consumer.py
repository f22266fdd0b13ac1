"""`@subscribe_batched(source, "#")`: the timeline's subscription entrypoint, consuming in batches.

It is `shared.nameko_ext.Subscription` (same queues, retry and dead-letter handling) with these changes that
make a backlog cheap:

- **Prefetch.** Its queue consumer lets `SUBSCRIPTIONS.PREFETCH` messages per queue be outstanding (nameko's
  own consumer allows `max_workers`, 10), so a backlog streams in without a round trip per message. The
  default is two batches: with one, the broker sent the next batch only after the last was acknowledged.
- **Batches.** Deliveries go to an inbox, undecoded; a green thread per subscription (`_read_batches`) takes
  everything waiting there (up to `SUBSCRIPTIONS.BATCH_SIZE`) and reads each body straight into an `Event`
  (pydantic's JSON parser: no dict decoded by kombu first and validated again). A second green thread
  (`_apply_batches`) applies one read batch at a time, in delivery order, in one transaction: the
  subscription's bookkeeping for the whole batch (adapters/deliveries.py: dedupe, per-stream order, earlier
  events from the source store), then one nameko worker calling the service's method with the list of events
  to apply and the transaction. The messages are acknowledged after the commit (within ACK_DELAY, several
  batches in one ack: "Acknowledgements" below). At light load a batch is one
  event, so the lag does not grow; under load the batch grows with what arrived while the previous one was
  committing.
- **At once.** Where the method only projects its events (`@subscribe_batched(source, "#", at_once=True)`,
  the timeline's), most batches take a shorter way to the same effect: the bookkeeping and the projection in
  one statement, its own transaction (adapters/deliveries.py, `apply_at_once`: one round trip instead of five,
  no worker), unless a stream has earlier versions missing or an entry may merge identities.
- **Overlap.** The transaction's statements and commit are waits on PostgreSQL, during which eventlet runs the
  other green threads: the next batch is read while one is applied (at most one read batch waits, so a
  failure costs little re-reading), and each applied batch's `event handled` lines are written by a third
  green thread (`_log_batches`) after its commit and acknowledgement, a slice of lines at once
  (`shared.logging.info_lines`: the level checked once, no log record per line, one write). Only the
  reading and the logging move: batches still begin, commit and are acknowledged one after the other, in
  delivery order.

Exactly-once is kept as before: the effects, the processed-event records and the stream checkpoints commit
together. If a batch fails for any reason, nothing of it was committed or acknowledged, and each of its
messages goes through the single-event path of `Subscription.handle_message` — so a poison event is retried
and dead-lettered alone, and the others are applied. The service method is called with a list of events
(a batch) or with one event (that path), and must accept both.

**Acknowledgements.** Each subscription consumes on an AMQP channel of its own (delivery tags count per
channel), and its queue consumer hands a delivery straight to the subscription's inbox, in delivery order —
no green thread per message. Committed deliveries wait up to ACK_DELAY (at most ACK_EVERY of them) for the
batches committed after them; then one `basic.ack` with `multiple` set to the last delivery tag acknowledges
them all — never a delivery before its commit. Such an ack covers every earlier tag of the channel, so it is sent
only when no earlier delivery of that channel outside the batch is still unsettled (one whose single-event path
could not republish it while the broker was unreachable, say); otherwise each message is acknowledged alone.
On a channel shared by several subscriptions, the multiple-ack would also acknowledge another subscription's
deliveries that were still being applied — lost if the process died before their commit.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from eventlet.event import Event as GreenEvent
from eventlet.queue import Empty, LightQueue
from kombu import Connection, Consumer
from nameko.messaging import QueueConsumer
from pydantic import ValidationError

from services.timeline.adapters import deliveries
from shared.buffered_amqp import BufferedTransport
from shared.envelope import Event
from shared.logging import enabled, get_logger, info_lines
from shared.nameko_ext import Subscription
from shared.nameko_ext.context import event_context, handled_trace_ids, log_context
from shared.settings import Subscriptions
from shared.tracing import TRACEPARENT
from shared.turns import in_turns

log = get_logger(__name__)
JSON = "application/json"
LOG_SLICE = 50  # `event handled` lines written between two chances for the other green threads to run
ACK_DELAY = 0.05  # seconds a committed delivery may wait to share its acknowledgement with later ones
ACK_EVERY = 50  # committed deliveries acknowledged at once, without waiting (a twentieth of the default prefetch)


class PrefetchingQueueConsumer(QueueConsumer):
    """nameko's queue consumer (a connection of its own) with the prefetch `SUBSCRIPTIONS.PREFETCH`, a channel
    per subscription, deliveries handed to the subscription in order, and batch acknowledgements."""

    def __init__(self) -> None:
        super().__init__()
        self._unsettled: dict[Any, dict[int, None]] = {}  # per channel: delivery tags not yet acked, in order

    @property
    def connection(self) -> Connection:
        """nameko's connection parameters, on a transport that reads the socket in large chunks
        (shared/buffered_amqp.py): a backlog's deliveries cost a few reads, not nine a message."""
        connection = super().connection
        return Connection(self.amqp_uri, transport=BufferedTransport, transport_options=connection.transport_options,
                          heartbeat=connection.heartbeat, ssl=connection.ssl, login_method=connection.login_method)

    @property
    def prefetch_count(self) -> int:
        return Subscriptions.of(self.container.config).SUBSCRIPTIONS.PREFETCH

    def get_consumers(self, consumer_cls: Any, channel: Any) -> Any:
        """Called by kombu after every (re)connection: each subscription consumes on a channel of its own, on
        the one connection (`drain_events` reads every channel of it)."""
        self._unsettled = {}  # the tags of a closed connection's channels are void: its deliveries come again
        for provider in self._providers:
            consumer = Consumer(channel.connection.channel(), queues=[provider.queue],
                                on_message=partial(self.handle_message, provider), accept=self.accept,
                                on_decode_error=consumer_cls.keywords.get("on_decode_error"))
            consumer.qos(prefetch_count=self.prefetch_count)
            self._consumers[provider] = consumer
        return self._consumers.values()

    def handle_message(self, provider: Any, message: Any) -> None:
        """In the consumer's thread, in delivery order: to the subscription's inbox, its body not yet decoded
        (nameko spawns a green thread per message only to do this, and kombu decodes the JSON first)."""
        self._unsettled.setdefault(message.channel, {})[message.delivery_tag] = None
        provider.deliver(message)

    def _settled(self, message: Any) -> None:
        self._unsettled.get(message.channel, {}).pop(message.delivery_tag, None)

    def undecodable(self, message: Any, exc: Exception) -> None:
        """A body that cannot be decoded at all: what kombu does with it when it decodes (log, acknowledge)."""
        self._settled(message)
        self.on_decode_error(message, exc)

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

    def __init__(self, source: str, event_types: tuple[str, ...] | list[str] | str, *, at_once: bool = False,
                 **kwargs: Any) -> None:
        """`at_once`: the method does nothing but project its events into the timeline (`Projector.project_many`),
        so a batch may be applied by `deliveries.apply_at_once` instead — bookkeeping and projection in one
        statement — without calling it."""
        self.at_once = at_once
        super().__init__(source, event_types, **kwargs)

    def setup(self) -> None:
        super().setup()
        self.batch_size = Subscriptions.of(self.container.config).SUBSCRIPTIONS.BATCH_SIZE
        self._inbox: LightQueue = LightQueue()  # deliveries, undecoded, in delivery order
        self._read: LightQueue = LightQueue(maxsize=1)  # a read batch waiting for the one being applied
        # Applied batches waiting for their `event handled` lines; bounded, so that lines that cannot keep up
        # hold the next batch back instead of piling up.
        self._handled: LightQueue = LightQueue(maxsize=2)
        self._unacked: list[Any] = []  # committed deliveries waiting for their acknowledgement, in order
        self._unacked_since = 0.0  # when the first of them committed (time.monotonic)

    def start(self) -> None:
        super().start()
        for stage in (self._read_batches, self._apply_batches, self._log_batches):
            self.container.spawn_managed_thread(stage, identifier=f"{self.spec.name}.{stage.__name__}")

    def stop(self) -> None:
        self._ack_committed()  # committed: acknowledged while the channel is open, not delivered again
        super().stop()
        while self._handled.qsize():  # committed and acknowledged: their lines are written before the end
            self._trace(self._handled.get_nowait())

    def deliver(self, message: Any) -> None:
        """Called by the queue consumer, in delivery order: hand the delivery to the batch threads."""
        self._inbox.put(message)

    # -- the batch threads ---------------------------------------------------------------------------------
    def _read_batches(self) -> None:
        while True:
            batch = [self._inbox.get()]
            while len(batch) < self.batch_size and self._inbox.qsize():
                batch.append(self._inbox.get_nowait())
            events, messages = self._read_batch(batch)
            if events:
                self._read.put((events, messages))

    def _apply_batches(self) -> None:
        while True:
            wait = None if not self._unacked else max(self._unacked_since + ACK_DELAY - time.monotonic(), 0)
            try:
                batch = self._read.get(timeout=wait)
            except Empty:  # nothing more committed within ACK_DELAY: the waiting deliveries are acknowledged
                self._ack_committed()
                continue
            applied = self._apply(*batch)
            if applied:
                self._handled.put(applied)

    def _log_batches(self) -> None:
        """The lines of applied batches, a slice at a time: a line is CPU alone (no I/O to switch on), and
        the batch path waits for none of them, so the other threads may run between slices."""
        while True:
            applied = self._handled.get()
            slices = (applied[start:start + LOG_SLICE] for start in range(0, len(applied), LOG_SLICE))
            for lines in in_turns(slices, every=1):
                self._trace(lines)

    def _read_batch(self, batch: list[Any]) -> tuple[list[Event], list[Any]]:
        """The batch's events and their messages, in delivery order; a message that is no event is parked at
        once, as the single path does, and one that cannot be decoded is treated as kombu would."""
        events, messages = [], []
        for message in batch:
            event = read_event(message)
            if event is None:  # not JSON read in one pass: as the single path reads it
                try:
                    body = message.decode()
                except Exception as exc:  # noqa: BLE001 - kombu's decoding errors, whatever the serializer
                    self.queue_consumer.undecodable(message, exc)
                    continue
                try:
                    event = Event.from_message(body)
                except (ValidationError, TypeError):
                    super().handle_message(body, message)  # parked at once, as the single path does
                    continue
            events.append(event)
            messages.append(message)
        return events, messages

    def _apply(self, events: list[Event], messages: list[Any]) -> list[Event]:
        """Apply a read batch in one transaction and acknowledge it after the commit; returns the events applied.
        A batch that fails is applied message by message (single-event path: retried, then parked)."""
        try:
            admitted = None
            if self.at_once:
                with self.pool.db.connection() as conn:  # autocommit: the one statement is the transaction
                    admitted = deliveries.apply_at_once(conn, self.spec, events)
            if admitted is None:
                with self.pool.db.transaction() as tx:
                    admitted = deliveries.admit(tx, self.spec, self.runner.source_store, events)
                    if admitted:
                        self._call_batch(admitted, tx)
        except Exception as exc:  # noqa: BLE001 - the batch is retried message by message, which retries and parks
            log.warning("event batch failed; applying its events one by one", subscription=self.spec.name,
                        events=len(events), error=type(exc).__name__)
            for message in messages:
                self._apply_alone(message)
            return []
        self._acknowledge(messages)
        if enabled(__name__):
            log.debug("events applied", subscription=self.spec.name, delivered=len(events), applied=len(admitted))
        return admitted

    def _acknowledge(self, messages: list[Any]) -> None:
        """Acknowledge committed deliveries, several batches in one multiple-ack: a batch waits up to ACK_DELAY
        for those committed after it, no longer once ACK_EVERY are waiting. At one event a batch (the deployed
        shape) the broker then settles a dozen deliveries per ack instead of one (an ack was about 500 of the
        1,100 Erlang reductions of a delivery and its ack); a backlog's batches are acknowledged as they commit,
        so the prefetch keeps streaming. A process that dies first has them delivered again: duplicates, which
        the checkpoints and `processed_events` drop."""
        if not self._unacked:
            self._unacked_since = time.monotonic()
        self._unacked += messages
        if len(self._unacked) >= ACK_EVERY or time.monotonic() >= self._unacked_since + ACK_DELAY:
            self._ack_committed()

    def _ack_committed(self) -> None:
        messages, self._unacked = self._unacked, []
        if messages:
            self.queue_consumer.ack_batch(messages)

    def _apply_alone(self, message: Any) -> None:
        """The single-event path for one delivery of a failed batch."""
        try:
            body = message.decode()
        except Exception as exc:  # noqa: BLE001 - read in one pass, yet not by kombu: as kombu would treat it
            self.queue_consumer.undecodable(message, exc)
            return
        super().handle_message(body, message)

    def _trace(self, applied: list[Event]) -> None:
        """Each applied event continues its recording worker's trace, as on the single-event path: the `event
        handled` line in that trace (under a consumer span of its own where spans are exported), with the
        event's correlation id. One worker applied the whole batch, so its own context names only one of them."""
        contexts = [event_context(event) for event in applied]
        trace_ids = handled_trace_ids(self.container, self.method_name, [data.get(TRACEPARENT) for data in contexts])
        info_lines(__name__, "event handled", (
            {"subscription": self.spec.name, "type": event.type, "event_id": str(event.event_id),
             **log_context(data, trace_id)}
            for event, data, trace_id in zip(applied, contexts, trace_ids, strict=True)))

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


def read_event(message: Any) -> Event | None:
    """The event in a JSON delivery, parsed and validated in one pass from its bytes; None when the delivery
    is not JSON that kombu would accept, or not a valid event read so (the caller then decodes it as kombu
    does and validates the result, which parks what is no event)."""
    accept = message.accept
    if message.content_type != JSON or (accept is not None and JSON not in accept):
        return None
    try:
        return Event.model_validate_json(message.body)
    except ValidationError:
        return None


subscribe_batched = BatchedSubscription.decorator
