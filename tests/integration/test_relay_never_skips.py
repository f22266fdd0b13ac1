"""The outbox relay never skips (issue 17): an event the broker returns as unroutable halts the relay before
its progress passes it, with the alarm raised, and publishing resumes by itself once the topology is declared
again. A leader's sessions carry TCP keepalives on both ends, so a vanished leader's lock is bounded, and a
silence bound that a live leader's pings keep from striking (tests/e2e/faults: a leader that stops talking)."""

from __future__ import annotations

import datetime as dt

import eventlet
import pytest
from kombu import Connection, Queue

from shared import outbox
from shared.db import KEEPALIVE_BOUND
from shared.envelope import NewEvent
from shared.eventstore import ANY_VERSION
from shared.eventstore.postgres import RELAY_LEADER_LOCK, PostgresEventStore
from shared.messaging import event_exchange
from shared.outbox import OutboxRelay, RelaySettings
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def test_an_unroutable_event_halts_the_relay_until_the_topology_is_declared_and_nothing_is_skipped(
        fresh_namespace, vhost):
    namespace = fresh_namespace("funeral")
    store = PostgresEventStore(namespace.database("funeral"))
    for n in range(3):
        store.append(f"death-{n}", [NewEvent(type="funeral.Tested", occurred_on=dt.date(2025, 6, 1),
                                             payload={"n": n})], ANY_VERSION)
    relay = OutboxRelay(namespace.database("funeral"), "funeral", vhost,
                        RelaySettings(poll_interval=0.2, retry_interval=0.2, unroutable_retry=0.2))
    running = eventlet.spawn(relay.run)
    try:
        wait_until(lambda: relay.halted_types == {"funeral.Tested"}, what="the relay halted")
        eventlet.sleep(0.5)  # offered again meanwhile, still unroutable
        assert relay.progress() == 0  # nothing was skipped

        with Connection(vhost) as connection:  # the topology declared: a queue bound to the type
            probe = Queue("probe-never-skips", exchange=event_exchange("funeral"), routing_key="#")
            probe(connection.default_channel).declare()
            wait_until(lambda: relay.progress() == 3, what="the relay resumed")
            received = []
            while (message := probe(connection.default_channel).get(no_ack=True)) is not None:
                received.append(message.payload["payload"]["n"])
    finally:
        relay.stop()
        running.wait()
    assert relay.halted_types == set()
    assert received == [0, 1, 2]


def test_the_leaders_session_has_keepalives_on_both_ends(fresh_namespace):
    namespace = fresh_namespace("funeral")
    with namespace.database("funeral").connect() as leader:
        server = {name: leader.execute(f"SHOW {name}").fetchone()[0]
                  for name in ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count")}
        client = leader.info.get_parameters()
    assert server == {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "3"}
    assert client.get("keepalives") == "1" and int(client["keepalives_idle"]) == 10
    assert KEEPALIVE_BOUND <= 30  # seconds a vanished leader may keep its advisory lock


def test_a_live_leader_that_has_nothing_to_publish_keeps_its_session_past_the_silence_bound(fresh_namespace, vhost,
                                                                                            monkeypatch):
    """The leader session ends after LEADER_SILENCE without a word (a vanished or hung leader; the fault test
    freezes one), so a live leader with nothing to publish must keep talking: its pings hold the session."""
    monkeypatch.setattr(outbox, "LEADER_SILENCE", 2)  # seconds, for a quick test; pinged every LEADER_PING
    monkeypatch.setattr(outbox, "LEADER_PING", 0.5)
    namespace = fresh_namespace("funeral")
    relay = OutboxRelay(namespace.database("funeral"), "funeral", vhost, RelaySettings(poll_interval=0.2))
    running = eventlet.spawn(relay.run)
    try:
        wait_until(lambda: relay.is_leader and relay._leader is not None, what="the relay leading")
        session = relay._leader.info.backend_pid
        eventlet.sleep(5)  # idle, more than twice the silence bound
        with namespace.admin("funeral").connection() as conn:
            locks = conn.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND locktype = 'advisory'"
                                 " AND classid = %s AND granted", (session, RELAY_LEADER_LOCK)).fetchone()[0]
        assert relay.is_leader and relay._leader.info.backend_pid == session
        assert locks == 1  # the same session, still holding the lock
    finally:
        relay.stop()
        running.wait()
