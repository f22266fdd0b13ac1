"""The funeral rules as guards: each `check_*` returns quietly or raises a `Refusal` with a stable code.

Rule ids (design/domain.md, section 3) are in each docstring; the tests are named after them too. Status:
422 for a rule or schema broken by the input, 409 for a conflict with the current state, 403 for staff
acting for another place.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from services.funeral.contract.refusals import (
    ALREADY_CREMATED,
    ALREADY_DECEASED,
    AMOUNT_EXCEEDS_STANDARD,
    AREA_EXCEEDS_LIMIT,
    AREA_REQUIRED,
    CATEGORY_NOT_ELIGIBLE,
    CLAIM_NOTICE_REQUIRED,
    DEATH_BEFORE_BIRTH,
    DEPOSIT_TERM_TOO_LONG,
    DISPOSAL_TOO_EARLY,
    FORBIDDEN_PLACE,
    INVALID_DIVISION,
    INVALID_ID_NUMBER,
    INVALID_PLACE,
    NOT_CREMATED,
    NOT_UNIDENTIFIED,
    PLOT_KIND_MISMATCH,
    PLOT_NOT_APPLICABLE,
    PLOT_OCCUPIED,
    PLOT_TYPE_MISMATCH,
    POLICE_APPROVAL_REQUIRED,
    POLICE_CERTIFICATION_REQUIRED,
    RENEWAL_TOO_LONG,
)
from services.funeral.contract.vocabulary import (
    BODY_BURIALS,
    CAPACITY,
    PLOTLESS_BURIALS,
)
from services.funeral.domain import parameters
from shared.actor import Actor
from shared.business_dates import check_business_date
from shared.errors import Refusal
from shared.reference.dates import period_of_days
from shared.reference.divisions import is_known_division, level_of
from shared.reference.idnumber import IdNumber, InvalidIdNumber, parse_id_number
from shared.reference.places import InvalidPlace, PlaceKind, parse_place

TEMPORARY_PREFIX = "TMP-"


def refusal(code: str, detail: str, status: int = 422, field: str | None = None) -> Refusal:
    errors = [{"loc": ["body", field], "msg": detail}] if field else []
    return Refusal(code, detail, status, errors)


# -- persons and places (0.1, 0.2) --------------------------------------------------------------------------
def check_id_number(text: str, today: dt.date, field: str = "id_number") -> IdNumber:
    """0.1: a valid 18-character ID number (lower-case x accepted, stored as X)."""
    try:
        return parse_id_number(text, today=today)
    except (InvalidIdNumber, TypeError) as exc:
        reason = getattr(exc, "reason", "format")
        raise refusal(INVALID_ID_NUMBER, f"not a valid ID number ({reason})", field=field) from None


def check_person(person: Any, today: dt.date, field: str) -> dict[str, Any]:
    """Someone acting for the deceased (family, rights holder): an ID number, where given, is valid (0.1)."""
    data = person.model_dump(mode="json")
    if person.id_number is not None:
        data["id_number"] = check_id_number(person.id_number, today, field=field).value
    return data


def check_place(code: str, kind: PlaceKind, field: str) -> str:
    """0.2: a place code of the expected kind (FH-610502, CEM-610502-1)."""
    try:
        place = parse_place(code)
    except InvalidPlace:
        place = None
    if place is None or place.kind != kind:
        raise refusal(INVALID_PLACE, f"{field} is not a {kind.replace('_', ' ')} code", field=field)
    return place.code


def check_division(code: str, field: str = "place_division") -> str:
    """0.2: a known city- or county-level division code (present or historical)."""
    if not (isinstance(code, str) and len(code) == 6 and code.isascii() and code.isdigit()
            and is_known_division(code) and level_of(code) != "province"):
        raise refusal(INVALID_DIVISION, f"{field} is not a known city or county division code", field=field)
    return code


def check_acts_for_place(actor: Actor, place: str) -> None:
    """Staff record for their own funeral home or cemetery only; a reaction acts for the city; admins record
    no funeral business (separation of duties, issue 12) — cemeteries and plots they lay out are reference
    data, recorded without this check."""
    actor.check_records_business("deaths, cremations, burials or allocations")
    if actor.acts_for_the_city:
        return
    if actor.office != place:
        raise Refusal(FORBIDDEN_PLACE, f"{actor.office or 'this principal'} may not act for {place}", 403)


def check_recorded_on(day: dt.date, actor: Actor, today: dt.date, field: str) -> None:
    """api.md: a business date never in the future; staff up to 30 days back, reactions without limit."""
    check_business_date(day, today=today, unlimited_backdating=actor.unlimited_backdating, field=field)


def check_not_before(day: dt.date, earliest: dt.date, code: str, detail: str, field: str) -> None:
    if day < earliest:
        raise refusal(code, detail, field=field)


# -- F-1 death registration ---------------------------------------------------------------------------------
def check_death_not_before_birth(person: IdNumber, died_on: dt.date) -> None:
    """F-1: the date of death cannot precede the birth date (from the ID number)."""
    if died_on < person.birth_date:
        raise refusal(DEATH_BEFORE_BIRTH, f"died_on {died_on} is before the birth date the ID number gives",
                      field="died_on")


def check_one_death_per_person(already_deceased: bool) -> None:
    """F-1: one death per person; a second registration of the same person is refused."""
    if already_deceased:
        raise Refusal(ALREADY_DECEASED, "a death is already registered for this person", 409)


def check_unnatural_death_certified(natural: bool, police_case: str | None) -> None:
    """F-1: an unnatural death is police-certified: it names the police case."""
    if not natural and not police_case:
        raise refusal(POLICE_CERTIFICATION_REQUIRED, "an unnatural death needs the certifying police case",
                      field="police_case")


# -- F-2 body and cremation ---------------------------------------------------------------------------------
def check_not_cremated(cremated: bool) -> None:
    """F-2: a body is cremated once."""
    if cremated:
        raise Refusal(ALREADY_CREMATED, "this body has already been cremated", 409)


def check_cremated(cremated: bool, what: str) -> None:
    """F-2: ashes exist only after cremation."""
    if not cremated:
        raise Refusal(NOT_CREMATED, f"{what} needs a recorded cremation", 409)


def check_deposit_term(years: int, on: dt.date) -> None:
    """F-2: ashes are deposited for a term, at most the configured number of years at once."""
    longest = parameters.ash_deposit_max_years(on)
    if years > longest:
        raise refusal(DEPOSIT_TERM_TOO_LONG, f"ashes are deposited for at most {longest} years at once",
                      field="term_years")


# -- F-3, F-4 cemeteries and plots --------------------------------------------------------------------------
def check_area_limit(burial_type: str, area_m2: Decimal | None, on: dt.date, field: str = "area_m2") -> None:
    """F-3: ashes ≤ 1 m²; body single ≤ 4 m², double ≤ 6 m² (configurable, by date)."""
    limit = parameters.area_limit_m2(burial_type, on)
    if limit is not None and area_m2 is not None and area_m2 > limit:
        raise refusal(AREA_EXCEEDS_LIMIT, f"a {burial_type} plot may be at most {limit} m², not {area_m2}",
                      field=field)


def check_plot_shape(kind: str, burial_type: str, area_m2: Decimal | None, field: str) -> None:
    """F-3, F-4: niches hold ashes; sea and scattering need no plot; a plot has an area."""
    if burial_type in PLOTLESS_BURIALS:
        raise refusal(PLOT_NOT_APPLICABLE, f"{burial_type} burials take no plot", field=field)
    if (kind == "niche") != (burial_type == "ashes_niche"):
        raise refusal(PLOT_KIND_MISMATCH, "niches are for ashes_niche burials, and only niches are",
                      field=field)
    if kind == "plot" and area_m2 is None:
        raise refusal(AREA_REQUIRED, "a plot has an area in m²", field=field)


def check_burial_matches_remains(burial_type: str, cremated: bool) -> None:
    """F-2, F-3: ashes burials need a cremation; a body burial needs a body that was not cremated."""
    if burial_type in BODY_BURIALS:
        if cremated:
            raise Refusal(ALREADY_CREMATED, f"a {burial_type} burial needs an uncremated body", 409)
    else:
        check_cremated(cremated, f"a {burial_type} burial")


def check_plot_fits(plot_burial_type: str, burial_type: str) -> None:
    """F-3: a plot is laid out for one burial type."""
    if plot_burial_type != burial_type:
        raise refusal(PLOT_TYPE_MISMATCH, f"the plot is for {plot_burial_type} burials, not {burial_type}",
                      field="burial_type")


def check_plot_free(free_places: int) -> None:
    """F-3: a plot holds as many as it was laid out for (a double plot two)."""
    if free_places <= 0:
        raise Refusal(PLOT_OCCUPIED, "the plot has no free place", 409)


def capacity_of(burial_type: str) -> int:
    return CAPACITY.get(burial_type, 1)


def check_renewal_years(years: int, on: dt.date) -> None:
    """F-3: a term is renewed for at most one full term at a time."""
    longest = parameters.plot_term_years(on)
    if years > longest:
        raise refusal(RENEWAL_TOO_LONG, f"a term is renewed for at most {longest} years", field="years")


# -- F-5 funeral assistance ---------------------------------------------------------------------------------
def check_eligible_category(category: str, on: dt.date) -> None:
    """F-5: basic services are waived only for the configured categories in force on the date."""
    if category not in parameters.eligible_categories(on):
        raise refusal(CATEGORY_NOT_ELIGIBLE, f"{category} is not an eligible category on {on}",
                      field="category")


def check_amount_within_standard(amount: Decimal, items: tuple[str, ...], on: dt.date) -> None:
    """F-5: a waiver is at most the standard amounts of the services it covers."""
    standard = sum((parameters.service_standard_yuan(item, on) for item in items), Decimal(0))
    if amount > standard:
        raise refusal(AMOUNT_EXCEEDS_STANDARD, f"{amount} exceeds the standard {standard} of these services",
                      field="amount")


# -- F-6 unidentified bodies --------------------------------------------------------------------------------
def check_unidentified(identified: bool) -> None:
    """F-6: the claim-notice procedure is for unidentified bodies."""
    if identified:
        raise Refusal(NOT_UNIDENTIFIED, "this death is of an identified person", 409)


def disposal_from(claim_notice_on: dt.date) -> dt.date:
    """F-6: the first day an unidentified body may be disposed of: the day after the claim-notice period."""
    return period_of_days(claim_notice_on, parameters.claim_wait_days(claim_notice_on)).last_day + dt.timedelta(days=1)


def check_disposal_allowed(claim_notice_on: dt.date | None, approved: bool, disposed_on: dt.date) -> None:
    """F-6: an unidentified body is disposed of only after the claim-notice period, with police approval."""
    if claim_notice_on is None:
        raise Refusal(CLAIM_NOTICE_REQUIRED, "an unidentified body needs a published claim notice first", 409)
    allowed = disposal_from(claim_notice_on)
    if disposed_on < allowed:
        raise Refusal(DISPOSAL_TOO_EARLY, f"the claim notice period runs to {allowed - dt.timedelta(days=1)}; "
                      f"disposal from {allowed}", 409)
    if not approved:
        raise Refusal(POLICE_APPROVAL_REQUIRED, "disposal of an unidentified body needs police approval", 409)
