"""The child welfare application on the real PostgreSQL: one file per child under concurrency (C-2), refusals
writing nothing, idempotent retries, the procedure and the ledger (C-3, C-5) with payroll and standards, the
reactions to deaths and their corrections (arrears), relief referrals, and the schedule (C-6)."""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.envelope import Metadata, NewEvent, Subject
from shared.errors import Refusal
from tests.support.event_samples import payload_of
from tests.support.synthetic_ids import id_number_of, synthetic_id_number

pytestmark = pytest.mark.integration

OFFICER = {"name": "child-welfare.city", "role": "child_welfare_officer", "office": None}
ADMIN = {"name": "admin.city", "role": "admin", "office": None}
TOWNSHIP = {"name": "township.610502001", "role": "township_officer", "office": None, "township": "610502001"}


def application(child=None, father=None, mother=None, applied_on="2025-06-06", **changes):
    child = child or id_number_of(dt.date(2014, 1, 1) + dt.timedelta(days=uuid.uuid4().int % 3000),
                                  sequence=uuid.uuid4().int % 400)
    body = {
        "child": {"id_number": child, "name": "王小明", "household_division": "610502"},
        "parents": [father or {"name": "王父", "condition": "deceased", "condition_since": "2023-01-05",
                               "evidence_ref": "D-1", "id_number": synthetic_id_number()},
                    mother or {"name": "李母", "condition": "deceased", "condition_since": "2024-02-01",
                               "evidence_ref": "D-2", "id_number": synthetic_id_number(sex="female")}],
        "guardian": {"name": "王大爷", "relation": "grandfather"}, "care": "dispersed", "applied_on": applied_on,
        **changes,
    }
    return body


def counts(admin_db) -> tuple[int, ...]:
    with admin_db.connection() as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("events", "child_files", "child_subjects", "parent_children", "allowance_spans"))


def refusal_of(action) -> Refusal:
    with pytest.raises(Refusal) as refused:
        action()
    return refused.value


def confirmed(welfare, body=None, checked_on="2025-06-09", decided_on="2025-06-12", category="orphan",
              actor=OFFICER) -> str:
    opened = welfare.open_file(body or application(), actor, None)
    child_id = opened["child_id"]
    welfare.record_township_check(child_id, {"outcome": "passed", "checked_on": checked_on}, TOWNSHIP, None)
    welfare.decide(child_id, {"outcome": "confirmed", "category": category, "decided_on": decided_on}, actor, None)
    return child_id


# -- C-2 ----------------------------------------------------------------------------------------------------------
def test_opening_a_file_appends_its_event_and_fills_the_read_models_C2(welfare, store, admin_db):
    body = application()
    result = welfare.open_file(body, OFFICER, None)

    [event] = store.read_stream(f"child-{result['child_id']}")
    assert (event.type, event.subjects[0].id, event.metadata.actor) == (
        "child_welfare.ChildFileOpened", body["child"]["id_number"], "child-welfare.city")
    seen = welfare.child(body["child"]["id_number"])  # addressed by the child's ID number too
    assert (seen["child_id"], seen["status"], seen["version"]) == (result["child_id"], "applied", 1)
    assert [p["condition"] for p in seen["parents"]] == ["deceased", "deceased"]


def test_an_admin_opens_no_file_and_records_nothing_and_nothing_is_written_separation_of_duties(welfare, admin_db):
    """Issue 12: an admin sets the standards (reference data) and records no child welfare business."""
    opened = welfare.open_file(application(), OFFICER, None)
    before = counts(admin_db)

    for refused in (lambda: welfare.open_file(application(), ADMIN, None),
                    lambda: welfare.record_visit(opened["child_id"], {"findings": "well"}, ADMIN, None),
                    lambda: welfare.terminate(opened["child_id"], {"reason": "adoption", "effective_on": "2025-06-10"},
                                              ADMIN, None)):
        assert (refusal_of(refused).code, refusal_of(refused).status) == ("forbidden_role", 403)
    assert counts(admin_db) == before


def test_a_second_file_for_the_same_child_is_refused_and_writes_nothing_C2(welfare, admin_db):
    body = application()
    welfare.open_file(body, OFFICER, None)
    before = counts(admin_db)

    refused = refusal_of(lambda: welfare.open_file(application(child=body["child"]["id_number"]), OFFICER, None))

    assert (refused.code, refused.status) == ("file_exists", 409)
    assert counts(admin_db) == before


