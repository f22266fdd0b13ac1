"""A-15 on the real PostgreSQL: an adoption registered by the adoption service ends the adopted orphan's file
as `adopted`, its month the last one paid, state guardianship and care ended; the event applied twice writes
once; an adoption of a child without a file changes nothing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.child_welfare.application.child_welfare import ChildWelfare
from shared.envelope import Metadata, NewEvent, Subject
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from tests.integration.child_welfare.test_child_welfare_application import application, confirmed
from tests.support.clock import Clock
from tests.support.event_samples import payload_of
from tests.support.infrastructure import create_namespace, destroy_namespace
from tests.support.synthetic_ids import id_number_of

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stores():
    created = create_namespace(("child_welfare", "adoption"))
    yield PostgresEventStore(created.database("child_welfare")), PostgresEventStore(created.database("adoption"))
    destroy_namespace(created)


def adopted(adoption_store, child: str, on: dt.date):
    adoption_id = str(uuid.uuid4())
    adopters = [id_number_of(dt.date(1980, 1, 1), sequence=uuid.uuid4().int % 400, sex=s) for s in ("male", "female")]
    [event] = adoption_store.append(f"adoption-{adoption_id}", [NewEvent(
        type="adoption.AdoptionRegistered", occurred_on=on,
        subjects=(Subject(id=child, role="adoptee"), *(Subject(id=a, role="adopter") for a in adopters)),
        payload=payload_of("adoption.AdoptionRegistered", adoption_id=adoption_id, registered_on=on.isoformat(),
                           child={"id_number": child, "name": "王小明"}, sealed=True,
                           adopters=[{"id_number": a, "name": "收养人"} for a in adopters]),
        metadata=Metadata(actor="adoption-registrar.MR-610502", office="MR-610502"))], 0)
    return event


def test_A_15_an_adoption_ends_the_orphans_file_and_its_month_is_the_last_paid(stores):
    store, adoption_store = stores
    clock = Clock(dt.date(2025, 6, 16))
    welfare = ChildWelfare(store, Correlation("it-correlation", None, "tester"), clock)
    child = id_number_of(dt.date(2015, 3, 3), sequence=uuid.uuid4().int % 400)
    child_id = confirmed(welfare, application(child=child))
    clock.today = dt.date(2025, 8, 20)
    event = adopted(adoption_store, child, dt.date(2025, 8, 12))
    for _ in range(2):  # applied twice, written once
        with store.db.transaction() as tx:
            welfare.react(event, tx)

    file = welfare.child(child_id)
    assert (file["status"], file["termination"]) == ("terminated", {"reason": "adopted", "effective_on": "2025-08-12"})
    ended = file["history"][-1]["payload"]
    assert ended["allowance_until"] == "2025-08" and ended["state_guardianship_ended"] is True
    assert [h["type"] for h in file["history"]].count("child_welfare.SupportTerminated") == 1
    months = {m["month"]: m["amount"] for m in welfare.allowances(child_id, "2025-07", "2025-10")["months"]}
    assert months.get("2025-08") not in (None, "0.00")
    assert months.get("2025-09") in (None, "0.00") and months.get("2025-10") in (None, "0.00")


def test_A_15_an_adoption_of_a_child_without_a_file_changes_nothing(stores):
    store, adoption_store = stores
    welfare = ChildWelfare(store, Correlation("it-correlation", None, "tester"), Clock(dt.date(2025, 8, 20)))
    child = id_number_of(dt.date(2019, 3, 3), sequence=uuid.uuid4().int % 400)
    with store.db.connection() as conn:
        before = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with store.db.transaction() as tx:
        welfare.react(adopted(adoption_store, child, dt.date(2025, 8, 12)), tx)
    with store.db.connection() as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == before


def dissolved(adoption_store, registered, child: str, on: dt.date, minor: bool = True):
    adoption_id = registered.payload["adoption_id"]
    [event] = adoption_store.append(f"adoption-{adoption_id}", [NewEvent(
        type="adoption.AdoptionDissolved", occurred_on=on, subjects=(Subject(id=child, role="adoptee"),),
        payload=payload_of("adoption.AdoptionDissolved", adoption_id=adoption_id, by="court",
                           dissolved_on=on.isoformat(), document_ref="(2025)陕0502民初9号", certificates=[],
                           invalidated=[], adoptee_minor=minor, birth_relations_revived=minor, birth_parents=[]),
        metadata=Metadata(actor="adoption-registrar.MR-610502", office="MR-610502"))], 1)
    return event


def test_A_16_a_minors_dissolution_reopens_the_file_the_adoption_ended_for_a_new_assessment(stores):
    store, adoption_store = stores
    clock = Clock(dt.date(2025, 6, 16))
    welfare = ChildWelfare(store, Correlation("it-correlation", None, "tester"), clock)
    child = id_number_of(dt.date(2015, 4, 4), sequence=uuid.uuid4().int % 400)
    child_id = confirmed(welfare, application(child=child))
    clock.today = dt.date(2025, 8, 20)
    registered = adopted(adoption_store, child, dt.date(2025, 8, 12))
    with store.db.transaction() as tx:
        welfare.react(registered, tx)
    clock.today = dt.date(2025, 11, 3)
    event = dissolved(adoption_store, registered, child, dt.date(2025, 11, 1))
    for _ in range(2):  # applied twice, written once
        with store.db.transaction() as tx:
            welfare.react(event, tx)
    file = welfare.child(child_id)
    reopened = [h for h in file["history"] if h["type"] == "child_welfare.FileReopened"]
    assert len(reopened) == 1 and file["status"] != "terminated"
    assert reopened[0]["payload"]["reopened_on"] == "2025-11-01"
    assert reopened[0]["payload"]["termination_reason"] == "adopted"
