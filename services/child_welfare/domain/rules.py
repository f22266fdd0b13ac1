"""The child welfare rules as guards: each `check_*` returns quietly or raises a `Refusal` with a stable code.

Rule ids (design/domain.md, section 2) are in each docstring; the tests are named after them. Status: 422 for
a rule or schema broken by the input, 409 for a conflict with the file's current state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.child_welfare.contract.refusals import (
    ALREADY_CHECKED,
    ALREADY_DECIDED,
    BUSINESS_DATE_IN_FUTURE,
    CARER_NOT_EXPECTED,
    CARER_REQUIRED,
    CATEGORY_MISMATCH,
    CATEGORY_REQUIRED,
    ENDS_BEFORE_IT_STARTS,
    FILE_EXISTS,
    FILE_TERMINATED,
    FORBIDDEN_PLACE,
    FORBIDDEN_ROLE,
    FOSTER_CARER_AGE,
    FOSTER_CARER_FULL,
    INSTITUTION_REQUIRED,
    INVALID_DIVISION,
    INVALID_ID_NUMBER,
    NOT_A_MINOR,
    NOT_ELIGIBLE,
    REASONS_REQUIRED,
    TOWNSHIP_CHECK_MISSING,
)
from services.child_welfare.domain import parameters
from services.child_welfare.domain.eligibility import category_on
from services.child_welfare.domain.file import ChildFile
from shared.actor import Actor
from shared.business_dates import check_business_date
from shared.errors import Refusal
from shared.reference.dates import age_on, is_adult
from shared.reference.divisions import is_known_division, level_of
from shared.reference.idnumber import IdNumber, InvalidIdNumber, parse_id_number
from shared.reference.refusals import CONCURRENCY_CONFLICT

TEMPORARY_PREFIX = "TMP-"


def refusal(code: str, detail: str, status: int = 422, field: str | None = None) -> Refusal:
    errors = [{"loc": ["body", *field.split(".")], "msg": detail}] if field else []
    return Refusal(code, detail, status, errors)


# -- persons, places, dates (0.1 – 0.4) ------------------------------------------------------------------------
def check_id_number(text: str, today: dt.date, field: str = "id_number") -> IdNumber:
    """0.1: a valid 18-character ID number (lower-case x accepted, stored as X)."""
    try:
        return parse_id_number(text, today=today)
    except (InvalidIdNumber, TypeError) as exc:
        reason = getattr(exc, "reason", "format")
        raise refusal(INVALID_ID_NUMBER, f"not a valid ID number ({reason})", field=field) from None


def check_division(code: str, field: str = "child.household_division") -> str:
    """0.2: a known county-level (or city) division code."""
    if not (isinstance(code, str) and len(code) == 6 and code.isdigit() and is_known_division(code)
            and level_of(code) != "province"):
        raise refusal(INVALID_DIVISION, f"{field} is not a known city or county division code", field=field)
    return code


def check_recorded_on(day: dt.date, actor: Actor, today: dt.date, field: str) -> None:
    """api.md: never in the future; officers record up to 30 days back, reactions without limit."""
    check_business_date(day, today=today, unlimited_backdating=actor.unlimited_backdating, field=field)


# -- who acts on a file (issue 12: scopes the law asks for) --------------------------------------------------
def _in_county(place: str | None, division: str | None) -> bool:
    """A township (9 digits) or county (6) code lies in a county division when it starts with its 6 digits;
    a file or principal without a place is not narrowed."""
    return place is None or division is None or place[:6] == division[:6]


def check_records_business(actor: Actor) -> None:
    """Separation of duties (issue 12): an admin sets the allowance standards (reference data, C-5) and
    records nothing on a child's file."""
    actor.check_records_business("child welfare files, checks or decisions")


def check_acts_for_file(actor: Actor, file: ChildFile) -> None:
    """Child welfare officers are scoped to their county; the city level (no county) is above them; admins
    record nothing on a file."""
    check_records_business(actor)
    if not _in_county(actor.county, file.household_division):
        raise Refusal(FORBIDDEN_PLACE, f"an officer of {actor.county} may not act for another county's child", 403)


def check_township_checker(actor: Actor, file: ChildFile) -> None:
    """C-3, separation of duties: the township (street office) checks, a `township_officer` of the child's
    county; the county officer who decides may not record the check."""
    if actor.role != "township_officer":
        raise Refusal(FORBIDDEN_ROLE, "C-3: only a township officer records the township's check", 403)
    if not _in_county(actor.township, file.household_division):
        raise Refusal(FORBIDDEN_PLACE, f"township {actor.township} is not in the child's county", 403)


def check_decider(actor: Actor, file: ChildFile) -> None:
    """C-3, separation of duties: only the county's (or the city's) child welfare officer decides."""
    if actor.role != "child_welfare_officer":
        raise Refusal(FORBIDDEN_ROLE, "C-3: only the county's child welfare officer decides", 403)
    check_acts_for_file(actor, file)


def check_not_before(day: dt.date, earliest: dt.date, code: str, detail: str, field: str) -> None:
    if day < earliest:
        raise refusal(code, detail, field=field)


