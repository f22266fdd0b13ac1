"""The outbox relay: publishes a service's committed events to RabbitMQ, in order, at least once.

The `events` table is the outbox. The relay reads the events after its recorded progress (dense,
commit-ordered positions, see shared/eventstore/postgres.py), publishes them with publisher confirms, and
records the new progress only once RabbitMQ has confirmed every message of the batch. A crash between
publishing and recording means the batch is published again on restart — at least once, never lost; the
subscriptions dedupe by event id.

While it publishes, the leader records its progress at most every `progress_every` seconds rather than after
every batch (a write and a commit per pass: 0.3–0.4 a registration at 50–70 a second, about 0.6 ms of CPU
each between the relay and PostgreSQL on a busy machine), and always before it waits for longer than
`IDLE_RECORD_DELAY` (when no NOTIFY came within it), and when it stops or halts: its own position is kept in
memory while it leads. A crash may then publish again what was confirmed in that last interval: the same
at-least-once as a crash between a batch and its record, in order.

One relay is active per service: it holds a session advisory lock on a dedicated connection, which
PostgreSQL releases if the process dies, so a standby process takes over. The relay sleeps until a NOTIFY
from the events table (sent at commit) or the polling interval, whichever comes first. Commits notify only
while the relay waits (it holds the idle lock then, shared/migrations/0006_notify_idle_relay.sql): a relay
that is busy publishing reads again by itself, and a NOTIFY costs every committing session a place in one
cluster-wide queue.

Faults (docs/operations.md, "Faults"):

* The relay never skips. An event the broker returns as unroutable (no queue bound to its type: the topology
  was not declared, or a queue was deleted) stops the relay before its progress moves past it: an ERROR log
  line `outbox relay halted` (the alarm) and `halted_types`, and the batch is offered again every
  `unroutable_retry` seconds, so publishing resumes by itself once the topology is declared again
  (`civreg declare`). `on_unroutable="skip"` restores the old behaviour (log and move on), for test stacks
  that run a few services without declaring the whole topology.
* A dead leader holds its lock for a bounded time. The leader's PostgreSQL session has TCP keepalives on both
  ends (shared/db.py, `KEEPALIVE_BOUND`), and its broker connection has AMQP heartbeats (`HEARTBEAT`): a
  leader whose machine vanished loses its advisory lock within about 25 s, and a standby takes over.
  Keepalives are answered by the peer's kernel, though, so a peer that still exists but stopped talking (a
  hung process, a frozen VM, a middlebox that stops forwarding but keeps the connection) would keep the lock
  for ever. So the leader also talks on its session at least every `LEADER_PING` seconds, and the session
  carries `idle_session_timeout` = `LEADER_SILENCE`: PostgreSQL itself ends a leader session that said
  nothing for that long, whatever the TCP layer believes. A ping that fails tells a leader that its session,
  and so its lock, is gone before it publishes another batch.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import amqp
import psycopg
from amqp import spec
from amqp.method_framing import frame_writer
from amqp.serialization import dumps
from kombu import Connection
from psycopg import sql
from psycopg_pool import PoolTimeout

from shared.db import Database
from shared.eventstore.postgres import RELAY_IDLE_LOCK, RELAY_LEADER_LOCK, Message, PostgresEventStore
from shared.eventstore.upcasting import NO_UPCASTING, Upcasters
from shared.logging import enabled, get_logger
from shared.messaging import event_exchange

log = get_logger(__name__)


HEARTBEAT = 10  # seconds: AMQP heartbeats on the relay's broker connection
LEADER_PING = 2.0  # seconds: the leader says something on its session at least this often...
LEADER_SILENCE = 20  # ...and PostgreSQL ends a leader session silent this long (idle_session_timeout)
MAX_RETRY_DELAY = 10.0  # seconds between attempts through an outage, at most
IDLE_RETRY = 0.002  # seconds: going idle waits for uncommitted appends that found the relay busy
IDLE_RECORD_DELAY = 0.05  # seconds: an idle leader woken again this soon records its progress only later


class PublishFailed(RuntimeError):
    """The broker nacked a message, or did not confirm it in time."""


class Unroutable(RuntimeError):
    """The broker returned events of these types: no queue is bound to them."""

    def __init__(self, types: set[str]) -> None:
        super().__init__(f"no queue is bound to {', '.join(sorted(types))}")
        self.types = types


class _Frames:
    """The transport a batch's frames are written to: py-amqp's frame writer, made with it, frames each message
    as it would on the socket (the same bytes), and the batch goes out in one write."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []

    def write(self, frame: Any) -> None:
        self.frames.append(bytes(frame))  # the writer's buffer is reused for the next message

    def take(self) -> bytes:
        batch, self.frames = b"".join(self.frames), []
        return batch


