"""Cross-service derived facts have one definition, in the producer's contract: the producer and the timeline
answer the same for the same event histories, corrections included (issue 11).

Each history is a list of recorded envelopes; the producer reads them as it does from its store, the timeline
as entries it projected (`Entry.of`). They are asked on dates before, between and after the corrected facts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest

from services.child_welfare.contract.facts import child_welfare_status
from services.child_welfare.domain.file import fold as fold_file
from services.funeral.contract.facts import LifeStatus, life_status
from services.funeral.domain.death import fold as fold_death
from services.marriage.contract.facts import marital_status as marriage_marital_status
from services.timeline.domain.entries import Entry
from services.timeline.domain.facts import derive_facts
from shared.envelope import Event, Subject
from tests.support.event_samples import payload_of

HUSBAND, WIFE, SECOND_WIFE = "610502199001011234", "610502199202022345", "610502199303033456"
_positions = itertools.count(1)


def recorded(event_type: str, occurred_on: str, subjects: list[tuple[str, str]], **payload) -> Event:
    return Event(event_id=uuid.uuid4(), type=event_type, occurred_on=dt.date.fromisoformat(occurred_on),
                 subjects=tuple(Subject(id=i, role=r) for i, r in subjects), payload=payload,
                 stream_id=f"marriage-{payload.get('registration_id', 'x')}", stream_version=1,
                 global_position=next(_positions), recorded_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))


def registered(rid: str, on: str, a: str = HUSBAND, b: str = WIFE) -> Event:
    return recorded("marriage.MarriageRegistered", on, [(a, "party"), (b, "party")], registration_id=rid,
                    office="MR-610502", office_division="610502", registered_on=on,
                    parties=[{"id_number": a, "sex": "male", "household_division": "610502", "name": "甲"},
                             {"id_number": b, "sex": "female", "household_division": "610502", "name": "乙"}],
                    certificates=[{"number": f"J610502-{rid}-1", "id_number": a},
                                  {"number": f"J610502-{rid}-2", "id_number": b}],
                    cross_county=False, imported=False, jurisdiction="national")


def ended_by_death(rid: str, died_on: str, deceased: str = HUSBAND, survivor: str = WIFE) -> Event:
    return recorded("marriage.MarriageEndedByDeath", died_on, [(deceased, "deceased"), (survivor, "survivor")],
                    registration_id=rid, died_on=died_on, death_id="D-1", deceased_id_number=deceased,
                    survivor_id_number=survivor)


def death_date_corrected(rid: str, died_on: str, previous: str, on: str) -> Event:
    return recorded("marriage.DeathDateCorrected", on, [(HUSBAND, "party"), (WIFE, "party")],
                    registration_id=rid, death_id="D-1", died_on=died_on, previous_died_on=previous)


def revived(rid: str, on: str) -> Event:
    return recorded("marriage.MarriageRevived", on, [(HUSBAND, "party"), (WIFE, "party")],
                    registration_id=rid, reason="death_corrected", death_id="D-1")


def divorced(rid: str, on: str) -> Event:
    return recorded("marriage.DivorceRegistered", on, [(HUSBAND, "party"), (WIFE, "party")], divorce_id="DV-1",
                    registration_id=rid, office="MR-610502", registered_on=on, certificates=[])


def court(rid: str, kind: str, on: str) -> Event:
    return recorded("marriage.CourtOutcomeRecorded", on, [(HUSBAND, "party"), (WIFE, "party")],
                    registration_id=rid, kind=kind, court="court", document_ref="(2024)01", effective_on=on)


def revoked(rid: str, on: str) -> Event:
    return recorded("marriage.RegistrationRevoked", on, [(HUSBAND, "party"), (WIFE, "party")],
                    registration_id=rid, reason="fraud", document_ref="doc", dishonest_id_number=None,
                    revoked_on=on)


HISTORIES = {
    "death_date_corrected_later": [registered("R1", "2020-05-01"), ended_by_death("R1", "2024-03-01"),
                                   death_date_corrected("R1", "2024-06-01", "2024-03-01", "2024-09-01")],
    "death_date_corrected_earlier": [registered("R1", "2020-05-01"), ended_by_death("R1", "2024-06-01"),
                                     death_date_corrected("R1", "2024-03-01", "2024-06-01", "2024-09-01")],
    "death_withdrawn": [registered("R1", "2020-05-01"), ended_by_death("R1", "2024-03-01"),
                        revived("R1", "2024-09-01")],
    "divorced_and_remarried": [registered("R1", "2018-05-01"), divorced("R1", "2021-01-10"),
                               registered("R2", "2022-02-02", HUSBAND, SECOND_WIFE)],
    "court_divorce": [registered("R1", "2018-05-01"), court("R1", "divorce", "2023-07-07")],
    "annulled": [registered("R1", "2018-05-01"), court("R1", "annulled", "2023-07-07")],
    "revoked_later": [registered("R1", "2018-05-01"), revoked("R1", "2023-07-07")],
}
DATES = ["2017-01-01", "2020-05-01", "2021-06-01", "2023-12-31", "2024-04-01", "2024-07-01", "2025-01-01"]


@pytest.mark.parametrize("person", [HUSBAND, WIFE])
@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("history", HISTORIES, ids=str)
def test_marital_status_is_the_same_in_marriage_and_in_the_timeline(history, as_of, person):
    events, day = HISTORIES[history], dt.date.fromisoformat(as_of)
    producer = marriage_marital_status(person, events, day)
    timeline = derive_facts([Entry.of("marriage", e) for e in events], {person}, day)
    assert (timeline["marital_status"], timeline["marital_status_since"], timeline["registration_id"]) == (
        producer.marital_status, producer.since, producer.registration_id)


def test_m11_a_corrected_date_of_death_moves_the_survivors_widowhood_everywhere():
    """The case the two definitions disagreed on: the death first recorded on 1 March, corrected to 1 June."""
    events = HISTORIES["death_date_corrected_later"]
    timeline = derive_facts([Entry.of("marriage", e) for e in events], {WIFE}, dt.date(2024, 4, 1))
    assert timeline["marital_status"] == "married"
    timeline = derive_facts([Entry.of("marriage", e) for e in events], {WIFE}, dt.date(2025, 1, 1))
    assert (timeline["marital_status"], timeline["marital_status_since"]) == ("widowed", dt.date(2024, 6, 1))


# -- alive or deceased (funeral, F-1, F-6, F-7) ---------------------------------------------------------------
DEAD, WRONG, TEMPORARY = "610502195001011111", "610502195202022222", "TMP-FH610502-000017"


def death(event_type: str, on: str, subjects: list[tuple[str, str]], **fields) -> Event:
    return recorded(event_type, on, subjects, **payload_of(event_type, death_id="D-7", **fields))


DEATH_HISTORIES = {
    "registered": [death("funeral.DeathRegistered", "2024-03-01", [(DEAD, "deceased")], died_on="2024-03-01")],
    "date_corrected_later": [
        death("funeral.DeathRegistered", "2024-03-01", [(DEAD, "deceased")], died_on="2024-03-01"),
        death("funeral.DeathCorrected", "2024-09-01", [(DEAD, "deceased")], died_on="2024-06-01",
              previous_subject=DEAD, subject=DEAD, changes={"died_on": {"from": "2024-03-01", "to": "2024-06-01"}})],
    "wrong_person": [
        death("funeral.DeathRegistered", "2024-03-01", [(WRONG, "deceased")], died_on="2024-03-01"),
        death("funeral.DeathCorrected", "2024-09-01", [(DEAD, "deceased"), (WRONG, "wrongly_recorded")],
              died_on="2024-03-01", previous_subject=WRONG, subject=DEAD,
              changes={"id_number": {"from": WRONG, "to": DEAD}})],
    "body_identified": [
        death("funeral.DeathRegistered", "2024-03-01", [(TEMPORARY, "deceased")], died_on="2024-03-01"),
        death("funeral.BodyIdentified", "2024-05-01", [(TEMPORARY, "temporary"), (DEAD, "identified")],
              died_on="2024-03-01", temporary_id=TEMPORARY, id_number=DEAD)],
}


@pytest.mark.parametrize("person", [DEAD, WRONG])
@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("history", DEATH_HISTORIES, ids=str)
def test_alive_or_deceased_is_the_same_in_funeral_and_in_the_timeline_F7(history, as_of, person):
    events, day = DEATH_HISTORIES[history], dt.date.fromisoformat(as_of)
    producer = life_status(person, events, day)
    record = fold_death(events)
    if record is not None and record.subject_id == person and record.died_on <= day:
        assert (producer.alive, producer.died_on) == (False, record.died_on)
    else:
        assert producer.alive
    timeline = derive_facts([Entry.of("funeral", e) for e in events], {person}, day)
    assert (timeline["alive"], timeline["died_on"]) == (producer.alive, producer.died_on)


def test_f7_a_corrected_date_of_death_counts_before_the_correction_was_recorded():
    events = DEATH_HISTORIES["date_corrected_later"]
    assert life_status(DEAD, events, dt.date(2024, 4, 1)).alive
    assert life_status(DEAD, events, dt.date(2024, 7, 1)) == LifeStatus(
        False, dt.date(2024, 6, 1), "D-7", "funeral.DeathCorrected", "registered")


# -- child welfare status (C-1..C-6) ---------------------------------------------------------------------------
CHILD = "610502201501011234"


def child(event_type: str, on: str, **fields) -> Event:
    return recorded(event_type, on, [(CHILD, "child")], **payload_of(event_type, child_id="K-1", **fields))


CHILD_HISTORIES = {
    "applied": [child("child_welfare.ChildFileOpened", "2024-01-05", applied_on="2024-01-05")],
    "confirmed": [child("child_welfare.ChildFileOpened", "2024-01-05", applied_on="2024-01-05"),
                  child("child_welfare.EligibilityConfirmed", "2024-02-01", category="orphan",
                        decided_on="2024-02-01")],
    "rejected": [child("child_welfare.ChildFileOpened", "2024-01-05", applied_on="2024-01-05"),
                 child("child_welfare.ApplicationRejected", "2024-02-01", decided_on="2024-02-01")],
    "terminated_then_corrected": [
        child("child_welfare.ChildFileOpened", "2024-01-05", applied_on="2024-01-05"),
        child("child_welfare.EligibilityConfirmed", "2024-02-01", category="orphan", decided_on="2024-02-01"),
        child("child_welfare.SupportTerminated", "2024-03-01", reason="death", effective_on="2024-03-01"),
        child("child_welfare.TerminationCorrected", "2024-09-01", from_effective_on="2024-03-01",
              effective_on="2024-06-01", reason="death_corrected")],
    "termination_withdrawn": [
        child("child_welfare.ChildFileOpened", "2024-01-05", applied_on="2024-01-05"),
        child("child_welfare.EligibilityConfirmed", "2024-02-01", category="orphan", decided_on="2024-02-01"),
        child("child_welfare.SupportTerminated", "2024-03-01", reason="death", effective_on="2024-03-01"),
        child("child_welfare.TerminationCorrected", "2024-09-01", from_effective_on="2024-03-01",
              effective_on=None, reason="death_recorded_against_wrong_person")],
}


@pytest.mark.parametrize("history", CHILD_HISTORIES, ids=str)
def test_child_welfare_status_is_the_same_in_child_welfare_and_in_the_timeline(history):
    events = CHILD_HISTORIES[history]
    status = child_welfare_status(CHILD, events)
    file = fold_file(events)
    expected = {"applied": "applied", "checked": "applied", "confirmed": file.category}.get(file.status, file.status)
    assert (status["status"], status["category"]) == (expected, file.category)
    if file.termination is not None:
        assert status["since"] == file.termination.effective_on
    for as_of in DATES:
        day = dt.date.fromisoformat(as_of)
        timeline = derive_facts([Entry.of("child_welfare", e) for e in events], {CHILD}, day)
        assert timeline["child_welfare"] == child_welfare_status(CHILD, events, day)


def test_a_corrected_termination_date_moves_the_end_of_support():
    events = CHILD_HISTORIES["terminated_then_corrected"]
    assert child_welfare_status(CHILD, events, dt.date(2024, 4, 1))["status"] == "orphan"
    assert child_welfare_status(CHILD, events, dt.date(2024, 7, 1))["status"] == "terminated"
