"""T-2: facts derived from the timeline, now and as of a date — the marriage and child welfare rules agreed
in docs/events.md, deaths from the funeral service, relief cases from vagrant aid."""

from __future__ import annotations

import datetime as dt

from services.timeline.domain.facts import derive_facts
from tests.unit.timeline.given import OTHER, PERSON, SPOUSE, event, married

IDS = {PERSON}


def facts(*entries, as_of: str | None = None) -> dict:  # noqa: ANN002
    return derive_facts(entries, IDS, dt.date.fromisoformat(as_of) if as_of else None)


def test_no_marriage_means_unmarried_and_alive_T2():
    result = facts(event("vagrant_aid.ServiceProvided", "2024-01-01", [(PERSON, "person")], case_id="c"))
    assert (result["marital_status"], result["alive"], result["child_welfare"]) == ("unmarried", True, None)


def test_married_from_the_registration_date_and_not_before_T2():
    history = [married("2020-05-20")]
    assert facts(*history, as_of="2020-05-19")["marital_status"] == "unmarried"
    assert facts(*history, as_of="2020-05-20")["marital_status"] == "married"
    assert facts(*history)["registration_id"] == "r1"


def test_survivor_of_a_marriage_ended_by_death_is_widowed_and_a_revival_undoes_it_T2():
    ended = event("marriage.MarriageEndedByDeath", "2024-03-01", [(SPOUSE, "deceased"), (PERSON, "survivor")],
                  registration_id="r1", died_on="2024-03-01")
    widowed = facts(married("2020-05-20"), ended)
    assert (widowed["marital_status"], widowed["marital_status_since"]) == ("widowed", dt.date(2024, 3, 1))
    revived = event("marriage.MarriageRevived", "2024-04-01", [(PERSON, "party"), (SPOUSE, "party")],
                    registration_id="r1", reason="death corrected")
    assert facts(married("2020-05-20"), ended, revived)["marital_status"] == "married"


def test_the_deceased_party_is_not_widowed_T2():
    ended = event("marriage.MarriageEndedByDeath", "2024-03-01", [(PERSON, "deceased"), (SPOUSE, "survivor")],
                  registration_id="r1", died_on="2024-03-01")
    assert facts(married("2020-05-20"), ended)["marital_status"] == "married"


def test_divorced_by_registration_or_by_court_from_its_date_T2():
    divorce = event("marriage.DivorceRegistered", "2023-01-10", [(PERSON, "party"), (SPOUSE, "party")],
                    registration_id="r1", registered_on="2023-01-10")
    assert facts(married("2020-05-20"), divorce)["marital_status"] == "divorced"
    court = event("marriage.CourtOutcomeRecorded", "2023-02-01", [(PERSON, "party"), (SPOUSE, "party")],
                  registration_id="r1", kind="divorce", effective_on="2023-01-25")
    result = facts(married("2020-05-20"), court)
    assert (result["marital_status"], result["marital_status_since"]) == ("divorced", dt.date(2023, 1, 25))


def test_a_void_annulled_or_revoked_marriage_never_existed_T2():
    void = event("marriage.CourtOutcomeRecorded", "2023-02-01", [(PERSON, "party")], registration_id="r1",
                 kind="void", effective_on="2023-02-01")
    revoked = event("marriage.RegistrationRevoked", "2023-02-01", [(PERSON, "party"), (PERSON, "dishonest")],
                    registration_id="r1", reason="fraud")
    assert facts(married("2020-05-20"), void)["marital_status"] == "unmarried"
    assert facts(married("2020-05-20"), revoked)["marital_status"] == "unmarried"


def test_a_widow_who_remarries_at_another_office_is_married_to_the_second_spouse_T2():
    ended = event("marriage.MarriageEndedByDeath", "2024-03-01", [(SPOUSE, "deceased"), (PERSON, "survivor")],
                  registration_id="r1", died_on="2024-03-01")
    second = married("2025-01-08", registration="r2", other=OTHER)
    assert facts(married("2020-05-20"), ended, second, as_of="2024-12-31")["marital_status"] == "widowed"
    now = facts(married("2020-05-20"), ended, second)
    assert (now["marital_status"], now["registration_id"]) == ("married", "r2")


