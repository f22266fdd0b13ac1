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

from services.adoption.contract.facts import parents_by_adoption
from services.adoption.domain.state import fold as fold_adoption
from services.child_welfare.contract.facts import child_welfare_status
from services.child_welfare.domain.file import fold as fold_file
from services.funeral.contract.facts import LifeStatus, declared_missing, life_status
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


def ended_by_death(rid: str, died_on: str, deceased: str = HUSBAND, survivor: str = WIFE, **basis) -> Event:
    return recorded("marriage.MarriageEndedByDeath", died_on, [(deceased, "deceased"), (survivor, "survivor")],
                    registration_id=rid, died_on=died_on, death_id="D-1", deceased_id_number=deceased,
                    survivor_id_number=survivor, **basis)


def death_date_corrected(rid: str, died_on: str, previous: str, on: str) -> Event:
    return recorded("marriage.DeathDateCorrected", on, [(HUSBAND, "party"), (WIFE, "party")],
                    registration_id=rid, death_id="D-1", died_on=died_on, previous_died_on=previous)


def revived(rid: str, on: str, **since) -> Event:
    return recorded("marriage.MarriageRevived", on, [(HUSBAND, "party"), (WIFE, "party")],
                    registration_id=rid, reason="death_corrected", death_id="D-1", **since)


def not_revived(rid: str, on: str) -> Event:
    return recorded("marriage.MarriageNotRevived", on, [(HUSBAND, "party"), (WIFE, "party")],
                    registration_id=rid, declaration_id="D-1", reason="spouse_statement", divorced_on=on)


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
    # D-4, D-5: a death declaration ends the marriage on the judgment date; its revocation revives it from the
    # revocation date, never backwards — or, after the spouse's statement (Civil Code 51), divorces them then.
    "declared_dead_then_revoked": [registered("R1", "2020-05-01"), ended_by_death("R1", "2024-03-01",
                                                                                  basis="declared"),
                                   revived("R1", "2024-06-15", revived_on="2024-06-15")],
    "declared_dead_not_revived": [registered("R1", "2020-05-01"), ended_by_death("R1", "2024-03-01",
                                                                                 basis="declared"),
                                  not_revived("R1", "2024-06-15")],
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


def test_d5_a_revoked_declaration_revives_the_marriage_from_its_own_date_never_backwards():
    events = HISTORIES["declared_dead_then_revoked"]
    for day, status in (("2024-04-01", "widowed"), ("2024-07-01", "married")):
        answer = marriage_marital_status(WIFE, events, dt.date.fromisoformat(day))
        assert answer.marital_status == status, day
    statement = HISTORIES["declared_dead_not_revived"]
    assert marriage_marital_status(WIFE, statement, dt.date(2024, 7, 1)).marital_status == "divorced"


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


def declaration(event_type: str, on: str, declaration_id: str = "CD-1", **fields) -> Event:
    return recorded(event_type, on, [(DEAD, "declared")],
                    **payload_of(event_type, declaration_id=declaration_id, court="渭南市临渭区人民法院", **fields))


def declared(kind: str, on: str, declaration_id: str = "CD-1", **fields) -> Event:
    return declaration("funeral.CourtDeclarationRecorded", on, declaration_id, kind=kind, judgment_on=on,
                       judgment_ref=f"(2024)陕0502民特{declaration_id}号", **fields)


def revoked_declaration(kind: str, on: str, declaration_id: str = "CD-1") -> Event:
    return declaration("funeral.CourtDeclarationRevoked", on, declaration_id, kind=kind, revoked_on=on,
                       judgment_ref=f"(2024)陕0502民特{declaration_id}撤号")


# D-1..D-11: court declarations, their revocation, and a registered death beside a declared one.
DECLARATION_HISTORIES = {
    "declared_dead": [declared("death", "2024-03-01", died_on="2023-12-01", ground="accident_two_years")],
    "declared_dead_then_revoked": [declared("death", "2024-03-01", died_on="2024-03-01"),
                                   revoked_declaration("death", "2024-06-15")],
    "missing_then_dead": [declared("missing", "2023-06-01", missing_since="2021-01-01"),
                          declared("death", "2024-03-01", "CD-2", died_on="2024-03-01", supersedes="CD-1")],
    "missing_then_revoked": [declared("missing", "2023-06-01", missing_since="2021-01-01"),
                             revoked_declaration("missing", "2024-06-15")],
    "declared_then_registered": [declared("death", "2024-03-01", died_on="2024-03-01"),
                                 death("funeral.DeathRegistered", "2024-05-01", [(DEAD, "deceased")],
                                       died_on="2024-02-20")],
}
EXPECTED_ON_2024_04_01 = {  # alive, died_on, death basis, declared missing on that day
    "declared_dead": (False, dt.date(2023, 12, 1), "declared", False),
    "declared_dead_then_revoked": (False, dt.date(2024, 3, 1), "declared", False),
    "missing_then_dead": (False, dt.date(2024, 3, 1), "declared", False),
    "missing_then_revoked": (True, None, None, True),
    "declared_then_registered": (False, dt.date(2024, 2, 20), "registered", False),
}


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("history", DECLARATION_HISTORIES, ids=str)
def test_declared_dead_or_missing_is_the_same_in_funeral_and_in_the_timeline_D10(history, as_of):
    events, day = DECLARATION_HISTORIES[history], dt.date.fromisoformat(as_of)
    producer = life_status(DEAD, events, day)
    missing = declared_missing(DEAD, events, day)
    timeline = derive_facts([Entry.of("funeral", e) for e in events], {DEAD}, day)
    assert (timeline["alive"], timeline["died_on"], timeline["death_basis"], timeline["declared_missing"]) == (
        producer.alive, producer.died_on, producer.death_basis, missing)


