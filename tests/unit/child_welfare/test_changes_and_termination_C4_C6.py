"""C-4 care arrangements (foster carer 30–65, at most two foster children; transfers between institutions
recorded) and C-6 changes and termination: a parent's condition ending, reclassification when the remaining
parent dies, the 18th birthday (scheduled), an unidentified referred minor transferred after 3 months."""

from __future__ import annotations

import datetime as dt

from services.child_welfare.contract import events as contract
from services.child_welfare.contract.commands import (
    ChangeParentCondition,
    ChangePlacement,
    RecordStudentStatus,
    Terminate,
)
from services.child_welfare.domain import decide as d
from services.child_welfare.domain import events as ev
from services.child_welfare.domain.ledger import last_month
from tests.support.synthetic_ids import id_number_of
from tests.unit.child_welfare.given import (
    OFFICER,
    TODAY,
    confirmed_file,
    days_ago,
    file_of,
    open_command,
    parent,
    refused,
    then,
)

CARER_40 = id_number_of(dt.date(1985, 1, 1), sequence=20, sex="female")
CARER_29 = id_number_of(dt.date(1996, 7, 1), sequence=21)
CARER_66 = id_number_of(dt.date(1959, 1, 1), sequence=22)


def foster(carer: str, **changes):
    return ChangePlacement(care="foster", carer={"id_number": carer, "name": "赵阿姨"}, effective_on=days_ago(3),
                           **changes)


def test_a_foster_carer_is_30_to_65_years_old_C4():
    file = confirmed_file()
    [event] = d.decide_placement(file, foster(CARER_40), OFFICER, TODAY, carer_children=0)
    assert (event.type, event.payload["care"], event.payload["carer"]["id_number"]) == (
        ev.CARE_PLACEMENT_CHANGED, "foster", CARER_40)
    for too_young_or_old in (CARER_29, CARER_66):
        with refused("foster_carer_age", 422):
            d.decide_placement(file, foster(too_young_or_old), OFFICER, TODAY, carer_children=0)


def test_a_foster_carer_has_at_most_two_foster_children_C4():
    file = confirmed_file()
    assert d.decide_placement(file, foster(CARER_40), OFFICER, TODAY, carer_children=1)
    with refused("foster_carer_full", 409):
        d.decide_placement(file, foster(CARER_40), OFFICER, TODAY, carer_children=2)


def test_moving_between_institutions_is_a_recorded_transfer_C4():
    command = open_command(care="institution", institution="minors_protection_centre")
    file = confirmed_file(command)
    moved = ChangePlacement(care="institution", institution="welfare_institution", effective_on=days_ago(1))
    [event] = d.decide_placement(file, moved, OFFICER, TODAY)
    assert (event.payload["transfer"], event.payload["from_institution"]) == (True, "minors_protection_centre")
    with refused("nothing_to_change"):
        d.decide_placement(then(file, [event]), moved, OFFICER, TODAY)


def test_a_parents_release_ends_the_support_of_a_de_facto_unattended_child_C6():
    command = open_command(mother=parent("imprisoned", dt.date(2023, 1, 1)))
    file = confirmed_file(command, category="de_facto_unattended")
    released = ChangeParentCondition(parent=1, condition="none", condition_since=days_ago(1), evidence_ref="REL-1")

    drafts = d.decide_parent_change(file, released, OFFICER, TODAY)

    assert [x.type for x in drafts] == [ev.PARENT_CONDITION_CHANGED, ev.SUPPORT_TERMINATED]
    assert (drafts[1].payload["reason"], drafts[1].payload["effective_on"]) == (
        "parent_condition_ended", days_ago(1).isoformat())


def test_de_facto_unattended_becomes_orphan_when_the_remaining_parent_dies_C6():
    command = open_command(mother=parent("serious_illness", dt.date(2023, 1, 1)))
    file = confirmed_file(command, category="de_facto_unattended")
    died = ChangeParentCondition(parent=1, condition="deceased", condition_since=days_ago(1), evidence_ref="D-1")

    drafts = d.decide_parent_change(file, died, OFFICER, TODAY)

    assert [x.type for x in drafts] == [ev.PARENT_CONDITION_CHANGED, ev.CHILD_RECLASSIFIED]
    assert (drafts[1].payload["from_category"], drafts[1].payload["to_category"]) == (
        "de_facto_unattended", "orphan")
    assert then(file, drafts).category == "orphan"