def test_two_officers_opening_a_file_for_the_same_child_at_once_exactly_one_succeeds_C2(welfare, admin_db):
    child = id_number_of(dt.date(2016, 8, 8), sequence=(uuid.uuid4().int % 400))
    before = counts(admin_db)

    def open_one(n: int):
        try:
            return welfare.open_file(application(child=child), OFFICER, f"race-{child}-{n}")
        except Refusal as refusal:
            return refusal

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(open_one, range(8)))

    winners = [o for o in outcomes if isinstance(o, dict)]
    losers = [o for o in outcomes if isinstance(o, Refusal)]
    assert len(winners) == 1 and len(losers) == 7
    assert {(r.code, r.status) for r in losers} == {("file_exists", 409)}
    assert counts(admin_db)[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_hostile_and_invalid_input_is_refused_and_writes_nothing(welfare, admin_db):
    before = counts(admin_db)
    bad = [
        application(child="610502199001010012"),
        {**application(), "care": "institution"},
        {**application(), "guardian": {"name": "x" * 10_000, "relation": "uncle"}},
        {**application(), "guardian": {"name": "'; DROP TABLE events; --\x00", "relation": "uncle"}},
        {**application(), "applied_on": "2025-02-30"},
        {**application(), "applied_on": "2025-07-01"},
        {**application(), "parents": []},
        {**application(), "unknown": 1},
        "not an object",
    ]
    codes = [refusal_of(lambda body=body: welfare.open_file(body, OFFICER, None)).code for body in bad]
    assert codes == ["invalid_id_number", "institution_required", "validation_failed", "validation_failed",
                     "validation_failed", "business_date_in_future", "validation_failed", "validation_failed",
                     "validation_failed"]
    assert refusal_of(lambda: welfare.child("1' OR '1'='1")).code == "not_found"
    assert refusal_of(lambda: welfare.payroll("2025-13")).code == "invalid_query"
    assert counts(admin_db) == before


def test_a_command_retried_with_its_idempotency_key_writes_once_and_answers_the_same(welfare, admin_db):
    body = application()
    first = welfare.open_file(body, OFFICER, "retry-1")
    before = counts(admin_db)
    assert welfare.open_file(body, OFFICER, "retry-1") == first
    assert counts(admin_db) == before


# -- C-3, C-5 -------------------------------------------------------------------------------------------------
def test_decision_before_the_township_check_is_a_conflict_and_the_sequence_confirms_C3(welfare):
    child_id = welfare.open_file(application(), OFFICER, None)["child_id"]
    refused = refusal_of(lambda: welfare.decide(child_id, {"outcome": "confirmed", "category": "orphan"}, OFFICER,
                                                None))
    assert (refused.code, refused.status) == ("township_check_missing", 409)
    welfare.record_township_check(child_id, {"outcome": "passed"}, TOWNSHIP, None)
    result = welfare.decide(child_id, {"outcome": "confirmed", "category": "orphan"}, OFFICER, None)
    assert result["events"] == ["child_welfare.EligibilityConfirmed"]


def test_allowances_and_the_payroll_follow_the_ledger_and_standards_set_by_admins_C5(welfare, clock, admin_db):
    child_id = confirmed(welfare)
    ledger = welfare.allowances(child_id, "2025-06", "2025-08")
    assert [(m["month"], m["amount"]) for m in ledger["months"]] == [
        ("2025-06", "0.00"), ("2025-07", "1200.00"), ("2025-08", "1200.00")]
    assert ledger["total"] == "2400.00" and ledger["months"][1]["basis"]["category"] == "orphan"

    july = welfare.payroll("2025-07")
    mine = [p for p in july["payments"] if p["child_id"] == child_id]
    assert mine == [{"child_id": child_id, "subject_id": mine[0]["subject_id"], "category": "orphan",
                     "care": "dispersed", "amount": "1200.00", "standard": "1200.00"}]

    assert refusal_of(lambda: welfare.set_standard({"category": "orphan", "care": "dispersed",
                                                    "from_month": "2025-08", "amount": "1300"}, OFFICER, None)).code \
        == "forbidden"
    welfare.set_standard({"category": "orphan", "care": "dispersed", "from_month": "2025-08", "amount": "1300"},
                         ADMIN, None)
    after = welfare.allowances(child_id, "2025-07", "2025-08")["months"]
    assert [(m["amount"], m["basis"]["standard"]["source"]) for m in after] == [
        ("1200.00", "rule_parameters"), ("1300.00", "standard_set")]
    assert [p["amount"] for p in welfare.payroll("2025-08")["payments"] if p["child_id"] == child_id] == ["1300.00"]


def test_the_payroll_total_is_the_sum_of_its_payments_and_adjustments_C5(welfare):
    confirmed(welfare)
    july = welfare.payroll("2025-07")
    assert july["count"] == len(july["payments"]) >= 1
    total = sum(float(p["amount"]) for p in july["payments"]) + sum(float(a["amount"]) for a in july["adjustments"])
    assert float(july["total"]) == pytest.approx(total)


# -- reactions ----------------------------------------------------------------------------------------------------
def funeral_event(funeral_store, event_type, subjects, payload, occurred_on):
    death_id = payload["death_id"]
    version = funeral_store.stream_version(f"death-{death_id}")
    [event] = funeral_store.append(f"death-{death_id}", [NewEvent(
        type=event_type, occurred_on=occurred_on, subjects=tuple(Subject(id=i, role=r) for i, r in subjects),
        payload=payload_of(event_type, **payload),
        metadata=Metadata(actor="funeral.FH-610502", office="FH-610502"))], version)
    return event


def react(welfare, store, event, times=1):
    for _ in range(times):
        with store.db.transaction() as tx:
            welfare.react(event, tx)


def test_a_parents_death_reclassifies_and_its_correction_records_arrears_C5_C6(welfare, store, funeral_store,
                                                                               clock, admin_db):
    """Institutional care, de facto unattended (father dead, mother imprisoned); the mother dies → orphan on the
    institutional standard; the funeral service moves her date of death two months back → arrears."""
    mother = synthetic_id_number(sex="female")
    clock.today = dt.date(2025, 1, 20)
    body = application(applied_on="2025-01-06", care="institution", institution="welfare_institution",
                       mother={"name": "李母", "condition": "imprisoned", "condition_since": "2023-01-01",
                               "ends_on": "2030-01-01", "evidence_ref": "J-1", "id_number": mother})
    child_id = confirmed(welfare, body, checked_on="2025-01-10", decided_on="2025-01-15",
                         category="de_facto_unattended")
    death_id = str(uuid.uuid4())
    clock.today = dt.date(2025, 4, 14)
    died = funeral_event(funeral_store, "funeral.DeathRegistered", [(mother, "deceased")],
                         {"death_id": death_id, "died_on": "2025-04-10", "identified": True, "natural": True},
                         dt.date(2025, 4, 10))
    react(welfare, store, died, times=2)  # applied twice, written once

    file = welfare.child(child_id)
    assert file["category"] == "orphan"
    types = [h["type"] for h in file["history"]]
    assert types[-2:] == ["child_welfare.ParentConditionChanged", "child_welfare.ChildReclassified"]
    assert [m["amount"] for m in welfare.allowances(child_id, "2025-02", "2025-05")["months"]] == [
        "1200.00", "1200.00", "1200.00", "1800.00"]

    clock.today = dt.date(2025, 6, 16)
    corrected = funeral_event(funeral_store, "funeral.DeathCorrected", [(mother, "deceased")],
                              {"death_id": death_id, "reason": "wrong date", "changes": {
                                  "died_on": {"from": "2025-04-10", "to": "2025-02-10"}},
                               "previous_subject": mother, "subject": mother, "died_on": "2025-02-10"},
                              dt.date(2025, 6, 16))
    react(welfare, store, corrected, times=2)

    ledger = welfare.allowances(child_id, "2025-02", "2025-06")
    assert [m["amount"] for m in ledger["months"]] == ["1200.00", "1800.00", "1800.00", "1800.00", "1800.00"]
    [adjustment] = ledger["adjustments"]
    assert [(m["month"], m["difference"]) for m in adjustment["months"]] == [("2025-03", "600.00"),
                                                                             ("2025-04", "600.00")]
    assert adjustment["total"] == "1200.00"
    june = welfare.payroll("2025-06")
    assert [a["amount"] for a in june["adjustments"] if a["child_id"] == child_id] == ["1200.00"]


def test_the_childs_own_death_terminates_support_C6(welfare, store, funeral_store, clock):
    child = id_number_of(dt.date(2013, 5, 5), sequence=uuid.uuid4().int % 400)
    child_id = confirmed(welfare, application(child=child))
    died = funeral_event(funeral_store, "funeral.DeathRegistered", [(child, "deceased")],
                         {"death_id": str(uuid.uuid4()), "died_on": "2025-06-15", "identified": True},
                         dt.date(2025, 6, 15))
    react(welfare, store, died)
    file = welfare.child(child_id)
    assert (file["status"], file["termination"]) == ("terminated", {"reason": "death", "effective_on": "2025-06-15"})


def test_a_referred_minor_gets_a_file_is_identified_and_an_unidentified_one_is_transferred(welfare, store,
                                                                                          station_store, clock):
    def relief(event_type, subjects, payload, on):
        [event] = station_store.append(f"case-{uuid.uuid4()}", [NewEvent(
            type=event_type, occurred_on=on, subjects=tuple(Subject(id=i, role=r) for i, r in subjects),
            payload=payload_of(event_type, **payload),
            metadata=Metadata(actor="relief.RS-610500", office="RS-610500"))], 0)
        return event

    clock.today = dt.date(2025, 3, 1)
    found, lost = (f"TMP-RS610500-{uuid.uuid4().hex[:6]}" for _ in range(2))
    for subject in (found, lost):
        referred = relief("vagrant_aid.MinorReferred", [(subject, "child")],
                          {"case_id": "c-" + subject[-6:], "station": "RS-610500", "station_division": "610500",
                           "referred_on": "2025-03-01", "identified": False, "estimated_age": 9, "sex": "male",
                           "guardianship": "temporary_state"}, dt.date(2025, 3, 1))
        react(welfare, store, referred, times=2)
    file = welfare.child(found)
    assert (file["source"], file["care"]["institution"], file["guardian"]["relation"]) == (
        "relief_referral", "minors_protection_centre", "temporary_state")

    id_number = id_number_of(dt.date(2016, 2, 2), sequence=uuid.uuid4().int % 400)
    identified = relief("vagrant_aid.PersonIdentified", [(found, "temporary"), (id_number, "identified")],
                        {"case_id": "c-1", "temporary_id": found, "id_number": id_number, "method": "dna",
                         "identified_on": "2025-04-01", "minor": True}, dt.date(2025, 4, 1))
    react(welfare, store, identified)
    assert welfare.child(id_number)["child_id"] == file["child_id"] == welfare.child(found)["child_id"]

    clock.today = dt.date(2025, 6, 2)
    done = welfare.run_schedule()
    assert done["transferred_unidentified"] >= 1
    moved = welfare.child(lost)
    assert (moved["care"]["institution"], moved["history"][-1]["payload"]["transfer"]) == ("welfare_institution",
                                                                                           True)
    assert welfare.child(id_number)["care"]["institution"] == "minors_protection_centre"  # identified: stays
    assert welfare.run_schedule()["transferred_unidentified"] == 0  # once


def test_the_schedule_terminates_on_the_18th_birthday_and_tasks_list_what_is_due_C3_C6_C7(welfare, clock):
    nearly = id_number_of(dt.date(2007, 7, 1), sequence=uuid.uuid4().int % 400)
    child_id = confirmed(welfare, application(child=nearly))
    waiting = welfare.open_file(application(), OFFICER, None)["child_id"]

    tasks = welfare.tasks("2025-06-16")
    assert child_id in [t["child_id"] for t in tasks["turning_18"]]
    assert waiting not in [t["child_id"] for t in tasks["overdue_checks"]]
    later = welfare.tasks("2025-06-28")  # 15 working days after 2025-06-06
    assert waiting in [t["child_id"] for t in later["overdue_checks"]]
    assert child_id in [t["child_id"] for t in welfare.tasks("2025-09-13")["overdue_visits"]]

    served = welfare.open_file(application(mother={"name": "李母", "condition": "imprisoned",
                                                   "condition_since": "2023-01-01", "ends_on": "2025-06-30",
                                                   "evidence_ref": "J-9"}), OFFICER, None)["child_id"]
    welfare.record_township_check(served, {"outcome": "passed", "checked_on": "2025-06-09"}, TOWNSHIP, None)
    welfare.decide(served, {"outcome": "confirmed", "category": "de_facto_unattended", "decided_on": "2025-06-12"},
                   OFFICER, None)

    clock.today = dt.date(2025, 7, 2)
    done = welfare.run_schedule()
    assert done["terminated_adults"] >= 1 and done["terminated_lapsed"] >= 1
    assert welfare.child(served)["termination"] == {"reason": "parent_condition_ended", "effective_on": "2025-07-01"}
    assert welfare.child(child_id)["termination"] == {"reason": "adult", "effective_on": "2025-07-01"}
    assert [m["amount"] for m in welfare.allowances(child_id, "2025-07", "2025-08")["months"]] == ["1200.00", "0.00"]


def test_two_placements_with_one_foster_carer_at_once_never_exceed_two_children_C4(welfare, admin_db):
    carer = id_number_of(dt.date(1980, 3, 3), sequence=uuid.uuid4().int % 400, sex="female")
    children = [confirmed(welfare) for _ in range(4)]

    def place(child_id):
        try:
            return welfare.change_placement(child_id, {"care": "foster", "carer": {"id_number": carer, "name": "赵姨"}},
                                            OFFICER, None)
        except Refusal as refusal:
            return refusal

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(place, children))
    assert sum(isinstance(o, dict) for o in outcomes) == 2
    assert {o.code for o in outcomes if isinstance(o, Refusal)} == {"foster_carer_full"}


