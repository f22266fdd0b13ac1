"""C-2 one file per child with identity, household, both parents with conditions and evidence, guardian and
care; C-3 application → township check → county decision with reasons; the child under 18 on the decision
date; the category is the one the parents' conditions give (C-1)."""

from __future__ import annotations

import datetime as dt

from services.child_welfare.contract.commands import Decide, RecordTownshipCheck, RecordVisit, Terminate
from services.child_welfare.domain import decide as d
from services.child_welfare.domain import events as ev
from shared.actor import Actor
from tests.support.synthetic_ids import id_number_of
from tests.unit.child_welfare.given import (
    ADMIN,
    CHILD,
    CHILD_ID,
    FATHER,
    MOTHER,
    OFFICER,
    TODAY,
    TOWNSHIP,
    checked,
    confirmed,
    confirmed_file,
    days_ago,
    file_of,
    open_command,
    opened,
    parent,
    refused,
    then,
)


def test_a_file_holds_identity_household_parents_with_evidence_guardian_and_care_C2():
    [event] = opened()

    assert event.type == ev.CHILD_FILE_OPENED
    assert event.subjects == ((CHILD, "child"), (FATHER, "parent"), (MOTHER, "parent"))
    p = event.payload
    assert (p["child_id"], p["household_division"], p["care"], p["source"]) == (
        CHILD_ID, "610502", "dispersed", "application")
    assert [(x["condition"], x["evidence_ref"], x["id_number"]) for x in p["parents"]] == [
        ("deceased", "EV-1", FATHER), ("deceased", "EV-1", MOTHER)]
    assert p["guardian"]["relation"] == "grandfather" and p["birth_date"] == "2015-03-10"
    file = file_of([event])
    assert (file.status, file.subject_id, file.birth_date) == ("applied", CHILD, dt.date(2015, 3, 10))


def test_a_second_file_for_the_same_child_is_refused_C2():
    with refused("file_exists", 409):
        d.decide_open(open_command(), OFFICER, TODAY, d.NewFile(CHILD_ID, "another-file"))


def test_an_invalid_child_id_number_or_division_is_refused_C2():
    with refused("invalid_id_number", 422):
        opened(open_command(child={"id_number": "610502199001010012", "name": "王小明",
                                   "household_division": "610502"}))
    with refused("invalid_division", 422):
        opened(open_command(child={"id_number": CHILD, "name": "王小明", "household_division": "999999"}))


def test_an_adult_cannot_apply_C3():
    adult = id_number_of(dt.date(2000, 1, 1), sequence=3)
    with refused("not_a_minor", 422):
        opened(open_command(child={"id_number": adult, "name": "王大明", "household_division": "610502"}))


def test_a_parent_condition_in_the_future_or_ending_before_it_starts_is_refused_C2():
    with refused("business_date_in_future"):
        opened(open_command(father=parent("deceased", TODAY + dt.timedelta(days=3))))
    with refused("ends_before_it_starts"):
        opened(open_command(father=parent("imprisoned", days_ago(100), ends_on=days_ago(200))))


def test_care_arrangements_name_their_institution_or_carer_C4():
    with refused("institution_required"):
        opened(open_command(care="institution"))
    with refused("carer_required"):
        opened(open_command(care="foster"))


def test_officers_record_at_most_30_days_back_and_never_ahead():
    with refused("business_date_too_old"):
        opened(open_command(applied_on=days_ago(31)))
    with refused("business_date_in_future"):
        opened(open_command(applied_on=TODAY + dt.timedelta(days=1)))
    assert opened(open_command(applied_on=days_ago(30)))


def test_an_admin_opens_no_file_and_records_nothing_on_one_separation_of_duties():
    """Issue 12: an admin sets the standards (reference data) and records no child welfare business."""
    with refused("forbidden_role", 403):
        opened(actor=ADMIN)
    file = confirmed_file()
    for decided in (lambda: d.decide_visit(file, RecordVisit(findings="well", visited_on=days_ago(1)),
                                           ADMIN, TODAY),
                    lambda: d.decide_termination(file, Terminate(reason="adoption", effective_on=days_ago(1)),
                                                 ADMIN, TODAY)):
        with refused("forbidden_role", 403):
            decided()


def test_a_decision_before_the_township_check_is_refused_C3():
    file = file_of(opened())
    with refused("township_check_missing", 409):
        confirmed(file)