def check_version(expected: int | None, file: ChildFile) -> None:
    """api.md If-Match: a command that names the version it read is refused once the file moved on."""
    if expected is not None and expected != file.version:
        raise Refusal(CONCURRENCY_CONFLICT, f"the file is at version {file.version}, not {expected}", 409)


# -- C-1, C-2, C-3 ----------------------------------------------------------------------------------------------
def check_one_file_per_child(existing_child_id: str | None) -> None:
    """C-2 一人一档: a child has one file; a second is refused."""
    if existing_child_id is not None:
        raise Refusal(FILE_EXISTS, "this child already has a file", 409,
                      [{"loc": ["body", "child", "id_number"], "msg": f"file {existing_child_id}"}])


def check_parent_facts(parents: Any, today: dt.date) -> None:
    """C-1, C-2: each parent's condition has a start not in the future and an end not before it."""
    for index, parent in enumerate(parents):
        if parent.condition_since > today:
            raise refusal(BUSINESS_DATE_IN_FUTURE, "condition_since is in the future",
                          field=f"parents.{index}.condition_since")
        if parent.ends_on is not None and parent.ends_on < parent.condition_since:
            raise refusal(ENDS_BEFORE_IT_STARTS, "ends_on is before condition_since",
                          field=f"parents.{index}.ends_on")
        if parent.id_number is not None:
            check_id_number(parent.id_number, today, f"parents.{index}.id_number")


def check_under_18(file: ChildFile, on: dt.date) -> None:
    """C-1, C-3: a child is under 18 on the decision date."""
    if file.birth_date is not None and (on < file.birth_date or is_adult(file.birth_date, on)):
        raise refusal(NOT_A_MINOR, f"the child is not under 18 on {on}", field="decided_on")


def check_township_checked(file: ChildFile) -> None:
    """C-3: application → township check → county decision; no decision before the check."""
    if file.status in ("confirmed", "rejected", "terminated"):
        raise Refusal(ALREADY_DECIDED, f"the file is {file.status}", 409)
    if file.township_check is None:
        raise Refusal(TOWNSHIP_CHECK_MISSING, "the township has not checked the application yet", 409)


def check_awaiting_check(file: ChildFile) -> None:
    """C-3: the township checks an application under assessment, once."""
    if file.status != "applied":
        code = ALREADY_CHECKED if file.status == "checked" else ALREADY_DECIDED
        raise Refusal(code, f"the file is {file.status}", 409)


def check_eligible_as(file: ChildFile, category: str | None, on: dt.date) -> str:
    """C-1: the confirmed category is the one the parents' conditions give on the decision date; orphan
    and de facto unattended are exclusive."""
    if category is None:
        raise refusal(CATEGORY_REQUIRED, "a confirmation names the category", field="category")
    derived = category_on(file.parents, on)
    if derived is None:
        raise refusal(NOT_ELIGIBLE, f"on {on} the parents' conditions make the child neither an orphan nor de "
                      "facto unattended (C-1)", field="category")
    if derived != category:
        raise refusal(CATEGORY_MISMATCH, f"the parents' conditions make the child {derived} on {on}",
                      field="category")
    return derived


def check_reasons(outcome: str, reasons: list[str]) -> None:
    """C-3: a rejection gives its written reasons."""
    if outcome == "rejected" and not reasons:
        raise refusal(REASONS_REQUIRED, "a rejection states its reasons", field="reasons")


def check_open(file: ChildFile) -> None:
    """C-6: nothing changes on a file whose support has ended."""
    if file.termination is not None:
        raise Refusal(FILE_TERMINATED, f"support ended on {file.termination.effective_on}", 409)


# -- C-4 ---------------------------------------------------------------------------------------------------------
def check_care(care: str, institution: str | None, carer: Any, field: str = "") -> None:
    """C-4: institutional care names the institution; foster care names the carer; dispersed neither."""
    prefix = f"{field}." if field else ""
    if care == "institution" and institution is None:
        raise refusal(INSTITUTION_REQUIRED, "institutional care names the institution", field=f"{prefix}institution")
    if care == "foster" and carer is None:
        raise refusal(CARER_REQUIRED, "foster care names the foster carer", field=f"{prefix}carer")
    if care != "foster" and carer is not None:
        raise refusal(CARER_NOT_EXPECTED, "only foster care has a carer", field=f"{prefix}carer")


def check_foster_carer(carer_id: IdNumber, on: dt.date, foster_children: int) -> None:
    """C-4 家庭寄养: the carer is 30 to 65 years old and has at most two foster children."""
    youngest, oldest = parameters.foster_carer_ages(on)
    age = age_on(carer_id.birth_date, on) if on >= carer_id.birth_date else -1
    if not youngest <= age <= oldest:
        raise refusal(FOSTER_CARER_AGE, f"a foster carer is {youngest} to {oldest} years old, not {age}",
                      field="carer.id_number")
    most = parameters.foster_children_per_carer(on)
    if foster_children >= most:
        raise Refusal(FOSTER_CARER_FULL, f"the carer already has {foster_children} foster children (at most {most})",
                      409, [{"loc": ["body", "carer", "id_number"], "msg": "carer full"}])
