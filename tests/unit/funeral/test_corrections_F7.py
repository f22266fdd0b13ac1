"""F-7 corrections: a death recorded against the wrong person (or with a wrong date, place, nature) is
corrected with a reason, in an event that names both persons so every consumer can react."""

from __future__ import annotations

from services.funeral.contract.commands import CorrectDeath
from services.funeral.domain.events import DEATH_CORRECTED
from services.funeral.domain.registration import decide_correction
from tests.unit.funeral.given import (
    ADMIN,
    DEATH_ID,
    OTHER_HOME_STAFF,
    OTHER_PERSON,
    PERSON,
    STAFF,
    TODAY,
    days_ago,
    record,
    refused,
    registered,
    unidentified_registered,
)

REASON = "the hospital recorded the wrong patient's ID number"


def correct(death=None, actor=STAFF, new_person_deceased=False, **fields):
    death = death or record(registered())
    return decide_correction(death, CorrectDeath(reason=REASON, **fields), actor, TODAY, new_person_deceased)


def test_a_death_recorded_against_the_wrong_person_is_moved_to_the_right_one_F7():
    [event] = correct(id_number=OTHER_PERSON)

    assert event.type == DEATH_CORRECTED
    assert event.subjects == ((OTHER_PERSON, "deceased"), (PERSON, "wrongly_recorded"))
    assert event.payload == {
        "death_id": DEATH_ID, "reason": REASON, "changes": {"id_number": {"from": PERSON, "to": OTHER_PERSON}},
        "previous_subject": PERSON, "subject": OTHER_PERSON, "died_on": days_ago(2).isoformat(),
        "corrected_on": TODAY.isoformat(),
    }
    corrected = record(registered(), [event])
    assert (corrected.subject_id, corrected.id_number, corrected.corrections, corrected.version) == (
        OTHER_PERSON, OTHER_PERSON, 1, 2)


def test_a_date_correction_names_the_person_once_and_reports_from_and_to_F7():
    [event] = correct(died_on=days_ago(3), place_division="610503")

    assert event.subjects == ((PERSON, "deceased"),)
    assert event.payload["changes"] == {"died_on": {"from": days_ago(2).isoformat(), "to": days_ago(3).isoformat()},
                                        "place_division": {"from": "610502", "to": "610503"}}
    assert event.payload["previous_subject"] == event.payload["subject"] == PERSON


def test_a_correction_to_a_person_who_is_already_dead_is_refused_F7():
    with refused("already_deceased", 409):
        correct(id_number=OTHER_PERSON, new_person_deceased=True)


def test_a_correction_that_changes_nothing_is_refused_F7():
    with refused("nothing_to_correct", 422):
        correct(id_number=PERSON, died_on=days_ago(2))


def test_a_correction_keeps_the_rules_of_registration_F7():
    with refused("business_date_in_future", 422):
        correct(died_on=TODAY.replace(year=TODAY.year + 1))
    with refused("death_before_birth", 422):
        correct(id_number="610502202506100017", died_on=days_ago(10))
    with refused("police_certification_required", 422):
        correct(natural=False)
    with refused("invalid_id_number", 422):
        correct(id_number="610502199001010012")


def test_an_unidentified_body_gets_its_id_number_by_identification_not_correction_F7():
    with refused("not_identified", 409):
        correct(record(unidentified_registered()), id_number=PERSON)


def test_only_the_recording_funeral_home_corrects_and_an_admin_never_F7():
    with refused("forbidden_place", 403):
        correct(actor=OTHER_HOME_STAFF, died_on=days_ago(3))
    with refused("forbidden_role", 403):  # separation of duties (issue 12): an admin records no business
        correct(actor=ADMIN, died_on=days_ago(3))
    assert correct(died_on=days_ago(3))


def test_a_stale_version_is_a_conflict_F7():
    with refused("concurrency_conflict", 409):
        correct(died_on=days_ago(3), version=7)
    assert correct(died_on=days_ago(3), version=1)
