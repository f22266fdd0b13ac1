"""Decisions about whose death it is: registration (F-1), the relief-station death (V-8 → F-1, F-6),
identification of an unidentified body (F-6) and correction (F-7).

Cross-stream facts — whether the person already has a death, the temporary id allocated for an
unidentified body — are looked up by the application and handed in; the decisions stay pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from services.funeral.contract import events as contract
from services.funeral.contract.commands import CorrectDeath, IdentifyBody, OpenReliefStationDeath, RegisterDeath
from services.funeral.contract.refusals import (
    ALREADY_IDENTIFIED,
    BUSINESS_DATE_IN_FUTURE,
    IDENTIFICATION_BEFORE_DEATH,
    NOT_IDENTIFIED,
    NOTHING_TO_CORRECT,
)
from services.funeral.domain import rules
from services.funeral.domain.death import DeathRecord
from services.funeral.domain.events import Draft
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference.idnumber import IdNumber
from shared.reference.refusals import CONCURRENCY_CONFLICT

# The fields a correction may change, in the order they are reported.
CORRECTABLE = ("id_number", "died_on", "place_division", "natural", "certificate_no", "issuer", "police_case")


@dataclass(frozen=True)
class DeclaredDeath:
    """D-8: the person's standing death declaration, looked up by the application."""

    declaration_id: str
    died_on: dt.date  # the art. 48 date (D-3)


@dataclass(frozen=True)
class NewDeath:
    """What the application allocated or looked up for a registration."""

    death_id: str
    already_deceased: bool  # F-1: the person (ID number) already has a registered death
    temporary_id: str | None = None  # F-6: allocated for an unidentified body
    declared: DeclaredDeath | None = None  # D-8: a body found later of a person declared dead


DECLARED_DATE_CONFLICT = "declared_date_conflict"


def link_to_declaration_D8(declared: DeclaredDeath | None) -> dict[str, Any]:
    """D-8: a body found later is registered as any death and linked to the standing death declaration; the
    declaration's date travels with the death, so the registrar's review list (and every consumer) can tell a
    conflicting date without reading the declaration."""
    if declared is None:
        return {}
    return {"declaration_id": declared.declaration_id, "declared_died_on": declared.died_on.isoformat()}


def review_D8(declared_died_on: dt.date | None, died_on: dt.date) -> list[str]:
    """D-8: a date of death other than the declaration's goes to the registrar (civreg never decides which is
    right: the court revokes or the death is corrected, F-7)."""
    return [DECLARED_DATE_CONFLICT] if declared_died_on is not None and declared_died_on != died_on else []


def person_of(command: RegisterDeath | CorrectDeath | IdentifyBody, today: dt.date) -> IdNumber | None:
    """The ID number a command names, validated (0.1), or None."""
    return rules.check_id_number(command.id_number, today) if command.id_number is not None else None


def decide_registration(command: RegisterDeath, actor: Actor, today: dt.date, new: NewDeath) -> list[Draft]:
    """F-1 (and F-6 for an unidentified body): record a death at the actor's funeral home."""
    funeral_home = rules.check_place(command.funeral_home, "funeral_home", "funeral_home")
    rules.check_acts_for_place(actor, funeral_home)
    person = person_of(command, today)
    rules.check_recorded_on(command.died_on, actor, today, "died_on")
    if person is not None:
        rules.check_death_not_before_birth(person, command.died_on)
    rules.check_division(command.place_division)
    unidentified = command.unidentified
    police_case = unidentified.police_case if unidentified else command.police_case
    rules.check_unnatural_death_certified(command.natural, police_case)
    rules.check_one_death_per_person(new.already_deceased)
    subject = person.value if person else new.temporary_id
    assert subject is not None, "an unidentified body gets its temporary id from the application"
    payload = _registration_payload(
        new.death_id, command.died_on, command.place_division, command.natural, command.certificate_no,
        command.issuer, funeral_home, person is not None, police_case, "funeral_home", None,
        None if person else subject, unidentified.description if unidentified else None,
    )
    payload |= link_to_declaration_D8(new.declared if person is not None else None)
    return [Draft.of(contract.DeathRegistered(**payload), command.died_on, ((subject, "deceased"),))]


def decide_relief_station_death(
    command: OpenReliefStationDeath, today: dt.date, death_id: str, already_deceased: bool,
    declared: DeclaredDeath | None = None,
) -> list[Draft]:
    """V-8 → F-1: a death in a relief station's care opens the death record; a person without a known
    identity (the station's TMP- id) follows the unidentified-body procedure (F-6). The relief station's
    record is the authority here: no backdating limit, no police certification asked for."""
    identified = not command.subject_id.startswith(rules.TEMPORARY_PREFIX)
    if identified:
        person = rules.check_id_number(command.subject_id, today, field="subject")
        rules.check_death_not_before_birth(person, command.died_on)
    if command.died_on > today:
        raise Refusal(BUSINESS_DATE_IN_FUTURE, f"died_on {command.died_on} is after today ({today})")
    rules.check_division(command.place_division)
    rules.check_one_death_per_person(already_deceased)
    payload = _registration_payload(
        death_id, command.died_on, command.place_division, command.natural, command.certificate_no,
        command.issuer, command.funeral_home, identified, command.police_case, "relief_station",
        command.relief_case_id,
        None if identified else command.subject_id, None,
    )
    payload |= link_to_declaration_D8(declared if identified else None)
    return [Draft.of(contract.DeathRegistered(**payload), command.died_on, ((command.subject_id, "deceased"),))]


