"""The projector under delivery faults, on the real broker: every client connection of the virtual host
closed mid-stream (as a broker failover does), and a storm of duplicate deliveries — nothing lost, nothing
doubled, every timeline in order."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from kombu import Connection
from kombu.pools import producers

from shared.messaging import event_exchange
from tests.e2e.timeline.support import append, new_id
from tests.support.infrastructure import close_broker_connections
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def projected(admin, source: str) -> tuple[int, int]:  # noqa: ANN001
    """(entries, checkpoint) of the live generation for one source."""
    with admin.connection() as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM entries e JOIN generations g USING (generation)"
            "         WHERE g.state = 'live' AND e.source = %s),"
            "       (SELECT coalesce(max(c.position), 0) FROM checkpoints c JOIN generations g USING (generation)"
            "         WHERE g.state = 'live' AND c.source = %s)", (source, source)).fetchone()


def marriages(store, couples: list[tuple[str, str]], start: dt.date) -> None:  # noqa: ANN001
    for n, (one, other) in enumerate(couples):
        registration = new_id()
        day = start + dt.timedelta(days=n)
        append(store, f"registration-{registration}", "marriage.MarriageRegistered", day,
               [(one, "party"), (other, "party")], office="MR-610502", registration_id=registration,
               registered_on=day.isoformat())
        append(store, f"registration-{registration}", "marriage.DivorceRegistered", day + dt.timedelta(days=1),
               [(one, "party"), (other, "party")], office="MR-610502", registration_id=registration,
               registered_on=(day + dt.timedelta(days=1)).isoformat())


def read(api, path: str) -> dict:  # noqa: ANN001
    """The gateway's answer once it reaches the timeline again: after every broker connection was closed, the
    services' RPC consumers reconnect, and until the gateway sees the timeline's queue consumed again (its
    probe's answers are cached for a second, shared/queue_probe.py) it answers 503 "not running", as it should."""
    answers = []
    wait_until(lambda: answers.append(api.get(path, as_="admin")) or answers[-1].status_code != 503, timeout=30,
               interval=0.05, what=f"the gateway answering {path}")
    assert answers[-1].status_code == 200, answers[-1].text
    return answers[-1].json()


def test_closing_every_broker_connection_mid_stream_loses_and_doubles_nothing(api, stores, world):
    admin = world[0].admin("timeline")
    person = synthetic_id_number()
    couples = [(person, synthetic_id_number(sex="female")) for _ in range(150)]
    writer = threading.Thread(target=marriages, args=(stores["marriage"], couples, dt.date(2001, 1, 1)))
    writer.start()
    wait_until(lambda: projected(admin, "marriage")[0] >= 60, timeout=30, what="the stream under way")
    close_broker_connections(world[1])
    writer.join()
    head = stores["marriage"].head_position()
    wait_until(lambda: projected(admin, "marriage") == (head, head), timeout=60, what="every event projected")
    entries = read(api, f"/v1/persons/{person}/timeline")["entries"]
    assert len(entries) == 300
    assert [e["type"] for e in entries[:4]] == ["marriage.MarriageRegistered", "marriage.DivorceRegistered"] * 2
    assert [e["occurred_on"] for e in entries] == sorted(e["occurred_on"] for e in entries)


def test_a_storm_of_duplicate_deliveries_is_projected_exactly_once(api, stores, world):
    admin = world[0].admin("timeline")
    person = synthetic_id_number()
    couples = [(person, synthetic_id_number(sex="female")) for _ in range(50)]
    before = stores["marriage"].head_position()
    marriages(stores["marriage"], couples, dt.date(2010, 1, 1))
    head = stores["marriage"].head_position()
    wait_until(lambda: projected(admin, "marriage") == (head, head), timeout=60, what="the first delivery")
    stored = stores["marriage"].read_all(before, 1000)
    storm = [event for event in stored for _ in range(6)]
    random.Random(11).shuffle(storm)
    with Connection(world[1]) as connection, producers[connection].acquire(block=True) as producer:
        for event in storm:
            producer.publish(event.to_message(), exchange=event_exchange("marriage"), routing_key=event.type,
                             serializer="json", delivery_mode=2, declare=[event_exchange("marriage")])
    queue = "evt-marriage--timeline.on_marriage_event"

    def drained() -> bool:
        with Connection(world[1]) as connection:
            _, waiting, consumers = connection.default_channel.queue_declare(queue, passive=True)
            return waiting == 0 and consumers > 0

    wait_until(drained, timeout=60, what="the storm consumed")
    assert projected(admin, "marriage") == (head, head)
    entries = read(api, f"/v1/persons/{person}/timeline")["entries"]
    assert len(entries) == 100
    facts = read(api, f"/v1/persons/{person}/facts")
    assert facts["marital_status"] == "divorced"
