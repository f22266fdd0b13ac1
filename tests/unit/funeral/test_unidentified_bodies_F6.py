"""F-6 unidentified bodies: received on police notice with the case number under a temporary subject id; a
claim notice; disposal only 30 days after it with police approval; ashes under a number; a later
identification links the temporary id to the ID number."""

from __future__ import annotations

import datetime as dt

from services.funeral.contract.commands import ApproveDisposal, Cremate, DisposeAshes, IdentifyBody, PublishClaimNotice
from services.funeral.domain import body, registration
from services.funeral.domain.events import BODY_IDENTIFIED, CLAIM_NOTICE_PUBLISHED, DISPOSAL_APPROVED
from tests.unit.funeral.given import (
    DEATH_ID,
    FOUND_ON,
    FUNERAL_HOME,
    PERSON,
    STAFF,
    TEMPORARY_ID,
    TODAY,
    record,
    refused,
    registered,
    unidentified_registered,
)

NOTICE_ON = dt.date(2025, 5, 5)  # a Monday; day 30 after it is Wednesday 2025-06-04, a working day
NUMBERS = body.CremationNumbers("c-1", "CC-FH610502-2025-000001", "ASH-FH610502-000001")


def noticed(on=NOTICE_ON):
    death = record(unidentified_registered())
    return body.decide_publish_claim_notice(death, PublishClaimNotice(published_on=on, medium="渭南日报"), STAFF, on)


def approved(on=NOTICE_ON + dt.timedelta(days=1)):
    death = record(unidentified_registered(), noticed())
    command = ApproveDisposal(approved_on=on, police_case="渭公刑字〔2025〕17号", document_ref="JQ-2025-17")
    return body.decide_approve_disposal(death, command, STAFF, on)


def cremate(death, on):
    command = Cremate(death_id=DEATH_ID, funeral_home=FUNERAL_HOME, cremated_on=on)
    return body.decide_cremation(death, command, STAFF, on, NUMBERS)


def test_an_unidentified_body_is_registered_under_a_temporary_id_with_its_police_case_F6():
    [event] = unidentified_registered()

    assert event.subjects == ((TEMPORARY_ID, "deceased"),)
    assert event.payload["identified"] is False
    assert event.payload["temporary_id"] == TEMPORARY_ID
    assert event.payload["police_case"] == "渭公刑字〔2025〕17号"
    assert event.payload["description"] == "male, about 60"


def test_the_claim_notice_is_for_unidentified_bodies_and_published_once_F6():
    [event] = noticed()
    assert (event.type, event.payload["published_on"]) == (CLAIM_NOTICE_PUBLISHED, "2025-05-05")

    with refused("not_unidentified", 409):
        body.decide_publish_claim_notice(record(registered()), PublishClaimNotice(medium="渭南日报"), STAFF, TODAY)
    with refused("claim_notice_exists", 409):
        body.decide_publish_claim_notice(record(unidentified_registered(), noticed()), PublishClaimNotice(medium="x"),
                                 STAFF, TODAY)


def test_police_approval_is_recorded_after_the_claim_notice_F6():
    approval = ApproveDisposal(police_case="渭公刑字〔2025〕17号", document_ref="JQ-2025-17")
    with refused("claim_notice_required", 409):
        body.decide_approve_disposal(record(unidentified_registered()), approval, STAFF, TODAY)

    [event] = approved()
    assert (event.type, event.payload["document_ref"]) == (DISPOSAL_APPROVED, "JQ-2025-17")


def test_disposal_without_a_claim_notice_is_refused_F6():
    with refused("claim_notice_required", 409):
        cremate(record(unidentified_registered()), TODAY)


def test_disposal_within_30_days_of_the_claim_notice_is_refused_F6():
    death = record(unidentified_registered(), noticed(), approved())
    # the period starts the day after the notice (0.3); its last day is 2025-06-04
    with refused("disposal_too_early", 409):
        cremate(death, dt.date(2025, 6, 4))
    assert cremate(death, dt.date(2025, 6, 5))


def test_the_waiting_period_ends_on_a_working_day_F6():
    # notice on 2025-05-02: day 30 is Sunday 1 June, inside the Dragon Boat holiday (31 May – 2 June)
    death = record(unidentified_registered(), noticed(dt.date(2025, 5, 2)), approved(dt.date(2025, 5, 6)))
    with refused("disposal_too_early", 409):
        cremate(death, dt.date(2025, 6, 3))
    assert cremate(death, dt.date(2025, 6, 4))


def test_disposal_needs_police_approval_even_after_the_period_F6():
    with refused("police_approval_required", 409):
        cremate(record(unidentified_registered(), noticed()), TODAY)


def test_the_ashes_of_an_unidentified_body_are_kept_under_a_number_F6():
    death = record(unidentified_registered(), noticed(), approved())
    [event] = cremate(death, TODAY)
    assert event.payload["ashes_number"] == "ASH-FH610502-000001"

    with refused("unidentified_remains", 409):
        body.decide_dispose_ashes(record(unidentified_registered(), noticed(), approved(), [event]),
                          DisposeAshes(disposition="family", taken_by={"name": "李四"}), STAFF, TODAY)


def test_identification_links_the_temporary_id_to_the_id_number_F6():
    death = record(unidentified_registered())
    command = IdentifyBody(id_number=PERSON, method="dna", identified_on=TODAY)

    [event] = registration.decide_identification(death, command, STAFF, TODAY, already_deceased=False)

    assert event.type == BODY_IDENTIFIED
    assert event.subjects == ((TEMPORARY_ID, "temporary"), (PERSON, "identified"))
    assert event.payload == {"death_id": DEATH_ID, "temporary_id": TEMPORARY_ID, "id_number": PERSON,
                             "identified_on": TODAY.isoformat(), "method": "dna", "died_on": FOUND_ON.isoformat()}
    identified = record(unidentified_registered(), [event])
    assert (identified.subject_id, identified.identified, identified.temporary_id) == (PERSON, True, TEMPORARY_ID)


def test_identification_is_refused_for_a_person_already_dead_or_an_identified_record_F6():
    command = IdentifyBody(id_number=PERSON, method="fingerprint")
    with refused("already_deceased", 409):
        registration.decide_identification(record(unidentified_registered()), command, STAFF, TODAY, True)
    with refused("already_identified", 409):
        registration.decide_identification(record(registered()), command, STAFF, TODAY, False)


def test_identification_cannot_name_someone_born_after_the_death_F6():
    newborn = "610502202506100017"  # born 2025-06-10, after the body was found
    with refused("death_before_birth", 422):
        registration.decide_identification(record(unidentified_registered()),
                                           IdentifyBody(id_number=newborn, method="dna"), STAFF, TODAY, False)
