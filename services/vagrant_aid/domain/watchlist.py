"""The watch list (易流浪走失人员信息库, V-10): persons prone to wandering or getting lost — dementia, mental
or intellectual disability — with the family to call.

An intake matches an entry by ID number, or by name, sex and approximate age (within a tolerance of
years, a dated parameter). Staff see the match and the contact; nothing is decided for them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from services.vagrant_aid.contract import events as contract
from services.vagrant_aid.contract.commands import AddToWatchList
from services.vagrant_aid.contract.refusals import BUSINESS_DATE_IN_FUTURE, SEX_AND_BIRTH_YEAR_REQUIRED
from services.vagrant_aid.domain import events as ev
from services.vagrant_aid.domain.decide import Clock
from services.vagrant_aid.domain.parameters import WATCHLIST_AGE_TOLERANCE, parameter
from services.vagrant_aid.domain.persons import age_of, check_identity_agrees, name_key, parse_identity
from services.vagrant_aid.domain.state import Case
from shared.errors import Refusal

MatchedBy = Literal["id_number", "name_sex_age"]


@dataclass(frozen=True)
class WatchEntry:
    entry_id: str
    name: str
    sex: str
    birth_year: int
    condition: str
    contacts: tuple[dict[str, Any], ...]
    id_number: str | None = None
    birth_date: dt.date | None = None
    description: str | None = None

    def age_on(self, day: dt.date) -> int:
        """Full years from the birth date if known, else the approximate age from the birth year."""
        return age_of(self.birth_date, day.year - self.birth_year, day) or 0


def matched_by(case: Case, entry: WatchEntry) -> MatchedBy | None:
    """V-10: how the case's person matches the entry, if at all."""
    if case.id_number is not None and case.id_number == entry.id_number:
        return "id_number"
    age = age_of(case.birth_date, case.estimated_age, case.arrived_on)
    if case.name is None or age is None or name_key(case.name) != name_key(entry.name) or case.sex != entry.sex:
        return None
    tolerance = int(parameter(WATCHLIST_AGE_TOLERANCE, case.arrived_on))
    return "name_sex_age" if abs(entry.age_on(case.arrived_on) - age) <= tolerance else None


def decide_add_entry(command: AddToWatchList, entry_id: str, registered_by: str | None,
                     clock: Clock) -> list[ev.Draft]:
    """V-10: add a person to the watch list. Without an ID number the sex and birth year are needed to
    match at all."""
    identity = parse_identity(command.id_number, today=clock.today, field=("body", "id_number")) \
        if command.id_number else None
    if identity is not None:
        check_identity_agrees(identity, command.sex, ("body", "sex"))
    elif command.sex is None or command.birth_year is None:
        raise Refusal(SEX_AND_BIRTH_YEAR_REQUIRED, "without an ID number, give the sex and the birth year",
                      errors=[{"loc": ["body", "birth_year" if command.sex else "sex"], "msg": "required"}])
    birth_year = identity.birth_date.year if identity else command.birth_year
    if birth_year is not None and birth_year > clock.today.year:
        raise Refusal(BUSINESS_DATE_IN_FUTURE, "the birth year is in the future",
                      errors=[{"loc": ["body", "birth_year"], "msg": "in the future"}])
    payload = ev.compact({
        "entry_id": entry_id, "id_number": identity.value if identity else None, "name": command.name,
        "sex": identity.sex if identity else command.sex, "birth_date": ev.iso(identity.birth_date if identity
                                                                               else None),
        "birth_year": birth_year, "condition": command.condition, "description": command.description,
        "contacts": [c.model_dump(mode="json") for c in command.contacts], "registered_by": registered_by,
        "registered_on": clock.today.isoformat(),
    })
    subjects = ev.person(identity.value, "watched") if identity else ()
    return [ev.Draft.of(contract.WatchListEntryAdded(**payload), clock.today, subjects)]


def entry_from(payload: dict[str, Any]) -> WatchEntry:
    return WatchEntry(
        entry_id=payload["entry_id"], name=payload["name"], sex=payload["sex"], birth_year=payload["birth_year"],
        condition=payload["condition"], contacts=tuple(payload["contacts"]), id_number=payload.get("id_number"),
        birth_date=dt.date.fromisoformat(payload["birth_date"]) if payload.get("birth_date") else None,
        description=payload.get("description"),
    )
