"""The rules of relief work (domain.md section 4), one `check_*` per rule, named by rule id.

Each check raises `shared.errors.Refusal` with a stable code: 422 when a command breaks a rule, 409 when
it conflicts with the case's current state. Pure: the day and the time are arguments.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from services.vagrant_aid.contract.refusals import (
    ALREADY_IDENTIFIED,
    AMOUNT_REQUIRED,
    BUSINESS_DATE_IN_FUTURE,
    CASE_CLOSED,
    CASH_OVER_LIMIT,
    CONSENT_REQUIRED,
    DATE_BEFORE_ARRIVAL,
    DECLARATION_REQUIRED,
    ESTIMATED_AGE_REQUIRED,
    EXTENSION_NOT_LATER,
    ID_NUMBER_DISAGREES,
    INCAPACITY_REASON_REQUIRED,
    INVALID_DATE_OF_DEATH,
    INVALID_HOUSEHOLD_DIVISION,
    MINOR_AID_CANNOT_BE_TERMINATED,
    MINOR_CANNOT_SELF_DEPART,
    SELF_DEPARTURE_NOT_ALLOWED,
    SETTLEMENT_TOO_EARLY,
    SEX_REQUIRED,
    UNKNOWN_DIVISION,
)
from services.vagrant_aid.domain.parameters import MAX_CASH_YUAN, SELF_DEPARTURE_MIN_AGE, parameter
from services.vagrant_aid.domain.persons import age_of
from services.vagrant_aid.domain.state import Case
from shared.business_dates import check_business_date
from shared.errors import Refusal
from shared.reference import division, in_city, is_county_level

# V-2: "those who cannot speak for themselves (age, illness, disability)": the flags that can explain it.
INCAPACITY_FLAGS = frozenset({"minor", "elderly", "disabled", "mental", "intellectual", "ill", "injured"})
# V-3: suspected mental or infectious illness, critical illness or injury call for a hospital referral.
SCREENING_FLAGS = frozenset({"mental", "infectious_suspected", "ill", "injured"})
# V-7: only people without mental or intellectual disability may leave by their own declaration.
NO_SELF_DEPARTURE_FLAGS = frozenset({"mental", "intellectual"})
# V-9: the exits that take a person home.
RETURN_KINDS = frozenset({"escorted", "collected"})

# Clocks of staff and of the server drift; an arrival a few minutes "ahead" is not a future one.
CLOCK_SKEW = dt.timedelta(minutes=5)


def _loc(*parts: str) -> list[dict[str, object]]:
    return [{"loc": ["body", *parts], "msg": "see detail"}]


# -- dates every command carries ----------------------------------------------------------------------
def check_recorded_day(day: dt.date, today: dt.date, field: str) -> None:
    """api.md: a business date is never in the future and staff record at most 30 days back."""
    check_business_date(day, today=today, field=field)


def check_time_not_in_future(at: dt.datetime, now: dt.datetime, field: str) -> None:
    if at > now + CLOCK_SKEW:
        raise Refusal(BUSINESS_DATE_IN_FUTURE, f"{field} is in the future", errors=_loc(field))


def check_not_before_arrival(day: dt.date, case: Case, field: str) -> None:
    """Nothing happens to a case before the person arrived."""
    if day < case.arrived_on:
        raise Refusal(DATE_BEFORE_ARRIVAL, f"{field} {day} is before the arrival on {case.arrived_on}",
                      errors=_loc(field))


# -- V-2 intake ---------------------------------------------------------------------------------------
def check_unidentified_described_V2(sex: str | None, estimated_age: int | None) -> None:
    """V-2: without an ID number, the staff record the sex they see and an estimated age (V-7 needs it)."""
    if sex is None:
        raise Refusal(SEX_REQUIRED, "record the sex of a person without an ID number",
                      errors=_loc("person", "sex"))
    if estimated_age is None:
        raise Refusal(ESTIMATED_AGE_REQUIRED, "estimate the age of a person without an ID number",
                      errors=_loc("person", "estimated_age"))


def check_consent_V2(consent: bool, speaks_for_self: bool, flags: frozenset[str], minor: bool) -> None:
    """V-2: aid is voluntary — except for those who cannot speak for themselves (age, illness, disability),
    who are aided first and verified later, and for minors, who go to state guardianship (V-7)."""
    if not speaks_for_self and not flags & INCAPACITY_FLAGS:
        raise Refusal(INCAPACITY_REASON_REQUIRED,
                      "say why the person cannot speak for themselves: flag minor, elderly, disabled, mental, "
                      "intellectual, ill or injured", errors=_loc("flags"))
    if not consent and speaks_for_self and not minor:
        raise Refusal(CONSENT_REQUIRED, "aid is voluntary: the person must consent", errors=_loc("consent"))


def check_flags_agree_with_id_number_V7(flagged_minor: bool, age_by_id: int | None) -> None:
    """V-7 and 0.1: an ID number that says adult contradicts a `minor` flag; the number wins, so say so."""
    if flagged_minor and age_by_id is not None and age_by_id >= 18:
        raise Refusal(ID_NUMBER_DISAGREES, "flagged minor, but the ID number says adult",
                      errors=_loc("flags"))


def screening_reasons_V3(flags: frozenset[str]) -> tuple[str, ...]:
    """V-3: the screening flags that call for a hospital referral (empty: none needed)."""
    return tuple(sorted(flags & SCREENING_FLAGS))


# -- V-4 services -------------------------------------------------------------------------------------
def check_cash_limit_V4(case: Case, kind: str, amount: Decimal | None, on: dt.date) -> None:
    """V-4: cash handed out over a whole case stays within the cap in force (20 元)."""
    if kind != "cash":
        return
    if amount is None or amount <= 0:
        raise Refusal(AMOUNT_REQUIRED, "a cash service states its amount", errors=_loc("amount"))
    limit = Decimal(str(parameter(MAX_CASH_YUAN, on)))
    if case.cash_total + amount > limit:
        raise Refusal(CASH_OVER_LIMIT,
                      f"cash for one case is at most {limit} 元; {case.cash_total} 元 already given",
                      errors=_loc("amount"))


# -- V-5 stay -----------------------------------------------------------------------------------------
def check_extension_later_V5(until: dt.date, current_last_day: dt.date, filed_on: dt.date) -> None:
    """V-5: an extension filing moves the stay's last day later."""
    if until <= current_last_day or until < filed_on:
        raise Refusal(EXTENSION_NOT_LATER, f"the stay already runs until {current_last_day}",
                      errors=_loc("until"))