@pytest.mark.parametrize("history", DECLARATION_HISTORIES, ids=str)
def test_a_declaration_counts_from_its_judgment_to_its_revocation_D5_D8(history):
    events = DECLARATION_HISTORIES[history]
    day = dt.date(2024, 4, 1)
    status, missing = life_status(DEAD, events, day), declared_missing(DEAD, events, day)
    assert (status.alive, status.died_on, status.death_basis, missing is not None) == EXPECTED_ON_2024_04_01[history]
    assert life_status(DEAD, events, dt.date(2023, 1, 1)).alive  # never backwards from the judgment
    after_revocation = life_status(DEAD, events, dt.date(2024, 7, 1))
    if history.endswith("revoked"):
        assert after_revocation.alive and declared_missing(DEAD, events, dt.date(2024, 7, 1)) is None


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


# -- parents by adoption (A-13, A-14, A-16, A-17) --------------------------------------------------------------
ADOPTEE, ADOPTER, SECOND_ADOPTER = "610502201801011238", "610502198501011237", "61050219860202224X"


def adoption(event_type: str, on: str, **fields) -> Event:
    subjects = [(ADOPTEE, "adoptee"), (ADOPTER, "adopter"), (SECOND_ADOPTER, "adopter")]
    return recorded(event_type, on, subjects, **payload_of(event_type, adoption_id="A-1", **fields))


def adopted(on: str, sealed: bool) -> Event:
    people = [{"id_number": ADOPTER, "name": "甲"}, {"id_number": SECOND_ADOPTER, "name": "乙"}]
    return adoption("adoption.AdoptionRegistered", on, office="AR-610502", registered_on=on, sealed=sealed,
                    child={"id_number": ADOPTEE, "name": "丙"}, adopters=people, certificates=[])


ADOPTION_HISTORIES = {
    "sealed": [adopted("2022-03-01", sealed=True)],
    "not_sealed": [adopted("2022-03-01", sealed=False)],
    "dissolved": [adopted("2022-03-01", sealed=False),
                  adoption("adoption.AdoptionDissolved", "2024-06-01", by="agreement", dissolved_on="2024-06-01")],
    "revoked": [adopted("2022-03-01", sealed=False),
                adoption("adoption.AdoptionRevoked", "2024-06-01", by="registry", revoked_on="2024-06-01",
                         document_ref="撤销决定书")],
}


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("history", ADOPTION_HISTORIES, ids=str)
def test_parents_by_adoption_are_the_same_in_adoption_and_in_the_timeline_A13(history, as_of):
    events, day = ADOPTION_HISTORIES[history], dt.date.fromisoformat(as_of)
    producer = parents_by_adoption({ADOPTEE}, events, day)
    timeline = derive_facts([Entry.of("adoption", e) for e in events], {ADOPTEE}, day)
    assert timeline["parents"] == producer
    state = fold_adoption(events)  # the adoption service's own record: registered, dissolved or void
    registered = day >= state.registered_on
    ended = {"registered": False, "dissolved": day >= dt.date(2024, 6, 1), "void": True}[state.status]
    assert bool(producer) == (registered and not ended)


def test_a14_a_sealed_adoption_shows_the_adopters_as_parents_unmarked_and_a17_a_revoked_one_never_held():
    assert parents_by_adoption({ADOPTEE}, ADOPTION_HISTORIES["sealed"]) == [
        {"id_number": ADOPTER, "relation": "parent"}, {"id_number": SECOND_ADOPTER, "relation": "parent"}]
    assert parents_by_adoption({ADOPTEE}, ADOPTION_HISTORIES["revoked"], dt.date(2023, 1, 1)) == []