def test_the_procedure_runs_application_check_decision_and_confirms_from_the_next_month_C3():
    file = file_of(opened())
    file = then(file, checked(file, days_ago(5)))
    [event] = confirmed(file, "orphan", days_ago(2))

    assert event.type == ev.ELIGIBILITY_CONFIRMED
    assert (event.payload["category"], event.payload["allowance_from"]) == ("orphan", "2025-07")
    assert then(file, [event]).status == "confirmed"


def test_a_rejection_states_its_reasons_C3():
    file = file_of(opened())
    file = then(file, checked(file))
    with refused("reasons_required"):
        d.decide_decision(file, Decide(outcome="rejected"), OFFICER, TODAY)
    [event] = d.decide_decision(file, Decide(outcome="rejected", reasons=["mother can care"]), OFFICER, TODAY)
    assert (event.type, event.payload["reasons"]) == (ev.APPLICATION_REJECTED, ["mother can care"])


def test_a_decided_file_is_not_decided_or_checked_again_C3():
    file = file_of(opened())
    file = then(file, checked(file))
    file = then(file, confirmed(file))
    with refused("already_decided", 409):
        confirmed(file)
    with refused("already_decided", 409):
        d.decide_township_check(file, RecordTownshipCheck(outcome="passed"), TOWNSHIP, TODAY)


def test_the_confirmed_category_must_be_the_one_the_parents_conditions_give_C1_C3():
    file = file_of(opened())
    file = then(file, checked(file))
    with refused("category_mismatch"):
        confirmed(file, "de_facto_unattended")
    with refused("category_required"):
        d.decide_decision(file, Decide(outcome="confirmed"), OFFICER, TODAY)
    able_mother = file_of(opened(open_command(mother=parent("none", days_ago(100)))))
    able_mother = then(able_mother, checked(able_mother))
    with refused("not_eligible"):
        confirmed(able_mother, "orphan")


def test_de_facto_unattended_is_confirmed_when_one_parent_died_and_the_other_is_imprisoned_C1_C3():
    command = open_command(mother=parent("imprisoned", dt.date(2024, 1, 1), ends_on=dt.date(2030, 1, 1)))
    file = file_of(opened(command))
    file = then(file, checked(file))
    [event] = confirmed(file, "de_facto_unattended")
    assert event.payload["category"] == "de_facto_unattended"


def test_the_child_is_under_18_on_the_decision_date_C1_C3():
    nearly_adult = id_number_of(dt.date(2007, 6, 1), sequence=4)
    command = open_command(child={"id_number": nearly_adult, "name": "王小红", "household_division": "610502"},
                           applied_on=dt.date(2025, 5, 20))
    file = file_of(opened(command, OFFICER, today=dt.date(2025, 5, 20)))
    file = then(file, checked(file, dt.date(2025, 5, 25), TOWNSHIP, today=dt.date(2025, 5, 25)))
    with refused("not_a_minor"):
        confirmed(file, "orphan", dt.date(2025, 6, 1), OFFICER, today=dt.date(2025, 6, 1))  # the 18th birthday
    assert confirmed(file, "orphan", dt.date(2025, 5, 31), OFFICER, today=dt.date(2025, 5, 31))


def test_a_stale_version_is_a_conflict():
    file = file_of(opened())
    with refused("concurrency_conflict", 409):
        d.decide_township_check(file, RecordTownshipCheck(outcome="passed", version=7), TOWNSHIP, TODAY)


def test_the_township_checks_and_the_county_decides_separation_of_duties_C3():
    file = file_of(opened())
    with refused("forbidden_role", 403):
        checked(file, actor=OFFICER)  # the officer who decides may not record the check
    with refused("forbidden_role", 403):
        checked(file, actor=ADMIN)
    file = then(file, checked(file))
    with refused("forbidden_role", 403):
        confirmed(file, actor=TOWNSHIP)
    with refused("forbidden_role", 403):
        confirmed(file, actor=ADMIN)  # admin administers; it records no business events
    assert confirmed(file, actor=OFFICER)


def test_officers_act_for_their_county_and_the_city_level_above_them_C3():
    file = then(file_of(opened()), checked(file_of(opened())))  # the child's household is in 610502
    with refused("forbidden_place", 403):
        checked(file_of(opened()), actor=Actor("township.610528001", "township_officer", township="610528001"))
    with refused("forbidden_place", 403):
        confirmed(file, actor=Actor("child-welfare.610528", "child_welfare_officer", county="610528"))
    assert confirmed(file, actor=Actor("child-welfare.610502", "child_welfare_officer", county="610502"))
    assert confirmed(file, actor=OFFICER)  # the city level