def test_a_death_moved_to_another_person_is_undone_for_the_wrong_parent_F7_C6(welfare, store, funeral_store,
                                                                             clock):
    """A mother wrongly recorded dead (her child reclassified orphan) is alive again when the funeral service
    moves the death to the right person: the condition is withdrawn and the child is de facto unattended again;
    an identified body's death (BodyIdentified) reaches the right parent."""
    mother, stranger = synthetic_id_number(sex="female"), synthetic_id_number()
    clock.today = dt.date(2025, 6, 16)
    body = application(mother={"name": "李母", "condition": "serious_illness", "condition_since": "2023-01-01",
                               "evidence_ref": "M-1", "id_number": mother})
    child_id = confirmed(welfare, body, category="de_facto_unattended")
    death_id = str(uuid.uuid4())
    died = funeral_event(funeral_store, "funeral.DeathRegistered", [(mother, "deceased")],
                         {"death_id": death_id, "died_on": "2025-06-14", "identified": True}, dt.date(2025, 6, 14))
    react(welfare, store, died)
    assert welfare.child(child_id)["category"] == "orphan"

    moved = funeral_event(funeral_store, "funeral.DeathCorrected",
                          [(stranger, "deceased"), (mother, "wrongly_recorded")],
                          {"death_id": death_id, "reason": "wrong person", "changes": {
                              "id_number": {"from": mother, "to": stranger}},
                           "previous_subject": mother, "subject": stranger, "died_on": "2025-06-14"},
                          dt.date(2025, 6, 16))
    react(welfare, store, moved, times=2)

    file = welfare.child(child_id)
    assert (file["category"], file["parents"][1]["condition"]) == ("de_facto_unattended", "serious_illness")
    assert [h["type"] for h in file["history"]][-2:] == ["child_welfare.ParentConditionChanged",
                                                         "child_welfare.ChildReclassified"]

    identified = funeral_event(funeral_store, "funeral.BodyIdentified",
                               [("TMP-FH610502-000001", "temporary"), (mother, "identified")],
                               {"death_id": str(uuid.uuid4()), "temporary_id": "TMP-FH610502-000001",
                                "id_number": mother, "identified_on": "2025-06-16", "method": "dna",
                                "died_on": "2025-06-10"}, dt.date(2025, 6, 16))
    react(welfare, store, identified)
    file = welfare.child(child_id)
    assert (file["category"], file["parents"][1]["conditions"][-1]["since"]) == ("orphan", "2025-06-10")