def test_child_welfare_status_applied_then_category_then_reclassified_or_terminated_T2():
    opened = event("child_welfare.ChildFileOpened", "2024-01-05", [(PERSON, "child"), (SPOUSE, "parent")],
                   child_id="k1", applied_on="2024-01-05")
    confirmed = event("child_welfare.EligibilityConfirmed", "2024-02-01", [(PERSON, "child")], child_id="k1",
                      category="de_facto_unattended", decided_on="2024-02-01", allowance_from="2024-02")
    orphan = event("child_welfare.ChildReclassified", "2024-09-01", [(PERSON, "child")], child_id="k1",
                   from_category="de_facto_unattended", to_category="orphan", effective_on="2024-09-01")
    ended = event("child_welfare.SupportTerminated", "2025-03-01", [(PERSON, "child")], child_id="k1",
                  reason="adoption", effective_on="2025-03-01")
    history = (opened, confirmed, orphan, ended)
    assert facts(*history, as_of="2024-01-04")["child_welfare"] is None
    assert facts(*history, as_of="2024-01-05")["child_welfare"]["status"] == "applied"
    assert facts(*history, as_of="2024-08-31")["child_welfare"]["category"] == "de_facto_unattended"
    assert facts(*history, as_of="2024-09-01")["child_welfare"]["status"] == "orphan"
    assert facts(*history)["child_welfare"]["status"] == "terminated"


def test_a_parent_on_a_child_file_has_no_child_welfare_status_T2():
    opened = event("child_welfare.ChildFileOpened", "2024-01-05", [(SPOUSE, "child"), (PERSON, "parent")],
                   child_id="k2", applied_on="2024-01-05")
    assert facts(opened)["child_welfare"] is None


def test_a_rejected_application_T2():
    opened = event("child_welfare.ChildFileOpened", "2024-01-05", [(PERSON, "child")], child_id="k3",
                   applied_on="2024-01-05")
    rejected = event("child_welfare.ApplicationRejected", "2024-02-05", [(PERSON, "child")], child_id="k3",
                     reasons=["parent_able"], decided_on="2024-02-05")
    assert facts(opened, rejected)["child_welfare"]["status"] == "rejected"


def test_deceased_from_the_date_of_death_and_alive_again_when_the_death_was_recorded_against_the_wrong_person_T2():
    death = event("funeral.DeathRegistered", "2024-06-14", [(PERSON, "deceased")], death_id="d", died_on="2024-06-14")
    assert facts(death, as_of="2024-06-13")["alive"] is True
    assert facts(death)["died_on"] == dt.date(2024, 6, 14)
    corrected = event("funeral.DeathCorrected", "2024-06-20", [(OTHER, "deceased"), (PERSON, "wrongly_recorded")],
                      death_id="d", previous_subject=PERSON, subject=OTHER, died_on="2024-06-14")
    assert facts(death, corrected)["alive"] is True
    moved = event("funeral.DeathCorrected", "2024-06-21", [(PERSON, "deceased")], death_id="d",
                  previous_subject=PERSON, subject=PERSON, died_on="2024-06-12")
    assert facts(death, moved)["died_on"] == dt.date(2024, 6, 12)


def test_a_relief_case_is_open_from_intake_until_exit_T2():
    taken_in = event("vagrant_aid.PersonTakenIn", "2024-06-01", [(PERSON, "person")], case_id="c1",
                     station="RS-610500")
    exited = event("vagrant_aid.PersonExited", "2024-06-05", [(PERSON, "person")], case_id="c1", kind="escorted")
    assert facts(taken_in)["open_relief_case"] == {"case_id": "c1", "station": "RS-610500",
                                                    "since": dt.date(2024, 6, 1)}
    assert facts(taken_in, exited, as_of="2024-06-04")["open_relief_case"]["case_id"] == "c1"
    assert facts(taken_in, exited)["open_relief_case"] is None


def test_D_11_a_relief_case_reopened_after_its_death_was_withdrawn_is_open_again():
    taken_in = event("vagrant_aid.PersonTakenIn", "2024-06-01", [(PERSON, "person")], case_id="c1",
                     station="RS-610500")
    died = event("vagrant_aid.PersonExited", "2024-06-05", [(PERSON, "person")], case_id="c1", kind="died")
    reopened = event("vagrant_aid.CaseReopened", "2024-06-20", [(PERSON, "person")], case_id="c1",
                     reason="death_withdrawn")
    assert facts(taken_in, died, reopened, as_of="2024-06-10")["open_relief_case"] is None
    assert facts(taken_in, died, reopened)["open_relief_case"]["case_id"] == "c1"
