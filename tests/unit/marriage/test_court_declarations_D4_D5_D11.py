"""D-4, D-5, D-11 in the marriage service: a court's death declaration dissolves the marriage on the judgment
date; its revocation revives it from the revocation date — never backwards — unless the survivor remarried
since or stated in writing that it is not to be restored (Civil Code 51), when both are divorced from that
date; a death withdrawn as registered in error never ended it."""

from __future__ import annotations

import datetime as dt

import pytest

from services.marriage.contract import events as contract
from services.marriage.contract.facts import marital_status
from services.marriage.domain import events as ev
from services.marriage.domain.marriage import decide_death, decide_declaration_revoked, decide_revival
from services.marriage.domain.registration import decide_refusal_record
from services.marriage.domain.rules import ApplicationRefused, PersonFacts
from tests.unit.marriage.given import MAN, TODAY, WOMAN, fold, register, registered_events

DECLARATION_ID = "5d0c7a1e-8b2f-4e3a-9c6d-2f1e0a9b8c7d"
JUDGMENT_ON = dt.date(2025, 3, 3)
REVOKED_ON = dt.date(2025, 6, 2)


def declared_dead() -> tuple[list, list]:
    given = registered_events()
    ended = decide_death(fold(given), MAN, JUDGMENT_ON, DECLARATION_ID, "declared")
    return given, ended


def test_D_4_a_death_declaration_dissolves_the_marriage_on_the_judgment_date_the_spouse_widowed():
    given, [ended] = declared_dead()

    assert (ended.type, ended.occurred_on, ended.payload["basis"]) == (
        ev.MARRIAGE_ENDED_BY_DEATH, JUDGMENT_ON, "declared")
    assert marital_status(WOMAN, [*given, ended], JUDGMENT_ON).marital_status == "widowed"
    assert marital_status(WOMAN, [*given, ended], JUDGMENT_ON - dt.timedelta(days=1)).marital_status == "married"


def test_D_5_a_revocation_revives_the_marriage_from_its_own_date_never_backwards():
    given, ended = declared_dead()
    [revived] = decide_declaration_revoked(fold(given, ended), DECLARATION_ID, REVOKED_ON, False, False)

    assert (revived.type, revived.payload["revived_on"]) == (ev.MARRIAGE_REVIVED, REVOKED_ON.isoformat())
    history = [*given, *ended, revived]
    assert marital_status(WOMAN, history, dt.date(2025, 5, 1)).marital_status == "widowed"  # earlier days stand
    now = marital_status(WOMAN, history, TODAY)
    assert (now.marital_status, now.registration_id) == ("married", fold(given).registration_id)
    assert fold(given, ended, [revived]).status == "married"  # same registration, in force again


def test_D_5_after_the_survivors_remarriage_or_written_statement_both_are_divorced_from_the_revocation():
    given, ended = declared_dead()
    widowed = fold(given, ended)
    for remarried, stated, reason in ((True, False, "survivor_remarried"), (False, True, "spouse_statement")):
        [not_revived] = decide_declaration_revoked(widowed, DECLARATION_ID, REVOKED_ON, remarried, stated)
        assert (not_revived.type, not_revived.payload["reason"]) == (contract.MarriageNotRevived.TYPE, reason)
        history = [*given, *ended, not_revived]
        assert marital_status(MAN, history, TODAY).as_json() == {
            "marital_status": "divorced", "since": REVOKED_ON.isoformat(), "registration_id": widowed.registration_id}
        assert marital_status(WOMAN, history, dt.date(2025, 5, 1)).marital_status == "widowed"


def test_D_5_a_revocation_of_another_declaration_changes_nothing():
    given, ended = declared_dead()
    assert decide_declaration_revoked(fold(given, ended), "another", REVOKED_ON, False, False) == []


def test_D_11_a_death_withdrawn_as_registered_in_error_never_ended_the_marriage():
    given = registered_events()
    ended = decide_death(fold(given), MAN, JUDGMENT_ON, "death-1")
    [revived] = decide_revival(fold(given, ended), "death-1", False, TODAY, "death_withdrawn")

    assert "revived_on" not in revived.payload
    history = [*given, *ended, revived]
    assert marital_status(WOMAN, history, JUDGMENT_ON).marital_status == "married"  # on every date


def test_D_4_D_8_the_declared_person_is_refused_deceased_and_the_refusal_names_the_basis_M3():
    declared = (PersonFacts(died_on=JUDGMENT_ON, death_basis="declared"), PersonFacts())
    with pytest.raises(ApplicationRefused) as refused:
        register(facts=declared)

    answer = refused.value.as_refusal("refusal-1")
    assert (answer.code, answer.status) == ("deceased", 409)
    assert {"loc": ["body", "parties", 0, "death_basis"], "msg": "declared"} in answer.errors
    assert "party 1 deceased (declared death)" in answer.detail
    [record] = decide_refusal_record(refused.value, "refusal-1")
    assert record.payload["death_bases"] == ["declared", None]


def test_D_8_a_registered_death_is_named_as_registered_and_the_living_name_no_basis_M3():
    with pytest.raises(ApplicationRefused) as refused:
        register(facts=(PersonFacts(), PersonFacts(died_on=JUDGMENT_ON, death_basis="registered")))
    assert refused.value.death_bases == (None, "registered")
    with pytest.raises(ApplicationRefused) as living:
        register(facts=(PersonFacts(married_in="r-1"), PersonFacts()))
    assert living.value.death_bases == ()
    assert "death_bases" not in decide_refusal_record(living.value, "refusal-2")[0].payload
