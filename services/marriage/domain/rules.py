"""The marriage rules as guards: each `check_*` returns quietly or raises a `Refusal` with a stable code.

Rule ids (design/domain.md, section 1) are in each docstring; the tests carry them too. Status: 422 for a
rule or schema broken by the input, 409 for a conflict with the current state, 403 for a clerk acting for
another office. The application rules of a registration (M-1 to M-6) are not raised one by one: every
broken one is collected as a reason (`registration_reasons`), because M-5 records all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from services.marriage.contract.refusals import (  # M-5 reason codes: M-4, M-2, M-1, M-6, M-3
    ALREADY_MARRIED,
    BELOW_LEGAL_AGE,
    DECEASED,
    FORBIDDEN_PLACE,
    INVALID_ID_NUMBER,
    INVALID_PLACE,
    MISSING_DECLARATION,
    NOT_IN_JURISDICTION,
    NOT_ONE_MAN_ONE_WOMAN,
)
from services.marriage.domain import parameters
from shared.actor import Actor
from shared.business_dates import check_business_date
from shared.county_division import check_county_division
from shared.errors import Refusal
from shared.reference.dates import age_on
from shared.reference.divisions import in_city, present_county, province_of
from shared.reference.idnumber import IdNumber, InvalidIdNumber, check_digit, parse_id_number
from shared.reference.places import InvalidPlace, parse_place
from shared.reference.refusals import CONCURRENCY_CONFLICT

CONFLICTS_WITH_STATE = frozenset({ALREADY_MARRIED, DECEASED})  # 409; the others are 422


def refusal(code: str, detail: str, status: int = 422, field: str | None = None) -> Refusal:
    return Refusal(code, detail, status, [{"loc": ["body", field], "msg": detail}] if field else [])


# -- persons, places, dates (0.1, 0.2, api.md) --------------------------------------------------------------
def check_id_number(text: str, today: dt.date, field: str = "id_number", *,
                    allow_first_generation: bool = False) -> IdNumber:
    """0.1: a valid 18-character ID number; 15-digit first-generation numbers only in imports (M-12)."""
    try:
        return parse_id_number(text, today=today, allow_first_generation=allow_first_generation)
    except (InvalidIdNumber, TypeError) as exc:
        reason = getattr(exc, "reason", "format")
        raise refusal(INVALID_ID_NUMBER, f"not a valid ID number ({reason})", field=field) from None


def second_generation(person: IdNumber, today: dt.date) -> IdNumber:
    """A 15-digit first-generation number as the 18-digit number the same person holds today (GB 11643: the
    century "19" inserted before the birth date, the check character appended), so that an imported
    marriage meets the person's later registrations under M-3."""
    if not person.first_generation:
        return person
    first17 = person.value[:6] + "19" + person.value[6:]
    return check_id_number(first17 + check_digit(first17), today)


def check_office(code: str, field: str = "office") -> str:
    """0.2: a registry office code (MR-610502) of a known city or county."""
    if not _is_registry_office(code):
        raise refusal(INVALID_PLACE, f"{field} is not a registry office code", field=field)
    return code


@lru_cache(maxsize=4096)
def _is_registry_office(code: str) -> bool:
    """Cached: an import checks the same few offices a hundred thousand times."""
    try:
        return parse_place(code).kind == "registry_office"
    except InvalidPlace:
        return False


def office_division(office: str) -> str:
    return office.removeprefix("MR-")


def check_household_division(code: str, field: str) -> str:
    """M-6: a household registration is a county-level division, present or historical (`invalid_division`)."""
    return check_county_division(code, field)


def check_records_business(actor: Actor) -> None:
    """Separation of duties (issue 12, api.md release 2): an admin administers accounts and reference data
    and records no marriage business."""
    actor.check_records_business("registrations, divorces or appointments")


def check_acts_for_office(actor: Actor, office: str) -> None:
    """Clerks act at their own office only (as relief staff do for stations); registrars act for the city;
    admins record no business at all."""
    check_records_business(actor)
    if actor.role == "marriage_clerk" and actor.office != office:
        raise Refusal(FORBIDDEN_PLACE, f"{actor.office or 'this principal'} may not act for {office}", 403)


def check_business_day(day: dt.date, actor: Actor, today: dt.date, field: str) -> None:
    """api.md: never in the future; clerks up to 30 days back, registrars and admins without limit."""
    check_business_date(day, today=today, unlimited_backdating=actor.unlimited_backdating, field=field)


def check_version(expected: int | None, actual: int) -> None:
    """api.md If-Match: a command naming the version it read is refused once the resource moved on."""
    if expected is not None and expected != actual:
        raise Refusal(CONCURRENCY_CONFLICT, f"the resource is at version {actual}, not {expected}", 409)


# -- M-1 to M-6: the application rules of a registration ------------------------------------------------------
def check_declaration(signed: bool) -> list[str]:
    """M-4: kinship cannot be checked from data; both parties' signed declaration is required."""
    return [] if signed else [MISSING_DECLARATION]


def check_one_man_one_woman(persons: Sequence[IdNumber]) -> list[str]:
    """M-2: one man and one woman, sex from the ID numbers; two different persons."""
    sexes = sorted(person.sex for person in persons)
    distinct = len({person.value for person in persons}) == len(persons)
    return [] if sexes == ["female", "male"] and distinct else [NOT_ONE_MAN_ONE_WOMAN]