class ConfirmingPublisher:
    """Publishes batches on one channel in confirm mode and waits until the broker confirmed them all.

    A batch's messages are framed by py-amqp's own frame writer and sent in one write, instead of a write per
    message, each after a zero-timeout read of the socket (py-amqp's `basic_publish`): the read is there to
    notice what the broker sent meanwhile (a closed channel, a blocked connection) before a publish, and the
    wait for the batch's confirms right after reads all of that anyway — a batch it does not see confirmed in
    full is published again. Measured alone, batches of eight confirmed: 70–110 → 26–48 µs of CPU an event
    (issue 19)."""

    def __init__(self, amqp_uri: str, service: str, confirm_timeout: float = 10.0, *, halt: bool = True) -> None:
        self.amqp_uri = amqp_uri
        self.exchange = event_exchange(service)
        self.confirm_timeout = confirm_timeout
        self.returned = 0  # unroutable messages: a type nobody subscribes to, or topology not declared
        self._unroutable_types: set[str] = set()
        self.halt = halt  # raise Unroutable after a batch with a returned event (else: log and move on)
        self._returned_now: set[str] = set()
        self._connection: Connection | None = None
        self._channel: amqp.Channel | None = None
        self._frames = _Frames()
        self._write_frame: Any = None  # py-amqp's frame writer of the connection, writing into `_frames`
        self._publish_args: dict[str, bytes] = {}  # Basic.Publish's arguments, encoded, by routing key
        self._unconfirmed: set[int] = set()
        self._nacked: set[int] = set()
        self._next_tag = 1

    def connect(self) -> None:
        self.close()
        connection = Connection(self.amqp_uri, connect_timeout=5, heartbeat=HEARTBEAT)
        connection.connect()
        channel = connection.connection.channel()
        channel.confirm_select()
        channel.exchange_declare(self.exchange.name, "topic", durable=True, auto_delete=False)
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        channel.events["basic_return"].add(self._on_return)
        self._connection, self._channel, self._next_tag = connection, channel, 1
        self._frames = _Frames()
        self._write_frame = frame_writer(connection.connection, self._frames)
        self._unconfirmed.clear()
        self._nacked.clear()

    def close(self) -> None:
        if self._connection is not None:
            # Closing a broken connection may fail in many ways; it is being dropped either way.
            with contextlib.suppress(Exception):
                self._connection.release()
        self._connection = self._channel = None

    def publish(self, events: Sequence[Message]) -> None:
        if self._channel is None:
            self.connect()
        assert self._channel is not None and self._connection is not None
        self._returned_now.clear()
        channel_id = self._channel.channel_id
        for event in events:
            message = amqp.Message(
                event.body,
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                message_id=event.event_id,
                type=event.type,
                application_headers=_headers(event),
            )
            self._write_frame(1, channel_id, spec.Basic.Publish, self._arguments(event.type), message)
            self._unconfirmed.add(self._next_tag)
            self._next_tag += 1
        self._connection.connection.transport.write(self._frames.take())
        deadline = time.monotonic() + self.confirm_timeout
        while self._unconfirmed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishFailed(f"{len(self._unconfirmed)} messages not confirmed in time")
            try:
                self._connection.drain_events(timeout=remaining)
            except TimeoutError:
                continue
        if self._nacked:
            raise PublishFailed(f"broker refused {len(self._nacked)} messages")
        if self._returned_now and self.halt:  # returns arrive before their confirms: all are in by now
            raise Unroutable(set(self._returned_now))

    def _arguments(self, routing_key: str) -> bytes:
        """Basic.Publish's arguments as py-amqp's `basic_publish` encodes them (mandatory: an unroutable event is
        returned), made once per event type."""
        if (encoded := self._publish_args.get(routing_key)) is None:
            encoded = self._publish_args[routing_key] = dumps("Bssbb", (0, self.exchange.name, routing_key, True,
                                                                        False))
        return encoded

    def heartbeat(self) -> None:
        """Send a heartbeat if one is due, and notice a broker that went silent (raises)."""
        if self._connection is not None:
            self._connection.heartbeat_check()

    def _on_ack(self, tag: int, multiple: bool) -> None:
        self._settle(tag, multiple)

    def _on_nack(self, tag: int, multiple: bool) -> None:
        self._nacked.update(t for t in self._unconfirmed if t == tag or (multiple and t <= tag))
        self._settle(tag, multiple)

    def _settle(self, tag: int, multiple: bool) -> None:
        if multiple:
            self._unconfirmed.difference_update([t for t in self._unconfirmed if t <= tag])
        else:
            self._unconfirmed.discard(tag)

    def _on_return(self, exc: Exception, exchange: str, routing_key: str, message: amqp.Message) -> None:
        self.returned += 1
        self._returned_now.add(routing_key)
        # Once per event type and process: a type nobody subscribes to would otherwise flood the log.
        if routing_key not in self._unroutable_types:
            self._unroutable_types.add(routing_key)
            log.warning("event type unroutable: no queue is bound to it", exchange=exchange,
                        routing_key=routing_key, reply=str(exc))


