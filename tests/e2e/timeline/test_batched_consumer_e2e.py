"""The timeline's batched consumer on the real broker (services/timeline/consumer.py): an event whose
projection fails, delivered among good ones, is retried and parked in the dead-letter queue alone; every
other event of its batch is projected."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from kombu import Connection
from kombu.pools import producers

from shared.messaging import event_exchange
from tests.e2e.timeline.support import append, new_id
from tests.e2e.timeline.test_delivery_faults_e2e import projected
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

QUEUE = "evt-marriage--timeline.on_marriage_event"


def waiting(vhost: str, queue: str) -> int:
    with Connection(vhost) as connection:
        return connection.default_channel.queue_declare(queue, passive=True)[1]


def test_a_failing_event_among_a_batch_is_dead_lettered_alone_and_the_others_are_projected(api, stores, world):
    admin, vhost = world[0].admin("timeline"), world[1]
    store = stores["marriage"]
    before = store.head_position()
    person = synthetic_id_number()
    for n in range(40):
        registration = new_id()
        day = dt.date(2012, 1, 1) + dt.timedelta(days=n)
        append(store, f"registration-{registration}", "marriage.MarriageRegistered", day,
               [(person, "party"), (synthetic_id_number(sex="female"), "party")], office="MR-610502",
               registration_id=registration, registered_on=day.isoformat())
    head = store.head_position()
    # The poison: an event of a type whose projection reads its payload (a death corrected), with a payload
    # no contract can read, published among the good ones while they are being consumed.
    good = store.read_all(before, 1)[0].to_message()
    poison = {**good, "event_id": str(uuid.uuid4()), "type": "funeral.DeathCorrected",
              "stream_id": f"death-{uuid.uuid4()}", "stream_version": 1, "global_position": 10**9,
              "payload": {"unreadable": True}}
    with Connection(vhost) as connection, producers[connection].acquire(block=True) as producer:
        producer.publish(poison, exchange=event_exchange("marriage"), routing_key=poison["type"],
                         serializer="json", delivery_mode=2, declare=[event_exchange("marriage")])

    wait_until(lambda: projected(admin, "marriage") == (head, head), timeout=60, what="the good events")
    wait_until(lambda: waiting(vhost, f"{QUEUE}.dead") == 1, timeout=60, what="the poison parked")
    with admin.connection() as conn:
        assert conn.execute("SELECT count(*) FROM entries WHERE event_id = %s",
                            (poison["event_id"],)).fetchone()[0] == 0
    entries = api.get(f"/v1/persons/{person}/timeline", as_="admin").json()["entries"]
    assert len(entries) == 40
