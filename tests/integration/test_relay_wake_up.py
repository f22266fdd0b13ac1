"""Commits notify the outbox relay only while it waits (issue 19, shared/migrations/0006_notify_idle_relay.sql),
and no committed event waits for the relay's polling interval: not one committed while the relay was busy, nor
one committed while it was going idle. The polling interval here is a minute, so a missed wake-up shows as an
event still unpublished after seconds."""

from __future__ import annotations

import datetime as dt
import random

import eventlet
import psycopg
import pytest

from shared import outbox
from shared.envelope import NewEvent
from shared.eventstore import ANY_VERSION
from shared.eventstore.postgres import RELAY_IDLE_LOCK, PostgresEventStore
from shared.outbox import OutboxRelay, RelaySettings
from tests.support.infrastructure import ADMIN_URL
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

PROMPTLY = 5.0  # seconds: far below the polling interval, far above a wake-up's milliseconds


def death(n: int) -> NewEvent:
    return NewEvent(type="funeral.Tested", occurred_on=dt.date(2025, 1, 2), payload={"n": n})


@pytest.fixture
def funeral(fresh_namespace, monkeypatch):
    # The relay waits min(poll_interval, HEARTBEAT / 2): a long heartbeat lets it wait the whole minute.
    monkeypatch.setattr(outbox, "HEARTBEAT", 600)
    return fresh_namespace("funeral").database("funeral")


def relay_of(db, vhost) -> OutboxRelay:
    # No queue is bound in these tests: an unroutable event is passed rather than halting the relay.
    return OutboxRelay(db, "funeral", vhost, RelaySettings(poll_interval=60.0, on_unroutable="skip"))


def idle_lock_holders(db) -> list[int]:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        return [pid for (pid,) in conn.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid::int = hashtext(%s)"
            " AND mode = 'ExclusiveLock' AND granted", (RELAY_IDLE_LOCK, db.schema))]


def test_a_commit_notifies_only_while_a_session_holds_the_idle_lock(funeral):
    store = PostgresEventStore(funeral)
    with psycopg.connect(ADMIN_URL, autocommit=True) as listener:
        listener.execute(f'LISTEN "{funeral.schema}_events"')

        store.append("busy", [death(1)], 0)
        assert list(listener.notifies(timeout=0.5, stop_after=1)) == []  # nobody waits: no NOTIFY

        listener.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (RELAY_IDLE_LOCK, funeral.schema))
        store.append("idle", [death(2)], 0)
        assert [n.channel for n in listener.notifies(timeout=5, stop_after=1)] == [f"{funeral.schema}_events"]


def test_an_event_committed_between_the_relays_last_read_and_its_idle_lock_is_published_promptly(funeral, vhost):
    """The interleaving a relay that waited without reading again would lose: the relay read, then an append
    committed (no NOTIFY: the relay was not idle), then the relay took the idle lock."""
    store = PostgresEventStore(funeral)
    relay = relay_of(funeral, vhost)
    set_idle, slipped_in = relay._set_idle, []

    def append_first_then_set_idle(conn, idle):
        if idle and not slipped_in:
            slipped_in.append(store.append("slipped-in", [death(1)], 0))
        return set_idle(conn, idle)

    relay._set_idle = append_first_then_set_idle
    running = eventlet.spawn(relay.run)
    try:
        wait_until(lambda: slipped_in, what="the append between the read and the idle lock")
        wait_until(lambda: relay.progress() == 1, timeout=PROMPTLY, what="the slipped-in event published")
    finally:
        relay.stop()
        running.kill()


def test_an_append_uncommitted_while_the_relay_goes_idle_keeps_it_from_idling_and_is_published_promptly(
        funeral, vhost):
    """The append's statement found the relay busy (no NOTIFY will come), and it commits only after the relay
    finished its last read: the relay may not wait on LISTEN until that commit is visible to it."""
    store = PostgresEventStore(funeral)
    relay = relay_of(funeral, vhost)
    with funeral.connection() as tx, tx.transaction():
        store.append("slow-commit", [death(1)], 0, tx=tx)
        running = eventlet.spawn(relay.run)
        try:
            wait_until(lambda: relay.is_leader, what="leadership")
            eventlet.sleep(0.5)  # the relay has read (nothing committed) and tries to go idle meanwhile
            assert idle_lock_holders(funeral) == []
        except BaseException:
            relay.stop()
            running.kill()
            raise
    try:
        wait_until(lambda: relay.progress() == 1, timeout=PROMPTLY, what="the late-committed event published")
        wait_until(lambda: len(idle_lock_holders(funeral)) == 1, what="the relay idle at last")
    finally:
        relay.stop()
        running.kill()


def test_appends_racing_the_relay_going_idle_are_all_published_promptly(funeral, vhost):
    """Bursts and pauses, so that the relay goes idle and gets busy again many times while appends commit."""
    relay = relay_of(funeral, vhost)
    running = eventlet.spawn(relay.run)
    appended = 0
    rng = random.Random(19)
    try:
        wait_until(lambda: relay.is_leader, what="leadership")

        def appender(name: str, count: int) -> None:
            nonlocal appended
            store = PostgresEventStore(funeral)
            for n in range(count):
                store.append(f"{name}-{n % 7}", [death(n)], ANY_VERSION)
                appended += 1
                eventlet.sleep(rng.choice((0, 0, 0, 0.001, 0.003, 0.02)))

        for burst in range(6):
            workers = [eventlet.spawn(appender, f"w{burst}-{w}", 40) for w in range(3)]
            for worker in workers:
                worker.wait()
            wait_until(lambda: relay.progress() == appended, timeout=PROMPTLY,
                       what=f"every event of burst {burst} published")
            eventlet.sleep(rng.choice((0, 0.01, 0.05)))  # the relay goes idle, or nearly
    finally:
        relay.stop()
        running.kill()
    assert appended == 6 * 3 * 40
