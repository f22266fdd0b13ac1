"""D-1..D-3, D-5, D-8, D-10, D-11: court declarations of death and disappearance as the funeral service records
them, the life status and the declared-missing fact they give, and the withdrawal of a death registered in
error. Given these events, when this command, then these events — or this refusal; no I/O."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from services.funeral.contract import events as contract
from services.funeral.contract.commands import (
    DeclareByCourt,
    FileSpouseStatement,
    IdentifyBody,
    RevokeDeclaration,
    SettleDeclarationReview,
    WithdrawDeath,
)
from services.funeral.contract.facts import declared_missing, life_status
from services.funeral.contract.seen_alive import SeenAlive, seen_after, sightings
from services.funeral.domain import declarations as d
from services.funeral.domain.death import fold as fold_death
from services.funeral.domain.events import Draft
from services.funeral.domain.registration import (
    DeclaredDeath,
    NewDeath,
    decide_identification,
    decide_registration,
    decide_relief_station_death,
    review_D8,
)
from shared.actor import Actor
from shared.errors import Refusal
from tests.unit.funeral.given import (
    DEATH_ID,
    FOUND_ON,
    OTHER_PERSON,
    PERSON,
    TODAY,
    days_ago,
    record,
    refused,
    registered,
    registration_command,
    relief_station_command,
    unidentified_registered,
)

REGISTRAR = Actor("registrar.MR-610502", "marriage_registrar", "MR-610502")
COURTS = Actor("bureau.courts", "bureau", bureau="courts")
POLICE = Actor("bureau.public_security", "bureau", bureau="public_security")
CLERK = Actor("clerk.MR-610502", "marriage_clerk", "MR-610502")
NONE_STANDS = d.Standing(False, None, None)
DECLARATION_ID = "5d0c7a1e-8b2f-4e3a-9c6d-2f1e0a9b8c7d"
MISSING_ID = "6e1d8b2f-9c3a-4f4b-8d7e-3a2f1b0c9d8e"
JUDGMENT_ON = dt.date(2025, 3, 3)


def declare(actor: Actor = REGISTRAR, standing: d.Standing = NONE_STANDS, declaration_id: str = DECLARATION_ID,
            **changes: Any) -> list[Draft]:
    fields: dict[str, Any] = {"kind": "death", "id_number": PERSON, "court": "渭南市临渭区人民法院",
                              "judgment_ref": "(2025)陕0502民特12号", "judgment_on": JUDGMENT_ON,
                              "missing_since": dt.date(2019, 1, 10)}
    fields.update(changes)
    command = DeclareByCourt(**{key: value for key, value in fields.items() if value is not None})
    return d.decide_declaration(command, actor, TODAY, declaration_id, standing)


def state(drafts: list[Draft]) -> d.Declaration:
    found = d.fold(drafts)
    assert found is not None
    return found


def revoke(drafts: list[Draft], revoked_on: dt.date = dt.date(2025, 6, 2), actor: Actor = REGISTRAR) -> list[Draft]:
    command = RevokeDeclaration(court="渭南市临渭区人民法院", judgment_ref="(2025)陕0502民特30号",
                                revoked_on=revoked_on)
    return d.decide_revocation(state(drafts), command, actor, TODAY, superseded=False)


def statement(drafts: list[Draft], by: str = OTHER_PERSON, stated_on: dt.date = dt.date(2025, 4, 1)) -> list[Draft]:
    command = FileSpouseStatement(by_id_number=by, stated_on=stated_on, document_ref="SM-2025-1")
    return d.decide_spouse_statement(state(drafts), command, REGISTRAR, TODAY, superseded=False)


# -- D-1 recording -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("actor", [REGISTRAR, COURTS], ids=["registrar", "courts"])
def test_D_1_a_marriage_registrar_or_the_courts_enter_a_declaration(actor: Actor):
    [event] = declare(actor)

    assert (event.type, event.occurred_on, event.subjects) == (
        contract.CourtDeclarationRecorded.TYPE, JUDGMENT_ON, ((PERSON, "declared"),))
    assert event.payload["judgment_ref"] == "(2025)陕0502民特12号"


@pytest.mark.parametrize("actor", [CLERK, POLICE, Actor("admin.city", "admin")], ids=["clerk", "police", "admin"])
def test_D_1_never_a_clerk_another_bureau_or_an_admin(actor: Actor):
    with refused("forbidden_role", 403):
        declare(actor)


def test_D_1_a_second_death_declaration_while_one_stands_is_refused():
    with refused("declaration_exists", 409):
        declare(standing=d.Standing(False, "another", None))


def test_D_1_a_person_whose_death_is_registered_is_not_declared():
    with refused("already_deceased", 409):
        declare(standing=d.Standing(True, None, None))


def test_D_1_a_missing_declaration_has_no_ground_or_date_of_death():
    with refused("ground_not_applicable"):
        declare(kind="missing", ground="missing_four_years")


def test_D_1_a_judgment_is_never_in_the_future():
    with refused("business_date_in_future"):
        declare(judgment_on=TODAY + dt.timedelta(days=1))


# -- D-2 plausibility ----------------------------------------------------------------------------------------------
def test_D_2_a_judgment_before_the_legal_minimum_is_recorded_only_when_a_registrar_confirms_it():
    too_early = {"missing_since": dt.date(2022, 1, 10)}  # + 4 years + 1 year notice: 2027 at the earliest
    with refused("declaration_implausible"):
        declare(**too_early)
    with refused("declaration_implausible"):
        declare(COURTS, plausibility_confirmed=True, **too_early)

    [event] = declare(plausibility_confirmed=True, **too_early)
    assert event.payload["plausibility_confirmed"] is True


def test_D_2_the_legal_minimums_of_each_kind_and_ground():
    since, on = dt.date(2020, 1, 1), dt.date(2025, 6, 1)
    assert d.earliest_judgment("missing", None, since, None, on) == dt.date(2022, 4, 1)
    assert d.earliest_judgment("death", "missing_four_years", since, None, on) == dt.date(2025, 1, 1)
    assert d.earliest_judgment("death", "accident_two_years", None, since, on) == dt.date(2023, 1, 1)
    assert d.earliest_judgment("death", "accident_certified", None, since, on) == dt.date(2020, 4, 1)


def test_D_2_the_minimums_are_dated_parameters_judged_by_the_judgment_date():
    """Before 民事诉讼法 1991 (in force 1991-04-09) the notice of a missing declaration ran half a year."""
    since = dt.date(1988, 1, 10)
    assert d.earliest_judgment("missing", None, since, None, dt.date(1991, 4, 8)) == dt.date(1990, 7, 10)
    assert d.earliest_judgment("missing", None, since, None, dt.date(1991, 4, 9)) == dt.date(1990, 4, 10)
    old_judgment = {"kind": "missing", "missing_since": since, "judgment_on": dt.date(1990, 5, 2),
                    "id_number": "61052119750310005X"}
    with refused("declaration_implausible"):
        declare(**old_judgment)  # three months' notice would do today; half a year was the rule then
    [event] = declare(**{**old_judgment, "judgment_on": dt.date(1990, 7, 10)})
    assert event.payload["plausibility_confirmed"] is False


def seen(service: str, on: dt.date) -> SeenAlive:
    return SeenAlive(service=service, on=on)


def test_d2_a_judgment_contradicted_by_civreg_seeing_the_person_alive_is_held_for_a_registrar():
    """Missing since 2019-01-10, lawful by date (2024-01-10 at the earliest), but a relief station took the
    person in on 2024-06-01: refused as implausible, the evidence named (service and date)."""
    sighting = seen("vagrant_aid", dt.date(2024, 6, 1))
    with pytest.raises(Refusal) as caught:
        declare(seen_alive=(sighting,))

    assert (caught.value.code, caught.value.status) == ("declaration_implausible", 422)
    assert caught.value.errors == [{"loc": ["seen_alive", 0, "vagrant_aid"], "msg": "2024-06-01"}]
    assert "vagrant_aid on 2024-06-01" in caught.value.detail


def test_d2_the_courts_cannot_confirm_a_sighting_a_registrar_does_and_it_is_recorded():
    sightings_ = (seen("marriage", dt.date(2023, 5, 20)), seen("vagrant_aid", dt.date(2024, 6, 1)))
    with refused("declaration_implausible"):
        declare(COURTS, plausibility_confirmed=True, seen_alive=sightings_)

    [event] = declare(plausibility_confirmed=True, seen_alive=sightings_)
    assert event.payload["plausibility_confirmed"] is True
    assert event.payload["seen_alive"] == [{"service": "marriage", "on": "2023-05-20"},
                                           {"service": "vagrant_aid", "on": "2024-06-01"}]


def test_d2_a_sighting_on_or_before_the_missing_date_contradicts_nothing():
    [event] = declare(seen_alive=(seen("marriage", dt.date(2019, 1, 10)), seen("adoption", dt.date(2015, 2, 2))))

    assert (event.payload["plausibility_confirmed"], event.payload["seen_alive"]) == (False, [])


def test_d2_on_the_accident_grounds_a_sighting_after_the_accident_contradicts_the_judgment():
    accident = {"missing_since": None, "ground": "accident_two_years", "deemed_dead_on": dt.date(2021, 8, 1)}
    declare(seen_alive=(seen("marriage", dt.date(2021, 7, 1)),), **accident)  # before the accident: lawful
    with refused("declaration_implausible"):
        declare(seen_alive=(seen("marriage", dt.date(2021, 9, 1)),), **accident)


def test_d2_a_missing_declaration_is_held_too():
    with refused("declaration_implausible"):
        declare(kind="missing", seen_alive=(seen("adoption", dt.date(2020, 3, 3)),))


def test_d2_sightings_are_the_timeline_entries_in_which_the_person_acts_in_person():
    entries = [
        {"type": "marriage.MarriageRegistered", "occurred_on": "2023-05-20", "roles": ["party"]},
        {"type": "marriage.MarriageRegistered", "occurred_on": "2023-05-20", "roles": ["party"]},  # one a day
        {"type": "vagrant_aid.PersonIdentified", "occurred_on": "2024-06-01", "roles": ["identified"]},
        {"type": "vagrant_aid.PersonIdentified", "occurred_on": "2024-06-02", "roles": ["temporary"]},
        {"type": "adoption.ApplicationReceived", "occurred_on": "2024-01-02", "roles": ["adoptee"]},  # a child
        {"type": "marriage.MarriageEndedByDeath", "occurred_on": "2024-02-02", "roles": ["party"]},
        {"type": "funeral.CourtDeclarationRecorded", "occurred_on": "2024-03-03", "roles": ["declared"]},
    ]

    assert sightings(entries) == [seen("marriage", dt.date(2023, 5, 20)), seen("vagrant_aid", dt.date(2024, 6, 1))]
    assert seen_after(sightings(entries), dt.date(2024, 1, 1)) == [seen("vagrant_aid", dt.date(2024, 6, 1))]
    assert seen_after(sightings(entries), None) == []


# -- D-3 date of death ---------------------------------------------------------------------------------------------
def test_D_3_death_dates_from_the_judgment_or_on_the_accident_grounds_from_the_accident():
    [by_judgment] = declare()
    accident = dt.date(2021, 8, 1)
    [by_accident] = declare(missing_since=None, ground="accident_two_years", deemed_dead_on=accident)

    assert by_judgment.payload["died_on"] == JUDGMENT_ON.isoformat()
    assert by_accident.payload["died_on"] == accident.isoformat()


def test_D_3_the_accident_grounds_need_the_accident_date():
    with refused("accident_date_required"):
        declare(missing_since=None, ground="accident_certified")


def test_D_3_a_death_declaration_supersedes_the_standing_missing_declaration():
    [event] = declare(standing=d.Standing(False, None, MISSING_ID))
    assert event.payload["supersedes"] == MISSING_ID


# -- D-5 revocation and the spouse's statement ---------------------------------------------------------------------
def test_D_5_a_revocation_acts_from_its_own_date_and_carries_the_spouses_statements():
    given = declare()
    given += statement(given)

    [event] = revoke(given)

    assert (event.type, event.occurred_on) == (contract.CourtDeclarationRevoked.TYPE, dt.date(2025, 6, 2))
    assert event.payload["spouse_statements"] == [OTHER_PERSON]


def test_D_5_a_revocation_before_the_judgment_or_of_a_revoked_declaration_is_refused():
    given = declare()
    with refused("revocation_before_judgment"):
        revoke(given, revoked_on=JUDGMENT_ON - dt.timedelta(days=1))
    given += revoke(given)
    with refused("declaration_revoked", 409):
        revoke(given)


def test_D_5_the_statement_is_about_a_standing_death_declaration_by_someone_else():
    missing = declare(kind="missing", missing_since=dt.date(2020, 1, 1))
    with refused("statement_not_applicable", 409):
        statement(missing)
    with refused("statement_not_applicable", 409):
        statement(declare(), by=PERSON)
    with refused("declaration_dates_invalid"):
        statement(declare(), stated_on=JUDGMENT_ON - dt.timedelta(days=1))


# -- D-7 adoptions stand --------------------------------------------------------------------------------------------
def test_D_7_no_effect_of_a_declaration_or_its_revocation_touches_an_adoption():
    given = declare()
    given += revoke(given)
    found = d.effects(state(given), None)
    assert found and not [effect for effect in found if "adopt" in f"{effect['service']} {effect['effect']}"]


# -- D-8, D-10 life status and the declared-missing fact -----------------------------------------------------------
def test_D_8_D_10_a_declared_person_is_deceased_with_basis_declared_from_judgment_to_revocation():
    given = declare(missing_since=None, ground="accident_two_years", deemed_dead_on=dt.date(2021, 8, 1))
    given += revoke(given)

    before, during, after = (life_status(PERSON, given, day) for day in
                             (JUDGMENT_ON - dt.timedelta(days=1), dt.date(2025, 5, 1), dt.date(2025, 6, 2)))
    assert before.alive and after.alive
    assert (during.alive, during.died_on, during.death_basis) == (False, dt.date(2021, 8, 1), "declared")
    assert life_status(PERSON, given).alive  # today: revoked


def test_D_8_a_registered_death_outweighs_a_declared_one_and_names_its_basis():
    given = [*declare(), *registered()]
    status = life_status(PERSON, given)
    assert (status.death_basis, status.basis) == ("registered", contract.DeathRegistered.TYPE)


# -- D-8 a body found later ---------------------------------------------------------------------------------------
def found_later(died_on: dt.date, declared: DeclaredDeath | None) -> list[Draft]:
    command = registration_command(died_on=died_on)
    return decide_registration(command, given_staff(), TODAY, NewDeath(DEATH_ID, False, declared=declared))


def given_staff() -> Actor:
    return Actor("funeral.FH-610502", "funeral_staff", "FH-610502")


def test_d8_a_body_found_later_is_registered_and_linked_to_the_standing_death_declaration():
    [event] = found_later(days_ago(10), DeclaredDeath(DECLARATION_ID, days_ago(10)))

    assert event.type == contract.DeathRegistered.TYPE
    assert (event.payload["declaration_id"], event.payload["declared_died_on"]) == (DECLARATION_ID,
                                                                                     days_ago(10).isoformat())
    assert review_D8(days_ago(10), days_ago(10)) == []  # the same date: nothing for the registrar


def test_d8_a_date_of_death_other_than_the_declarations_goes_to_the_registrar():
    [event] = found_later(days_ago(3), DeclaredDeath(DECLARATION_ID, JUDGMENT_ON))

    declared_on = dt.date.fromisoformat(event.payload["declared_died_on"])
    assert review_D8(declared_on, dt.date.fromisoformat(event.payload["died_on"])) == ["declared_date_conflict"]


def settle(events: list[Draft], outcome: str = "declared_date_stands", actor: Actor = REGISTRAR,
           standing: bool = True, **fields: Any) -> list[Draft]:
    record = fold_death(events)
    assert record is not None
    command = SettleDeclarationReview(outcome=outcome, reason="遗体鉴定无法确定死亡日期，以判决认定为准", **fields)
    return d.decide_settle_declaration_review(record, command, actor, TODAY, standing)


def test_d8_the_registrar_settles_a_conflicting_date_with_the_outcome_and_reason_and_neither_date_changes():
    given = found_later(days_ago(3), DeclaredDeath(DECLARATION_ID, JUDGMENT_ON))
    record = fold_death(given)
    assert record is not None and d.review_pending_D8(record, declaration_standing=True)

    [event] = settle(given, "registered_date_stands", version=1)

    assert event.type == contract.DeclarationReviewSettled.TYPE
    assert event.subjects == ((PERSON, "deceased"),)
    assert {k: event.payload[k] for k in ("death_id", "declaration_id", "outcome", "settled_on", "died_on",
                                           "declared_died_on")} == {
        "death_id": DEATH_ID, "declaration_id": DECLARATION_ID, "outcome": "registered_date_stands",
        "settled_on": TODAY.isoformat(), "died_on": days_ago(3).isoformat(),
        "declared_died_on": JUDGMENT_ON.isoformat()}
    settled = fold_death([*given, event])
    assert settled is not None and settled.died_on == days_ago(3)  # civreg decides neither date
    assert not d.review_pending_D8(settled, declaration_standing=True)  # it leaves the task list
    with refused("no_review_pending", 409):
        settle([*given, event])


def test_d8_a_settled_date_corrected_to_yet_another_date_waits_for_the_registrar_again():
    given = found_later(days_ago(3), DeclaredDeath(DECLARATION_ID, JUDGMENT_ON))
    settled = fold_death([*given, *settle(given)])
    assert settled is not None
    corrected = dataclasses.replace(settled, died_on=days_ago(5))  # F-7: a new registered date
    assert d.review_pending_D8(corrected, declaration_standing=True)
    assert not d.review_pending_D8(dataclasses.replace(settled, died_on=JUDGMENT_ON), declaration_standing=True)


def test_d8_nothing_to_settle_without_a_conflict_a_standing_declaration_or_by_anyone_but_a_registrar():
    conflicting = found_later(days_ago(3), DeclaredDeath(DECLARATION_ID, JUDGMENT_ON))
    with refused("no_review_pending", 409):
        settle(found_later(days_ago(10), DeclaredDeath(DECLARATION_ID, days_ago(10))))  # the same date
    with refused("no_review_pending", 409):
        settle(found_later(days_ago(3), None))  # never declared
    with refused("no_review_pending", 409):
        settle(conflicting, standing=False)  # revoked: the court settled it (D-5)
    with refused("forbidden_role", 403):
        settle(conflicting, actor=given_staff())
    with refused("concurrency_conflict", 409):
        settle(conflicting, version=2)
    with refused("business_date_in_future", 422):
        settle(conflicting, settled_on=TODAY + dt.timedelta(days=1))


def test_d8_an_unidentified_body_identified_as_a_person_declared_dead_is_linked():
    """F-6: the body found on FOUND_ON is identified as the declared person: the identification names the
    declaration and its date, which differs from the day the body was found: the registrar reviews it."""
    body = record(unidentified_registered())
    command = IdentifyBody(id_number=PERSON, method="dna", identified_on=days_ago(1))

    [event] = decide_identification(body, command, given_staff(), TODAY, False, DeclaredDeath(DECLARATION_ID,
                                                                                              JUDGMENT_ON))

    assert (event.payload["declaration_id"], event.payload["declared_died_on"]) == (DECLARATION_ID, "2025-03-03")
    assert review_D8(JUDGMENT_ON, FOUND_ON) == ["declared_date_conflict"]


def test_d8_a_relief_station_death_of_a_person_declared_dead_is_linked_and_a_temporary_id_never_is():
    declared = DeclaredDeath(DECLARATION_ID, JUDGMENT_ON)
    [known] = decide_relief_station_death(relief_station_command(subject_id=PERSON), TODAY, DEATH_ID, False,
                                          declared)
    [unknown] = decide_relief_station_death(relief_station_command(), TODAY, DEATH_ID, False, declared)

    assert known.payload["declaration_id"] == DECLARATION_ID
    assert "declaration_id" not in unknown.payload


def test_d8_a_death_of_a_person_never_declared_links_nothing():
    [event] = found_later(days_ago(3), None)

    assert "declaration_id" not in event.payload and "declared_died_on" not in event.payload
    assert review_D8(None, days_ago(3)) == []


def test_d8_d10_the_registered_death_outweighs_the_declaration_from_its_own_date():
    """D-10 as decided (docs/declarations.md): the declaration stands from the judgment; a body found later dated
    after it gives `registered` from its date of death, the declared basis before it (the judgment is not
    undone by civreg: only the court revokes)."""
    later = days_ago(3)
    given = [*declare(), *found_later(later, DeclaredDeath(DECLARATION_ID, JUDGMENT_ON))]

    between, after = life_status(PERSON, given, later - dt.timedelta(days=1)), life_status(PERSON, given, later)
    assert (between.death_basis, between.died_on) == ("declared", JUDGMENT_ON)
    assert (after.death_basis, after.died_on) == ("registered", later)


def test_d8_d10_a_body_dated_before_the_judgment_is_registered_from_its_own_date():
    earlier = days_ago(20)
    given = [*declare(judgment_on=days_ago(5)), *found_later(earlier, DeclaredDeath(DECLARATION_ID, days_ago(5)))]

    status = life_status(PERSON, given, days_ago(10))
    assert (status.alive, status.death_basis, status.died_on) == (False, "registered", earlier)


def test_D_10_declared_missing_until_revoked_or_superseded_by_a_death_declaration():
    missing = declare(kind="missing", declaration_id=MISSING_ID, missing_since=dt.date(2020, 1, 1))
    death = declare(judgment_on=dt.date(2025, 5, 5), standing=d.Standing(False, None, MISSING_ID),
                    missing_since=dt.date(2019, 1, 1))
    given = [*missing, *death]

    fact = declared_missing(PERSON, given, dt.date(2025, 4, 1))
    assert fact is not None
    assert (fact["since"], fact["case_no"]) == (JUDGMENT_ON, "(2025)陕0502民特12号")
    assert declared_missing(PERSON, given, dt.date(2025, 5, 5)) is None
    assert declared_missing(PERSON, given) is None
    assert declared_missing(PERSON, [*missing, *revoke(missing)], dt.date(2025, 6, 2)) is None


# -- D-11 withdrawal of a death registered in error -----------------------------------------------------------------
def withdraw(record_events: list[Draft], actor: Actor = REGISTRAR) -> list[Draft]:
    record = fold_death(record_events)
    assert record is not None
    return d.decide_withdraw_death(record, WithdrawDeath(reason="本人仍健在", document_ref="HJ-2025-7"), actor, TODAY)


def test_D_11_a_death_registered_in_error_is_withdrawn_and_the_person_was_alive_on_every_date():
    given = registered()
    [event] = withdraw(given)

    assert event.type == contract.DeathWithdrawn.TYPE
    assert event.subjects == ((PERSON, "withdrawn"),)
    history = [*given, event]
    assert life_status(PERSON, history).alive
    assert life_status(PERSON, history, TODAY - dt.timedelta(days=1)).alive
    with refused("death_withdrawn", 409):
        withdraw(history)


def test_D_11_only_a_registrar_withdraws_and_never_while_a_cremation_hangs_on_the_record():
    with refused("forbidden_role", 403):
        withdraw(registered(), actor=Actor("funeral.FH-610502", "funeral_staff", "FH-610502"))
    record = fold_death(registered())
    assert record is not None
    cremated = dataclasses.replace(record, cremation=object())  # type: ignore[arg-type]
    with refused("body_disposed", 409):
        d.decide_withdraw_death(cremated, WithdrawDeath(reason="本人仍健在", document_ref="HJ-2025-7"), REGISTRAR,
                                TODAY)


def test_D_11_a_relief_station_death_withdrawn_names_its_relief_case_which_returns_to_the_staff():
    opened = decide_relief_station_death(relief_station_command(subject_id=PERSON, certificate_no="F-1",
                                                                issuer="渭南市中心医院"), TODAY, DEATH_ID, False)
    [event] = withdraw(opened)
    assert event.payload["relief_case_id"] == "case-1"
    assert withdraw(registered())[0].payload.get("relief_case_id") is None  # a funeral home's death: no case