def test_a_rejected_child_is_assessed_again_when_a_parents_death_makes_it_eligible_C1_C6():
    command = open_command(mother=parent("none", dt.date(2023, 1, 1)))
    file = file_of(d.decide_open(command, OFFICER, TODAY, d.NewFile("c-1", None)))
    file = then(file, [ev.Draft.of(contract.TownshipCheckRecorded(child_id="c-1", checked_on=days_ago(9),
                                                                   outcome="failed"), days_ago(9))])
    file = then(file, [ev.Draft.of(contract.ApplicationRejected(child_id="c-1", reasons=(), decided_on=days_ago(8)),
                                   days_ago(8))])
    died = ChangeParentCondition(parent=1, condition="deceased", condition_since=days_ago(1), evidence_ref="D-1")

    drafts = d.decide_parent_change(file, died, OFFICER, TODAY)

    assert [x.type for x in drafts] == [ev.PARENT_CONDITION_CHANGED, ev.ASSESSMENT_OPENED]
    assert drafts[1].payload["suggested_category"] == "orphan"
    assert then(file, drafts).status == "applied"


def test_termination_by_adoption_moving_away_or_death_and_nothing_after_it_C6():
    file = confirmed_file()
    [event] = d.decide_termination(file, Terminate(reason="moved_away", effective_on=days_ago(1)), OFFICER, TODAY)
    assert (event.type, event.payload["allowance_until"]) == (ev.SUPPORT_TERMINATED, "2025-06")
    ended = then(file, [event])
    with refused("file_terminated", 409):
        d.decide_termination(ended, Terminate(reason="adoption", effective_on=TODAY), OFFICER, TODAY)
    with refused("file_terminated", 409):
        d.decide_placement(ended, foster(CARER_40), OFFICER, TODAY)


def test_the_18th_birthday_terminates_automatically_on_the_day_C6():
    nearly = id_number_of(dt.date(2007, 6, 20), sequence=30)
    command = open_command(child={"id_number": nearly, "name": "王小红", "household_division": "610502"})
    file = confirmed_file(command, applied_on=dt.date(2025, 5, 1), decided_on=dt.date(2025, 5, 20))
    assert d.decide_adult_termination(file, dt.date(2025, 6, 19)) == []
    [event] = d.decide_adult_termination(file, dt.date(2025, 6, 21))
    assert (event.payload["reason"], event.payload["effective_on"]) == ("adult", "2025-06-20")
    assert d.decide_adult_termination(then(file, [event]), dt.date(2025, 6, 22)) == []  # once


def test_an_unidentified_referred_minor_goes_to_the_welfare_institution_after_3_months():
    referral = d.Referral("TMP-RS610500-000001", "case-1", "RS-610500", "610500", dt.date(2025, 3, 10), None, "male")
    file = file_of(d.decide_referral(referral, "c-2"))
    assert (file.placement.institution, file.source, file.guardian["relation"]) == (
        "minors_protection_centre", "relief_referral", "temporary_state")
    assert d.decide_unidentified_transfer(file, dt.date(2025, 6, 9)) == []
    [event] = d.decide_unidentified_transfer(file, dt.date(2025, 6, 10))
    assert (event.payload["institution"], event.payload["transfer"], event.payload["effective_on"]) == (
        "welfare_institution", True, "2025-06-10")
    assert d.decide_unidentified_transfer(then(file, [event]), dt.date(2025, 7, 1)) == []


def test_a_full_time_student_keeps_support_past_18_until_the_schooling_ends_at_most_22_C6():
    nearly = id_number_of(dt.date(2007, 9, 1), sequence=31)
    command = open_command(child={"id_number": nearly, "name": "王小红", "household_division": "610502"})
    file = confirmed_file(command, applied_on=dt.date(2025, 5, 1), decided_on=dt.date(2025, 5, 20))
    assert last_month(file) == dt.date(2025, 9, 1)
    schooling = RecordStudentStatus(school="渭南师范学院", full_time_until=dt.date(2029, 7, 1), evidence_ref="STU-1")
    [event] = d.decide_student_status(file, schooling, OFFICER, TODAY)
    student = then(file, [event])
    assert last_month(student) == dt.date(2029, 7, 1)
    assert d.decide_adult_termination(student, dt.date(2025, 9, 2)) == []
    [ended] = d.decide_adult_termination(student, dt.date(2029, 7, 2))
    assert ended.payload["effective_on"] == "2029-07-01"
    forever = d.decide_student_status(file, RecordStudentStatus(school="x", full_time_until=dt.date(2035, 1, 1),
                                                                evidence_ref="STU-2"), OFFICER, TODAY)
    assert last_month(then(file, forever)) == dt.date(2029, 9, 1)  # the 22nd birthday at the latest


def test_support_ends_by_itself_when_a_known_sentence_has_been_served_C6():
    command = open_command(mother=parent("imprisoned", dt.date(2023, 1, 1), ends_on=dt.date(2025, 8, 31)))
    file = confirmed_file(command, category="de_facto_unattended")
    assert d.eligibility_ends_on(file) == dt.date(2025, 9, 1)
    assert d.decide_eligibility_lapse(file, dt.date(2025, 8, 31)) == []
    [event] = d.decide_eligibility_lapse(file, dt.date(2025, 9, 3))
    assert (event.payload["reason"], event.payload["effective_on"]) == ("parent_condition_ended", "2025-09-01")
    assert last_month(then(file, [event])) == dt.date(2025, 9, 1)
