"""The relief loop on the real PostgreSQL: a minor's relief case ending closes the referral (and no transfer
follows three months later), an identification showing an adult cancels it, each reaction applied twice is
written once, and a referral arriving after its case's end opens and closes at once (order-tolerant)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from shared.envelope import Metadata, NewEvent, Subject
from tests.integration.child_welfare.test_child_welfare_application import react
from tests.support.event_samples import payload_of
from tests.support.synthetic_ids import id_number_of

pytestmark = pytest.mark.integration


def relief(station_store, case_id, event_type, subjects, on, **payload):
    """A vagrant_aid event in the case's stream, as the relief service would have stored it."""
    stream = f"case-{case_id}"
    version = len(station_store.read_stream(stream))
    [event] = station_store.append(stream, [NewEvent(
        type=event_type, occurred_on=on, subjects=tuple(Subject(id=i, role=r) for i, r in subjects),
        payload=payload_of(event_type, case_id=case_id, station="RS-610500", **payload),
        metadata=Metadata(actor="relief.RS-610500", office="RS-610500"))], version)
    return event


def referred(station_store, subject, case_id, on="2025-03-01"):
    return relief(station_store, case_id, "vagrant_aid.MinorReferred", [(subject, "child")],
                  dt.date.fromisoformat(on), station_division="610500", referred_on=on, identified=False,
                  estimated_age=9, sex="male", guardianship="temporary_state")


def exited(station_store, subject, case_id, kind, on="2025-03-20", minor=True):
    return relief(station_store, case_id, "vagrant_aid.PersonExited", [(subject, "person")],
                  dt.date.fromisoformat(on), station_division="610500", kind=kind, exited_on=on, identified=False,
                  minor=minor, temporary_id=subject, collected_by="王父" if kind == "collected" else None,
                  relation="father" if kind == "collected" else None)


def events_of(store, child_id):
    return [event.type for event in store.read_stream(f"child-{child_id}")]


def test_V8_a_collected_minors_referral_closes_once_and_is_never_transferred(welfare, store, station_store, clock):
    clock.today = dt.date(2025, 3, 1)
    subject, case_id = f"TMP-RS610500-{uuid.uuid4().hex[:6]}", str(uuid.uuid4())
    react(welfare, store, referred(station_store, subject, case_id))
    child_id = welfare.child(subject)["child_id"]

    clock.today = dt.date(2025, 3, 20)
    react(welfare, store, exited(station_store, subject, case_id, "collected"), times=2)
    file = welfare.child(subject)
    assert (file["status"], file["termination"]["reason"], file["termination"]["effective_on"]) == (
        "terminated", "referral_closed", "2025-03-20")
    closing = [event for event in store.read_stream(f"child-{child_id}")
               if event.type == "child_welfare.SupportTerminated"]
    assert [event.payload["relief_exit"] for event in closing] == ["collected"]  # applied twice, written once

    clock.today = dt.date(2025, 6, 2)
    welfare.run_schedule()
    assert "child_welfare.CarePlacementChanged" not in events_of(store, child_id)
    assert welfare.child(subject)["care"]["institution"] == "minors_protection_centre"


def test_V7_an_identification_showing_an_adult_cancels_the_referral(welfare, store, station_store, clock):
    clock.today = dt.date(2025, 3, 1)
    subject, case_id = f"TMP-RS610500-{uuid.uuid4().hex[:6]}", str(uuid.uuid4())
    react(welfare, store, referred(station_store, subject, case_id))
    adult = id_number_of(dt.date(2000, 2, 2), sequence=uuid.uuid4().int % 400)
    identified = relief(station_store, case_id, "vagrant_aid.PersonIdentified",
                        [(subject, "temporary"), (adult, "identified")], dt.date(2025, 3, 5), temporary_id=subject,
                        id_number=adult, method="police_database", identified_on="2025-03-05", minor=False)
    react(welfare, store, identified, times=2)
    file = welfare.child(subject)
    assert (file["status"], file["termination"]["reason"]) == ("terminated", "referral_cancelled")
    assert file["history"][-1]["payload"]["relief_exit"] == "identified_adult"


def test_V8_a_referral_arriving_after_its_cases_end_opens_and_closes_at_once(welfare, store, station_store, clock):
    clock.today = dt.date(2025, 3, 25)
    subject, case_id = f"TMP-RS610500-{uuid.uuid4().hex[:6]}", str(uuid.uuid4())
    referral = referred(station_store, subject, case_id)
    react(welfare, store, exited(station_store, subject, case_id, "escorted"))  # the exit first
    react(welfare, store, referral)
    file = welfare.child(subject)
    assert (file["status"], file["termination"]["reason"], file["termination"]["effective_on"]) == (
        "terminated", "referral_closed", "2025-03-20")


def test_V8_an_absconded_minors_referral_stays_open(welfare, store, station_store, clock):
    clock.today = dt.date(2025, 3, 25)
    subject, case_id = f"TMP-RS610500-{uuid.uuid4().hex[:6]}", str(uuid.uuid4())
    react(welfare, store, referred(station_store, subject, case_id))
    react(welfare, store, exited(station_store, subject, case_id, "absconded"))
    assert welfare.child(subject)["status"] == "applied"