def check_minimum_age(persons: Sequence[IdNumber], on: dt.date) -> list[str]:
    """M-1: man ≥ 22, woman ≥ 20 full years on the registration date (dated parameters)."""
    for person in persons:
        if on < person.birth_date or age_on(person.birth_date, on) < parameters.minimum_age(person.sex, on):
            return [BELOW_LEGAL_AGE]
    return []


def in_jurisdiction(office: str, households: Sequence[str], on: dt.date) -> bool:
    """M-6: which offices may register a couple on `on` (dated 通办 phases)."""
    phase = parameters.jurisdiction(on)
    where = office_division(office)
    if phase == "national":
        return True
    if phase == "household_county":
        return where in {present_county(h) for h in households}
    if phase == "city":
        return any(in_city(h) for h in households)
    return any(province_of(present_county(h)) == province_of(where) for h in households)


def check_jurisdiction(office: str, households: Sequence[str], on: dt.date) -> list[str]:
    """M-6: the office may handle the couple under the phase in force on the registration date."""
    return [] if in_jurisdiction(office, households, on) else [NOT_IN_JURISDICTION]


def is_cross_county(office: str, households: Sequence[str]) -> bool:
    """M-6: handled outside both parties' home counties (the plan's 市内通办 indicator)."""
    return office_division(office) not in {present_county(h) for h in households}


@dataclass(frozen=True)
class PersonFacts:
    """What the service knows of a person when deciding (inline read models)."""

    married_in: str | None = None  # the registration id of the current marriage
    died_on: dt.date | None = None
    dishonest: tuple[dict, ...] = ()  # M-10 list entries: {registration_id, document_ref, listed_on}
    death_basis: str | None = None  # M-3, D-8: `registered` (F-1) or `declared` (a court's death declaration)


def check_not_married(facts: Sequence[PersonFacts]) -> list[str]:
    """M-3: neither party married at that moment, whichever office registered the earlier marriage."""
    return [ALREADY_MARRIED] if any(f.married_in for f in facts) else []


def check_not_deceased(facts: Sequence[PersonFacts]) -> list[str]:
    """M-3: a party recorded as deceased cannot marry."""
    return [DECEASED] if any(f.died_on for f in facts) else []


def death_bases(facts: Sequence[PersonFacts]) -> tuple[str | None, ...]:
    """M-3, D-8: the basis of each party's death (`registered`, `declared`), None for the living; what the
    `deceased` refusal names. Empty when no party is deceased."""
    bases = tuple(f.death_basis or "registered" if f.died_on else None for f in facts)
    return bases if any(bases) else ()


class ApplicationRefused(Exception):
    """M-5: the application broke rules; `reasons` are their codes. The application records the refusal
    and answers with `as_refusal()`."""

    def __init__(self, reasons: list[str], persons: Sequence[IdNumber], office: str, refused_on: dt.date,
                 warnings: Sequence[dict] = (), death_bases: Sequence[str | None] = ()) -> None:
        super().__init__(", ".join(reasons))
        self.reasons, self.persons, self.office, self.refused_on = reasons, tuple(persons), office, refused_on
        self.warnings = tuple(warnings)  # M-10 entries the clerk reads with the refusal
        self.death_bases = tuple(death_bases)  # M-3, D-8: per party, the basis `deceased` names

    def with_warnings(self, warnings: Sequence[dict]) -> ApplicationRefused:
        return ApplicationRefused(self.reasons, self.persons, self.office, self.refused_on, warnings,
                                  self.death_bases)

    def as_refusal(self, refusal_id: str | None = None) -> Refusal:
        warnings = self.warnings
        first = self.reasons[0]
        status = 409 if all(reason in CONFLICTS_WITH_STATE for reason in self.reasons) else 422
        errors = [{"loc": ["body", "reasons", n], "msg": reason} for n, reason in enumerate(self.reasons)]
        errors += [{"loc": ["warnings", n], "msg": warning_text(w)} for n, w in enumerate(warnings)]
        # M-3, D-8: `deceased` names its basis, party by party (the parties' order of the application)
        errors += [{"loc": ["body", "parties", n, "death_basis"], "msg": basis}
                   for n, basis in enumerate(self.death_bases) if basis]
        bases = "; ".join(f"party {n + 1} deceased ({basis} death)" for n, basis in enumerate(self.death_bases)
                          if basis)
        detail = (f"refused ({', '.join(self.reasons)})" + (f"; {bases}" if bases else "")
                  + (f"; refusal record {refusal_id}" if refusal_id else ""))
        return Refusal(first, detail, status, errors)


def warning_text(warning: dict) -> str:
    """M-10: what the clerk reads about a party on the serious-dishonesty list (失信名单)."""
    return (f"dishonesty_list: {warning['id_number']} used false documents "
            f"(revoked registration {warning['registration_id']}, {warning['document_ref']})")


def registration_reasons(signed: bool, persons: Sequence[IdNumber], office: str, households: Sequence[str],
                         on: dt.date, facts: Sequence[PersonFacts]) -> list[str]:
    """Every broken rule of M-1 to M-6, in reading order (M-5 records them all)."""
    return [*check_declaration(signed), *check_one_man_one_woman(persons), *check_minimum_age(persons, on),
            *check_jurisdiction(office, households, on), *check_not_married(facts), *check_not_deceased(facts)]