# -- V-6 unidentified persons -------------------------------------------------------------------------
def check_still_unidentified_V6(case: Case) -> None:
    """V-6: identification and settlement link a temporary id; a person with an ID number has none left."""
    if case.id_number is not None:
        raise Refusal(ALREADY_IDENTIFIED, "the person already has an ID number on this case", 409)


def check_settlement_due_V6(settled_on: dt.date, settlement_from: dt.date) -> None:
    """V-6: settlement only for a person still unidentified after three months."""
    if settled_on < settlement_from:
        raise Refusal(SETTLEMENT_TOO_EARLY, f"settlement is possible from {settlement_from}",
                      errors=_loc("settled_on"))


def check_household_division_V6(code: str, on: dt.date) -> None:
    """V-6: the person is settled in a county-level division of the city."""
    if not (is_county_level(code) and in_city(code) and division(code, on) is not None):
        raise Refusal(INVALID_HOUSEHOLD_DIVISION, f"{code} is not a county of the city in force on {on}",
                      errors=_loc("household_division"))


# -- V-7 minors and self-departure --------------------------------------------------------------------
def check_self_departure_V7(case: Case, on: dt.date, declaration_signed: bool) -> None:
    """V-7: minors never leave on their own; only people 16+ without mental or intellectual disability
    leave by their own (signed) declaration."""
    if case.minor:
        raise Refusal(MINOR_CANNOT_SELF_DEPART, "a minor's case cannot end by self-departure",
                      errors=_loc("kind"))
    age = age_of(case.birth_date, case.estimated_age, on)
    minimum = int(parameter(SELF_DEPARTURE_MIN_AGE, on))
    if age is None or age < minimum or case.flags & NO_SELF_DEPARTURE_FLAGS:
        raise Refusal(SELF_DEPARTURE_NOT_ALLOWED,
                      f"self-departure is for people {minimum}+ without mental or intellectual disability",
                      errors=_loc("kind"))
    if not declaration_signed:
        raise Refusal(DECLARATION_REQUIRED, "self-departure needs the person's signed declaration",
                      errors=_loc("declaration_signed"))


def check_minor_not_put_out_V7(case: Case) -> None:
    """V-7: a minor is under temporary state guardianship: aid cannot simply be terminated."""
    if case.minor:
        raise Refusal(MINOR_AID_CANNOT_BE_TERMINATED,
                      "a minor's case ends by collection, escort home or transfer", errors=_loc("kind"))


# -- V-8 exits ----------------------------------------------------------------------------------------
def check_open_V8(case: Case) -> None:
    """V-8: a case ends once; nothing is recorded on a closed case."""
    if not case.is_open:
        raise Refusal(CASE_CLOSED, f"the case ended ({case.exit['kind'] if case.exit else ''})", 409)


def check_known_division_V8(code: str, field: str) -> None:
    """V-8: escort destinations and places of death are real divisions (any in the country)."""
    found = division(code)
    if found is None or found.level == "province":
        raise Refusal(UNKNOWN_DIVISION, f"{code} is not a known city or county", errors=_loc(field))


def check_death_dates_V8(case: Case, died_on: dt.date, exited_on: dt.date) -> None:
    """V-8 (and F-1): a death during the stay, not before birth, not after the exit it ends the case with."""
    if died_on < case.arrived_on or died_on > exited_on or (case.birth_date and died_on < case.birth_date):
        raise Refusal(INVALID_DATE_OF_DEATH, "the date of death lies outside the stay",
                      errors=_loc("died_on"))


# -- V-9 return rate ----------------------------------------------------------------------------------
def returned_home_V9(kind: str, ticket_given: bool) -> bool:
    """V-9: escorted, collected, or left by themselves with a ticket home."""
    return kind in RETURN_KINDS or (kind == "self_departure" and ticket_given)