def _registration_payload(
    death_id: str, died_on: dt.date, place_division: str, natural: bool, certificate_no: str | None,
    issuer: str | None, funeral_home: str, identified: bool, police_case: str | None, source: str,
    relief_case_id: str | None, temporary_id: str | None, description: str | None,
) -> dict[str, Any]:
    return {
        "death_id": death_id, "died_on": died_on.isoformat(), "place_division": place_division,
        "natural": natural, "certificate_no": certificate_no, "issuer": issuer, "funeral_home": funeral_home,
        "identified": identified, "police_case": police_case, "source": source, "relief_case_id": relief_case_id,
        "temporary_id": temporary_id, "description": description,
    }


def decide_identification(
    record: DeathRecord, command: IdentifyBody, actor: Actor, today: dt.date, already_deceased: bool,
    declared: DeclaredDeath | None = None,
) -> list[Draft]:
    """F-6: the unidentified body is identified; the temporary subject is linked to the ID number — and, for a
    person declared dead, to the standing death declaration (D-8)."""
    rules.check_acts_for_place(actor, record.funeral_home)
    check_version(command.version, record)
    if record.identified:
        raise Refusal(ALREADY_IDENTIFIED, "this death is already of an identified person", 409)
    person = person_of(command, today)
    assert person is not None
    identified_on = command.identified_on or today
    rules.check_recorded_on(identified_on, actor, today, "identified_on")
    rules.check_not_before(identified_on, record.died_on, IDENTIFICATION_BEFORE_DEATH,
                           "identified_on is before the date of death", "identified_on")
    rules.check_death_not_before_birth(person, record.died_on)
    rules.check_one_death_per_person(already_deceased)
    temporary_id = record.temporary_id or record.subject_id
    payload = {"death_id": record.death_id, "temporary_id": temporary_id, "id_number": person.value,
               "identified_on": identified_on.isoformat(), "method": command.method,
               "died_on": record.died_on.isoformat(), **link_to_declaration_D8(declared)}
    return [Draft.of(contract.BodyIdentified(**payload), identified_on,
                     ((temporary_id, "temporary"), (person.value, "identified")))]


def decide_correction(
    record: DeathRecord, command: CorrectDeath, actor: Actor, today: dt.date, new_person_deceased: bool
) -> list[Draft]:
    """F-7: correct a recorded death with a reason. Moving it to another person names both, so that every
    consumer can undo what it did for the wrong person and apply the death to the right one."""
    rules.check_acts_for_place(actor, record.funeral_home)
    check_version(command.version, record)
    corrected_on = command.corrected_on or today
    rules.check_recorded_on(corrected_on, actor, today, "corrected_on")
    person = person_of(command, today)
    asked: dict[str, Any] = {name: getattr(command, name) for name in CORRECTABLE}
    if person is not None:
        asked["id_number"] = person.value
    changes = {name: {"from": _plain(getattr(record, name)), "to": _plain(value)}
               for name, value in asked.items() if value is not None and value != getattr(record, name)}
    if not changes:
        raise rules.refusal(NOTHING_TO_CORRECT, "the correction changes nothing")
    if "id_number" in changes:
        if not record.identified:
            raise Refusal(NOT_IDENTIFIED, "an unidentified body gets its ID number by identification", 409)
        rules.check_one_death_per_person(new_person_deceased)
    died_on = command.died_on or record.died_on
    if "died_on" in changes:
        rules.check_recorded_on(died_on, actor, today, "died_on")
    final_person = person or (rules.check_id_number(record.id_number, today) if record.id_number else None)
    if final_person is not None:
        rules.check_death_not_before_birth(final_person, died_on)
    if "place_division" in changes:
        rules.check_division(asked["place_division"])
    natural = record.natural if command.natural is None else command.natural
    rules.check_unnatural_death_certified(natural, command.police_case or record.police_case)
    subject = person.value if person is not None else record.subject_id
    subjects = ((subject, "deceased"),)
    if subject != record.subject_id:
        subjects += ((record.subject_id, "wrongly_recorded"),)
    payload = {"death_id": record.death_id, "reason": command.reason, "changes": changes,
               "previous_subject": record.subject_id, "subject": subject, "died_on": died_on.isoformat(),
               "corrected_on": corrected_on.isoformat()}
    return [Draft.of(contract.DeathCorrected(**payload), corrected_on, subjects)]


def check_version(expected: int | None, record: Any) -> None:
    """api.md If-Match: a command that names the version it read is refused once the record moved on."""
    if expected is not None and expected != record.version:
        raise Refusal(CONCURRENCY_CONFLICT, f"the record is at version {record.version}, not {expected}", 409)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