def _headers(event: Message) -> dict[str, str]:
    # nameko copies `nameko.<key>` headers into the consumer's context data.
    if event.correlation_id is None:
        return {"nameko.causation_id": event.event_id}
    return {"nameko.correlation_id": event.correlation_id, "nameko.causation_id": event.event_id}


@dataclass
class RelaySettings:
    name: str = "amqp"
    batch_size: int = 500
    poll_interval: float = 1.0  # fallback if a NOTIFY is missed (e.g. across a reconnect)
    retry_interval: float = 1.0  # after a broker or database failure
    # After a pass, wait before reading again, so that under load one batch (one read, one confirm wait, and
    # downstream one timeline statement and commit) carries the events of several commits rather than one.
    # Only under load: after a pass that published more than one event. At light load (a pass of one event)
    # the next commit is read at once — a linger was half the commit-to-timeline lag there
    # (docs/benchmarks.md, "Timeline"). The wait is long enough for about `linger_events` more events at the
    # rate the pass saw, and at most `linger` seconds: events reach consumers that much later under load (no
    # HTTP response waits for the relay), and a faster stream waits less for the same batch. A stream too slow
    # to bring two more events within `linger` (under 40 a second) does not wait. At registration rate (~230
    # events/s) the bound is what holds: 25 ms rather than a fixed 10 ms cut the timeline and its backends
    # from 1.0–1.4 to 0.7–1.0 ms a registration, lower in each of eleven alternated pairs of the deployed shape;
    # 50 ms and 16 events rather than 25 ms and 8 cut them again, from 0.80–1.06 to 0.57–0.77 ms, lower in each
    # of three alternated pairs (issue 19): under load, events reach consumers up to 50 ms after their commit.
    linger: float = 0.05
    linger_events: int = 16
    on_unroutable: str = "halt"  # or "skip" (see the module docstring)
    # Under load, the confirmed position is recorded at most this often (seconds); a crash republishes at most
    # this much, in order. Always recorded before going idle, stopping or halting.
    progress_every: float = 0.1
    unroutable_retry: float = 5.0  # seconds between offers of a halted batch

    def linger_after(self, published: int, seconds: float) -> float:
        """The wait after a pass that published `published` events, read `seconds` after the pass before it
        (the events committed in about that time): long enough for `linger_events` more at that rate, at most
        `linger`; none when fewer than two would come within `linger` (a slow stream gains little by waiting:
        its next event is read as it commits, and the lag at light load stays low)."""
        if published * self.linger < 2 * seconds:
            return 0.0
        return min(self.linger, self.linger_events * seconds / published)


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        service: str,
        amqp_uri: str,
        settings: RelaySettings | None = None,
        *,
        upcasters: Upcasters = NO_UPCASTING,
    ) -> None:
        self.db = db
        self.service = service
        self.settings = settings or RelaySettings()
        self.store = PostgresEventStore(db, upcasters)  # publish current shapes: consumers cannot upcast
        self.publisher = ConfirmingPublisher(amqp_uri, service, halt=self.settings.on_unroutable != "skip")
        self.is_leader = False
        self.halted_types: set[str] = set()  # non-empty while halted on unroutable events (the alarm)
        self._failures = 0  # consecutive interruptions: the backoff's exponent
        self._stopping = False
        self._leader: psycopg.Connection | None = None  # the session holding the lock, while leading
        self._last_ping = 0.0
        self._unrecorded: int | None = None  # a position confirmed by the broker, not yet recorded
        self._recorded_at = time.monotonic()  # of the last record (or of the start)

    # -- one pass -------------------------------------------------------------------------------------
    def progress(self) -> int:
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT position FROM relay_progress WHERE relay = %s", (self.settings.name,)
            ).fetchone()
        return row[0] if row else 0

    def lag(self) -> int:
        return self.store.head_position() - self.progress()

    def publish_pending(self) -> int:
        """Publish every committed event after the recorded progress; returns how many were published."""
        total, position = 0, self.progress()
        while True:
            position, published = self._publish_after(position)
            total += published
            if not published:
                self._record_unrecorded()
                return total

    def _publish_after(self, position: int) -> tuple[int, int]:
        """Publish what is committed after `position`, batch by batch, until a batch comes back short: the
        store had no more when it was read. Returns the new position and how many were published."""
        total = 0
        while batch := self.store.read_messages(position, self.settings.batch_size):
            self._still_leading()
            try:
                self.publisher.publish(batch)  # raises Unroutable: the progress stays before the batch
            except Unroutable:
                self._record_unrecorded()  # the batches before it were confirmed
                raise
            if self.halted_types:
                log.warning("outbox relay resumed: the events are routable again", service=self.service,
                            types=sorted(self.halted_types))
                self.halted_types = set()
            position = batch[-1].global_position
            self._unrecorded = position
            if time.monotonic() - self._recorded_at >= self.settings.progress_every:
                self._record_unrecorded()
            total += len(batch)
            if len(batch) < self.settings.batch_size:
                break
        return position, total

    def _record_unrecorded(self) -> None:
        """Record the last confirmed position, if it is not yet."""
        if self._unrecorded is not None:
            self._record_progress(self._unrecorded)
            self._unrecorded, self._recorded_at = None, time.monotonic()

    def _record_progress(self, position: int) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO relay_progress (relay, position) VALUES (%s, %s)"
                " ON CONFLICT (relay) DO UPDATE SET position = excluded.position, updated_at = now()",
                (self.settings.name, position),
            )

    # -- the loop -------------------------------------------------------------------------------------
    def stop(self) -> None:
        self._stopping = True

    def run(self) -> None:
        """Lead (or wait to lead) and relay until `stop()`; survives broker and database outages."""
        while not self._stopping:
            try:
                with self.db.connect() as leader:
                    if not self._lead(leader):
                        time.sleep(self.settings.poll_interval)
                        continue
                    self._leader, self._last_ping = leader, time.monotonic()
                    self._relay_while_leading(leader)
            except Unroutable as exc:
                self.halted_types = exc.types
                log.error("outbox relay halted: events unroutable; declare the topology (civreg declare)",
                          service=self.service, types=sorted(exc.types))
                time.sleep(self.settings.unroutable_retry)
            except (psycopg.OperationalError, PoolTimeout, OSError, amqp.exceptions.AMQPError, PublishFailed) as exc:
                # Backing off through a long outage (RETRY_INTERVAL doubling, at most MAX_RETRY_DELAY seconds):
                # a relay that retries every second fills the log and knocks on a server that is coming up.
                delay = min(self.settings.retry_interval * 2 ** self._failures, MAX_RETRY_DELAY)
                self._failures += 1
                log.warning("outbox relay interrupted", service=self.service, error=str(exc), retry_in_seconds=delay)
                self.publisher.close()
                time.sleep(delay)
            finally:
                # A new term reads the recorded progress: what this one confirmed and did not record is
                # published again (at least once).
                self.is_leader, self._leader, self._unrecorded = False, None, None
        self.publisher.close()

    def _lead(self, conn: psycopg.Connection) -> bool:
        # Set before the lock is taken: a leader session never exists without its silence bound.
        conn.execute("SELECT set_config('idle_session_timeout', %s, false)", (f"{LEADER_SILENCE}s",))
        self.is_leader = conn.execute(
            "SELECT pg_try_advisory_lock(%s, hashtext(current_schema() || %s))",
            (RELAY_LEADER_LOCK, self.settings.name),
        ).fetchone()[0]
        return self.is_leader

    def _still_leading(self) -> None:
        """Ping the leader session if LEADER_PING has passed: it keeps PostgreSQL from ending a live leader's
        session (`LEADER_SILENCE`), and raises if the session, and with it the lock, is gone."""
        if self._leader is not None and time.monotonic() - self._last_ping >= LEADER_PING:
            self._leader.execute("SELECT 1")
            self._last_ping = time.monotonic()

    def _relay_while_leading(self, conn: psycopg.Connection) -> None:
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(f"{self.db.schema}_events")))
        # Only the leader advances the progress, so while it leads it keeps the position in memory rather
        # than reading it back before every batch. Read once, after LISTEN.
        position = self.progress()
        idle = False  # holding the idle lock: every commit sends a NOTIFY (shared/migrations/0006)
        read_at = time.monotonic()
        while not self._stopping:
            previous, read_at = read_at, time.monotonic()
            position, published = self._publish_after(position)
            if published and enabled(__name__):
                log.debug("events published", service=self.service, count=published)
            self.publisher.heartbeat()
            self._still_leading()
            self._failures = 0  # a whole pass went through: the next outage starts its backoff afresh
            if published > 1:
                # Commits came faster than one pass: under load. Busy, the relay reads again by itself, so
                # commits need not notify it; and it waits a little so that the next batch (one read, one
                # confirm wait) carries the events of several commits rather than one.
                # Events reach consumers this much later; no HTTP response waits for the relay.
                if idle:
                    idle = self._set_idle(conn, False)
                if linger := self.settings.linger_after(published, read_at - previous):
                    time.sleep(linger)
                self._drop_notifies(conn)
                continue
            if not idle:
                # Going idle. Appends that found the relay busy sent no NOTIFY; the idle lock is granted only
                # once every one of them has committed (each holds it shared until after its commit), so a
                # read after taking it sees them. Until it is granted, read again shortly.
                if not (idle := self._set_idle(conn, True)):
                    time.sleep(IDLE_RETRY)
                continue
            # Idle, and a pass came back short after the lock was held: everything committed before that
            # read is published, and every later commit sends a NOTIFY. Wake on the first (at once if one
            # came in meanwhile) or after the polling interval, then drop the others already received:
            # their commits precede the next read, which sees them.
            # Confirmed events not yet recorded are recorded before a wait, unless a NOTIFY comes within
            # IDLE_RECORD_DELAY: at a steady few commits a second the relay wakes for nearly every one, and a
            # record per wake-up was a write and a commit for every event or two.
            if self._unrecorded is None or not self._woken(conn, IDLE_RECORD_DELAY):
                self._record_unrecorded()
                self._woken(conn, min(self.settings.poll_interval, HEARTBEAT / 2))
            self._drop_notifies(conn)
        self._record_unrecorded()  # stopping: a clean stop publishes nothing twice

    def _set_idle(self, conn: psycopg.Connection, idle: bool) -> bool:
        """Take (without waiting) or release the idle lock on the listening session; True if now held."""
        if idle:
            return conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))",
                                (RELAY_IDLE_LOCK, self.db.schema)).fetchone()[0]
        conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", (RELAY_IDLE_LOCK, self.db.schema))
        return False

    @staticmethod
    def _woken(conn: psycopg.Connection, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a NOTIFY (at once if one came in meanwhile); True if one came."""
        return any(True for _ in conn.notifies(timeout=timeout, stop_after=1))

    @staticmethod
    def _drop_notifies(conn: psycopg.Connection) -> None:
        for _ in conn.notifies(timeout=0):
            pass
