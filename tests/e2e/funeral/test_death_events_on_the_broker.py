"""The funeral service's events on the real broker, both ways.

Out: deaths, identifications and corrections reach a consumer subscribed to `funeral.events` (as marriage,
child welfare and the timeline subscribe) with the contract's subjects and payload — a correction names the
wrongly recorded person and the right one, so every consumer can react to it (F-7).
In: a relief station's `vagrant_aid.PersonExited` with kind `died`, published by the vagrant_aid outbox
relay, opens the death record once, however often it is delivered; an unknown person follows the
unidentified-body procedure, and the station's later identification links the ids (V-8, F-6).
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from kombu import Connection, Producer

from services.funeral.service import FuneralService
from services.topology import subscriptions_of
from shared.envelope import Metadata, NewEvent, Subject
from shared.eventstore.postgres import PostgresEventStore
from shared.messaging import declare_all, event_exchange
from shared.nameko_ext import CorrelationContext, subscribe
from shared.outbox import OutboxRelay
from tests.e2e.funeral.calls import STAFF, death_body
from tests.support.event_samples import payload_of
from tests.support.infrastructure import isolated_world
from tests.support.services import running, service_config
from tests.support.stack import running_stack
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

RECEIVED: list = []
CONTRACT_TYPES = ["funeral.DeathRegistered", "funeral.DeathCorrected", "funeral.BodyIdentified"]


class ConsumerProbe:
    """Stands in for marriage, child welfare and the timeline: records what a subscriber receives."""

    name = "timeline"
    context = CorrelationContext()

    @subscribe("funeral", CONTRACT_TYPES)
    def on_funeral_event(self, event, tx):
        RECEIVED.append(event)


@pytest.fixture(scope="module")
def world():
    with isolated_world() as (namespace, vhost):
        declare_all(vhost, subscriptions_of(ConsumerProbe) + subscriptions_of(FuneralService),
                    ["funeral", "vagrant_aid"])
        yield namespace, vhost


@pytest.fixture(scope="module")
def api(world):
    namespace, vhost = world
    with running(ConsumerProbe, service_config(namespace, vhost)), \
            running_stack(namespace, vhost, [FuneralService]) as api:
        yield api


def received(death_id: str, event_type: str) -> list:
    return [e for e in RECEIVED if e.type == event_type and e.payload.get("death_id") == death_id]


def test_a_correction_reaches_consumers_naming_the_wrong_and_the_right_person_F7(api, today):
    wrong, right = synthetic_id_number(), synthetic_id_number()
    registered = api.post("/v1/funeral/deaths", json=death_body(today, wrong), **STAFF).json()
    death_id = registered["death_id"]
    corrected = api.post(f"/v1/funeral/deaths/{death_id}/correction",
                         json={"reason": "the hospital swapped two patients", "id_number": right}, **STAFF)
    assert corrected.status_code == 200, corrected.text

    [death] = wait_until(lambda: received(death_id, "funeral.DeathRegistered"), what="DeathRegistered")
    [correction] = wait_until(lambda: received(death_id, "funeral.DeathCorrected"), what="DeathCorrected")

    assert ([(s.id, s.role) for s in death.subjects], death.schema_version) == ([(wrong, "deceased")], 1)
    assert [(s.id, s.role) for s in correction.subjects] == [(right, "deceased"), (wrong, "wrongly_recorded")]
    assert (correction.payload["previous_subject"], correction.payload["subject"]) == (wrong, right)
    assert correction.payload["changes"]["id_number"] == {"from": wrong, "to": right}
    assert correction.metadata.actor == "funeral.FH-610502"


def relief_event(event_type: str, subjects: dict[str, str], day: str, **payload) -> NewEvent:
    return NewEvent(type=event_type, occurred_on=dt.date.fromisoformat(day), payload=payload_of(event_type, **payload),
                    subjects=tuple(Subject(id=subject, role=role) for subject, role in subjects.items()),
                    metadata=Metadata(actor="relief.RS-610500", office="RS-610500", correlation_id="relief-corr"))


def test_a_relief_station_death_opens_the_death_record_once_and_its_identification_follows_V8_F6(api, world, today):
    namespace, vhost = world
    station_store = PostgresEventStore(namespace.database("vagrant_aid"))
    relay = OutboxRelay(namespace.database("vagrant_aid"), "vagrant_aid", vhost)
    temporary, case_id, person = f"TMP-RS610500-{uuid.uuid4().hex[:6]}", f"case-{uuid.uuid4().hex[:8]}", \
        synthetic_id_number()
    died_on = (today - dt.timedelta(days=2)).isoformat()
    stream = f"case-{case_id}"
    other = f"TMP-RS610500-{uuid.uuid4().hex[:6]}"
    station_store.append(f"case-other-{case_id}", [relief_event(
        "vagrant_aid.PersonExited", {other: "person"}, died_on, case_id=f"other-{case_id}", station="RS-610500",
        kind="self_departure", exited_on=died_on)], 0)
    [exited] = station_store.append(stream, [relief_event(
        "vagrant_aid.PersonExited", {temporary: "person"}, died_on, case_id=case_id, station="RS-610500",
        kind="died", exited_on=died_on, died_on=died_on, place_division="610502", natural=True,
        certificate_no="RS-D-7", issuer="渭南市救助管理站医务室")], 0)
    relay.publish_pending()

    status = wait_until(lambda: (r := api.get(f"/v1/funeral/persons/{temporary}/death", **STAFF).json())
                        ["deceased"] and r, what="the relief-station death registered")
    record = api.get(f"/v1/funeral/deaths/{status['death_id']}", **STAFF).json()
    assert (record["source"], record["relief_case_id"], record["identified"]) == ("relief_station", case_id, False)
    assert record["funeral_home"] == "FH-610502" and record["died_on"] == died_on

    # delivered again (a relay crash republishes): still one death record
    with Connection(vhost) as connection:
        Producer(connection).publish(exited.to_message(), exchange=event_exchange("vagrant_aid"),
                                     routing_key=exited.type, serializer="json")
    station_store.append(stream, [relief_event(
        "vagrant_aid.PersonIdentified", {temporary: "temporary", person: "identified"}, today.isoformat(),
        case_id=case_id, temporary_id=temporary, id_number=person, method="dna", identified_on=today.isoformat())], 1)
    relay.publish_pending()

    identified = wait_until(lambda: (r := api.get(f"/v1/funeral/persons/{person}/death", **STAFF).json())
                            ["deceased"] and r, what="the identification applied")
    assert identified["death_id"] == status["death_id"]
    with namespace.admin("funeral").connection() as conn:
        rows = conn.execute("SELECT event_type, metadata->>'causation_id' FROM events WHERE stream_id = %s"
                            " ORDER BY stream_version", (f"death-{status['death_id']}",)).fetchall()
    assert [row[0] for row in rows] == ["funeral.DeathRegistered", "funeral.BodyIdentified"]
    assert rows[0][1] == str(exited.event_id)
