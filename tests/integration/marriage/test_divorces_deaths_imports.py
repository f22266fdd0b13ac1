"""Divorce by agreement across its weeks (M-8, the clock set by the test, the scheduled check deeming lapsed
applications withdrawn), deaths from the funeral store (M-11), the historical import (M-12) and
appointments (M-13), on the real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.marriage.application.marriage import Marriage
from services.marriage.domain import events as ev
from shared.envelope import Metadata, NewEvent, Subject
from shared.errors import Refusal
from shared.nameko_ext.context import Correlation
from tests.integration.marriage.conftest import CLERK, OTHER_CLERK, REGISTRAR
from tests.integration.marriage.helpers import counts, couple, days, events_of, refusal_of, registration, reviews
from tests.support.event_samples import payload_of
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

AGREEMENT = {"children": "none", "property": "split equally", "debts": "none"}


def married_couple(marriage, registered_on: str = "2025-06-01") -> tuple[str, str, str]:
    man, woman = couple()
    body = registration(man, woman, registered_on=registered_on)
    return man, woman, marriage.register_marriage(body, CLERK, None)["registration_id"]


def apply(marriage, registration_id: str) -> dict:
    return marriage.apply_for_divorce({"office": "MR-610502", "registration_id": registration_id,
                                       "agreement": AGREEMENT}, CLERK, None)


# -- M-8 ------------------------------------------------------------------------------------------------------
def test_a_divorce_is_registered_after_the_cooling_off_within_the_window_and_only_then_ends_the_marriage_M8(
        marriage, clock):
    man, woman, registration_id = married_couple(marriage)
    applied = apply(marriage, registration_id)
    assert (applied["withdraw_until"], applied["register_from"], applied["register_until"]) == (
        "2025-07-16", "2025-07-17", "2025-08-15")
    assert marriage.person_status(man)["marital_status"] == "married"
    assert refusal_of(lambda: apply(marriage, registration_id)).code == "divorce_pending"

    clock.today = dt.date(2025, 7, 16)
    cooling = refusal_of(lambda: marriage.register_divorce(applied["divorce_id"], {}, CLERK, None))
    assert (cooling.code, cooling.status) == ("cooling_off", 409)
    assert refusal_of(lambda: marriage.register_divorce(applied["divorce_id"], {}, OTHER_CLERK, None)).status == 403

    clock.today = dt.date(2025, 7, 17)
    registered = marriage.register_divorce(applied["divorce_id"], {}, CLERK, None)

    assert [c["number"] for c in registered["certificates"]] == ["L610502-2025-000001"] * 2  # K-3, K-4
    assert marriage.person_status(woman)["marital_status"] == "divorced"
    assert marriage.person_status(woman, "2025-07-16")["marital_status"] == "married"
    assert marriage.divorce(applied["divorce_id"])["status"] == "registered"
    assert marriage.register_marriage(registration(man, couple()[1]), CLERK, None)["registration_id"]


def test_a_withdrawn_application_cannot_be_registered_M8(marriage, clock):
    man, _, registration_id = married_couple(marriage)
    applied = apply(marriage, registration_id)
    clock.today = dt.date(2025, 6, 20)

    marriage.withdraw_divorce(applied["divorce_id"], {"by_id_number": man}, CLERK, None)

    clock.today = dt.date(2025, 7, 20)
    assert refusal_of(lambda: marriage.register_divorce(applied["divorce_id"], {}, CLERK, None)).code == (
        "divorce_withdrawn")
    assert apply(marriage, registration_id)["divorce_id"]  # a new application may follow


def test_the_scheduled_check_deems_lapsed_applications_withdrawn_once_with_nobodys_action_M8(
        marriage, store, clock, admin_db):
    _, woman, registration_id = married_couple(marriage)
    applied = apply(marriage, registration_id)
    clock.today = dt.date(2025, 8, 15)
    marriage.deem_lapsed_divorces_withdrawn()
    assert marriage.divorce(applied["divorce_id"])["status"] == "pending"

    clock.today = dt.date(2025, 8, 16)
    # two service instances running the check at once record it once
    workers = [Marriage(store, Correlation(f"check-{n}", None, None), clock) for n in range(2)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda w: w.deem_lapsed_divorces_withdrawn(), workers))

    assert marriage.divorce(applied["divorce_id"])["status"] == "deemed_withdrawn"
    assert events_of(admin_db, "marriage.DivorceDeemedWithdrawn", woman) == 1
    lapsed = refusal_of(lambda: marriage.register_divorce(applied["divorce_id"], {"registered_on": "2025-08-15"},
                                                          REGISTRAR, None))
    assert (lapsed.code, lapsed.status) == ("application_lapsed", 409)
    assert marriage.person_status(woman)["marital_status"] == "married"


# -- M-11 -----------------------------------------------------------------------------------------------------
def funeral_event(funeral_store, event_type: str, subjects, payload, occurred_on: dt.date):
    death_id = payload["death_id"]
    stream = f"death-{death_id}"
    new = NewEvent(type=event_type, occurred_on=occurred_on, subjects=tuple(Subject(id=s, role=r) for s, r in subjects),
                   payload=payload_of(event_type, **payload), metadata=Metadata(actor="funeral.FH-610502"))
    [event] = funeral_store.append(stream, [new], None)
    return event


def died(funeral_store, person: str, died_on: dt.date, death_id: str | None = None):
    death_id = death_id or str(uuid.uuid4())
    return funeral_event(funeral_store, "funeral.DeathRegistered", [(person, "deceased")], {
        "death_id": death_id, "died_on": died_on.isoformat(), "place_division": "610502", "natural": True,
        "certificate_no": "F1", "issuer": "医院", "funeral_home": "FH-610502", "identified": True,
        "source": "funeral_home"}, died_on)


def deliver(marriage, store, event) -> None:
    with store.db.transaction() as tx:
        marriage.react_to_funeral(event, tx)


def test_a_spouses_death_widows_the_survivor_closes_a_pending_divorce_and_bars_the_deceased_M11(
        marriage, store, funeral_store, admin_db):
    man, woman, registration_id = married_couple(marriage)
    applied = apply(marriage, registration_id)
    death = died(funeral_store, man, dt.date(2025, 6, 15))

    deliver(marriage, store, death)
    deliver(marriage, store, death)  # delivered twice, applied once

    assert marriage.registration(registration_id)["status"] == "widowed"
    assert marriage.person_status(woman)["marital_status"] == "widowed"
    assert marriage.person_status(woman, "2025-06-14")["marital_status"] == "married"
    assert marriage.divorce(applied["divorce_id"])["status"] == "closed"
    assert events_of(admin_db, "marriage.MarriageEndedByDeath", woman) == 1
    refused = refusal_of(lambda: marriage.register_marriage(registration(man, couple()[1]), CLERK, None))
    assert (refused.code, refused.status) == ("deceased", 409)


def test_a_marriage_registered_after_the_date_of_death_is_flagged_for_review_M11(marriage, store, funeral_store):
    man, woman, registration_id = married_couple(marriage, "2025-06-10")

    deliver(marriage, store, died(funeral_store, woman, dt.date(2025, 6, 1)))

    view = marriage.registration(registration_id)
    assert (view["status"], view["flags"]) == ("married", ["registered_after_death"])
    listed = reviews(marriage)[registration_id]  # in the registrar's review list, though registered here
    assert (listed["review"], listed["imported"], listed["status"]) == (["registered_after_death"], False, "married")


def test_a_death_corrected_to_another_person_revives_the_marriage_unless_the_survivor_remarried_M11(
        marriage, store, funeral_store):
    man, woman, registration_id = married_couple(marriage)
    other_man, other_woman, other_registration = married_couple(marriage)
    death_id = str(uuid.uuid4())
    deliver(marriage, store, died(funeral_store, man, dt.date(2025, 6, 10), death_id))
    wrong_too = str(uuid.uuid4())
    deliver(marriage, store, died(funeral_store, other_man, dt.date(2025, 6, 10), wrong_too))
    marriage.register_marriage(registration(couple()[0], other_woman), CLERK, None)  # the widow remarries
    right_person = synthetic_id_number()

    for wrong, death in ((man, death_id), (other_man, wrong_too)):
        correction = funeral_event(funeral_store, "funeral.DeathCorrected",
                                   [(right_person if wrong == man else synthetic_id_number(), "deceased"),
                                    (wrong, "wrongly_recorded")],
                                   {"death_id": death, "reason": "wrong person", "changes": {},
                                    "previous_subject": wrong,
                                    "subject": right_person if wrong == man else synthetic_id_number(),
                                    "died_on": "2025-06-10"}, dt.date(2025, 6, 16))
        deliver(marriage, store, correction)

    assert marriage.registration(registration_id)["status"] == "married"
    assert marriage.person_status(woman)["marital_status"] == "married"
    assert marriage.registration(other_registration)["status"] == "widowed"  # the survivor remarried
    assert refusal_of(lambda: marriage.register_marriage(registration(man, couple()[1]), CLERK, None)).code == (
        "already_married")  # alive, and married again by the revival


def test_a_corrected_date_of_death_moves_the_end_of_the_marriage_it_ended_M11(marriage, store, funeral_store):
    man, woman, registration_id = married_couple(marriage)
    death_id = str(uuid.uuid4())
    deliver(marriage, store, died(funeral_store, man, dt.date(2025, 6, 10), death_id))

    deliver(marriage, store, funeral_event(funeral_store, "funeral.DeathCorrected", [(man, "deceased")], {
        "death_id": death_id, "reason": "date misread", "changes": {"died_on": {"from": "2025-06-10",
                                                                                "to": "2025-06-12"}},
        "previous_subject": man, "subject": man, "died_on": "2025-06-12"}, dt.date(2025, 6, 16)))

    assert marriage.person_status(woman, "2025-06-11")["marital_status"] == "married"
    assert marriage.person_status(woman)["since"] == "2025-06-12"
    assert marriage.registration(registration_id)["ended_on"] == "2025-06-12"


def test_an_identified_body_is_a_death_of_the_identified_person_M11(marriage, store, funeral_store):
    man, woman, registration_id = married_couple(marriage)
    death_id = str(uuid.uuid4())
    identified = funeral_event(funeral_store, "funeral.BodyIdentified",
                               [("TMP-FH610502-000017", "temporary"), (woman, "identified")],
                               {"death_id": death_id, "temporary_id": "TMP-FH610502-000017", "id_number": woman,
                                "identified_on": "2025-06-16", "method": "dna", "died_on": "2025-06-02"},
                               dt.date(2025, 6, 16))

    deliver(marriage, store, identified)

    assert marriage.person_status(man)["marital_status"] == "widowed"


# -- M-12 -----------------------------------------------------------------------------------------------------
def paper(ref: str, husband: str, wife: str, numbers: tuple[str, str], on: str = "1998-05-01") -> dict:
    return {"record_ref": ref, "registered_on": on, "office": "MR-610521", "husband_id_number": husband,
            "husband_name": "王大明", "husband_certificate": numbers[0], "wife_id_number": wife,
            "wife_name": "李大红", "wife_certificate": numbers[1]}


def test_an_import_reports_every_record_and_takes_part_in_monogamy_from_then_on_M12(marriage, admin_db):
    man, woman = couple()
    first_generation = "610502650101011"
    tag = uuid.uuid4().hex[:8]
    records = [paper("A", man, woman, (f"WL{tag}-1", f"WL{tag}-2")),
               paper("B", man, couple()[1], (f"WL{tag}-3", f"WL{tag}-4")),
               paper("C", "610502199001010012", woman, ("x", "y")),
               paper("D", first_generation, couple()[1], (f"WL{tag}-5", f"WL{tag}-6")),
               {"record_ref": "E", "registered_on": "not a date"}]

    result = marriage.import_historical_records(records, REGISTRAR)

    assert [(r["record_ref"], r["status"]) for r in result["results"]] == [
        ("A", "imported"), ("B", "conflict"), ("C", "invalid"), ("D", "imported"), ("E", "invalid")]
    assert result["results"][1]["code"] == "twice_married_in_import"
    assert (result["imported"], result["conflict"], result["invalid"]) == (2, 1, 2)
    with admin_db.connection() as conn:
        assert conn.execute("SELECT reason FROM import_conflicts WHERE batch_id = %s",
                            (result["batch_id"],)).fetchall() == [("twice_married_in_import",)]
        assert conn.execute("SELECT imported FROM marriages WHERE registration_id = %s",
                            (result["results"][0]["registration_id"],)).fetchone() == (True,)
    assert marriage.person_status("610502196501010110")["marital_status"] == "married"  # its 18-digit form
    assert marriage.person_status(first_generation)["marital_status"] == "married"
    assert refusal_of(lambda: marriage.register_marriage(registration(man, couple()[1]), CLERK, None)).code == (
        "already_married")

    before = counts(admin_db)
    again = marriage.import_historical_records(records, REGISTRAR)
    assert [r["status"] for r in again["results"]] == ["already_imported", "conflict", "invalid", "already_imported",
                                                       "invalid"]
    assert counts(admin_db) == before


def test_a_batch_sent_again_with_its_keys_in_another_order_writes_nothing_twice_M12(marriage, admin_db):
    """The batch id is the JSON of the records as sent (application/imports.py, `batch_id_of`): the same records
    with their keys in another order are another batch, and still nothing is written again — the imported record
    is found, the conflict reported and not recorded a second time."""
    man, woman = couple()
    tag = uuid.uuid4().hex[:8]
    records = [paper("A", man, woman, (f"WK{tag}-1", f"WK{tag}-2")),
               paper("B", man, couple()[1], (f"WK{tag}-3", f"WK{tag}-4"))]
    first = marriage.import_historical_records(records, REGISTRAR)
    assert [r["status"] for r in first["results"]] == ["imported", "conflict"]

    before = counts(admin_db)
    recorded = events_of(admin_db, ev.HISTORICAL_RECORD_CONFLICTED, man)
    reordered = [dict(reversed(record.items())) for record in records]
    again = marriage.import_historical_records(reordered, REGISTRAR)

    assert again["batch_id"] != first["batch_id"]
    assert [r["status"] for r in again["results"]] == ["already_imported", "conflict"]
    assert counts(admin_db) == before
    assert events_of(admin_db, ev.HISTORICAL_RECORD_CONFLICTED, man) == recorded == 1


def test_an_imported_marriage_of_a_person_known_to_be_dead_ends_on_the_date_of_death_M11_M12(
        marriage, store, funeral_store):
    man, woman = couple()
    deliver(marriage, store, died(funeral_store, man, dt.date(2010, 3, 1)))
    tag = uuid.uuid4().hex[:8]

    result = marriage.import_historical_records([paper("W", man, woman, (f"D{tag}1", f"D{tag}2"))], REGISTRAR)

    registration_id = result["results"][0]["registration_id"]
    assert marriage.registration(registration_id)["status"] == "widowed"
    assert marriage.person_status(woman)["marital_status"] == "widowed"
    assert marriage.person_status(woman, "2009-12-31")["marital_status"] == "married"
    assert marriage.register_marriage(registration(couple()[0], woman), CLERK, None)["registration_id"]


# -- M-13 -----------------------------------------------------------------------------------------------------
def test_a_slot_takes_no_more_bookings_than_its_capacity_even_at_once_M13(store, clock):
    app = Marriage(store, Correlation("slots", None, None), clock)
    day = (clock.today + days(5)).isoformat()

    def book(n: int) -> str:
        try:
            app.book_appointment({"office": "MR-610503", "date": day, "kind": "divorce",
                                  "id_numbers": [couple()[0]]}, {"name": "clerk.MR-610503",
                                                                 "role": "marriage_clerk", "office": "MR-610503"},
                                 None)
            return "booked"
        except Refusal as refused:
            return refused.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(book, range(24)))

    assert (outcomes.count("booked"), outcomes.count("slot_full")) == (20, 4)


def test_a_cancelled_booking_frees_its_place_and_a_no_show_is_recorded_M13(marriage, clock):
    body = {"office": "MR-610502", "date": clock.today.isoformat(), "kind": "marriage", "id_numbers": list(couple())}
    booked = marriage.book_appointment(body, CLERK, None)

    cancelled = marriage.cancel_appointment(booked["appointment_id"], {}, CLERK, None)
    assert cancelled["status"] == "cancelled"
    second = marriage.book_appointment(body, CLERK, None)
    assert marriage.record_no_show(second["appointment_id"], {}, CLERK, None)["status"] == "missed"
    assert refusal_of(lambda: marriage.cancel_appointment(second["appointment_id"], {}, CLERK, None)).code == (
        "appointment_missed")
