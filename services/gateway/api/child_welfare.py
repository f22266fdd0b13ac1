"""Child welfare routes (api.md "Child welfare", domain.md C-1 to C-8) for child welfare officers.

Who may call what (C-8: child welfare data is the `protected` access class, the most confidential):
* `child_welfare_officer`: every route; `admin` sets the allowance standards (`PUT /standards`) and nothing
  else here. No bureau reads these routes: bureaus with the protected scope see child welfare facts through
  the timeline service. Every call — every read of a file or a ledger — is in the access log, naming the
  child as the path gives it (file id, ID number or temporary id).
* A child's file is addressed by its `child_id` or by the child's ID number or temporary id.

The body models are the HTTP contract: strict JSON types, frozen, no unknown fields, every text bounded and
free of control characters. The service validates again and applies the rules; its refusals come back as
problem+json with their codes. Commands pass the Idempotency-Key on, so a retry writes nothing new.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from services.gateway.api.common import Body, Version, View, command
from services.gateway.routing import Call, Reply, Route
from shared.text import DivisionCode, IdNumberText, PersonName, Phone, line

PREFIX = "/v1/child-welfare"
OFFICERS = {"child_welfare_officer"}
TOWNSHIP_OFFICERS = {"township_officer"}  # C-3, separation of duties: the township checks, the county decides
ADMIN = {"admin"}

Name = line(100)
Note = line(500)
EvidenceRef = line(100)
Month = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
Care = Literal["dispersed", "institution", "foster"]
Category = Literal["orphan", "de_facto_unattended"]
Institution = Literal["welfare_institution", "minors_protection_centre"]
Condition = Literal["none", "deceased", "declared_dead", "declared_missing", "untraceable", "serious_disability",
                    "serious_illness", "imprisoned", "compulsory_rehab", "detained", "lost_contact",
                    "guardianship_revoked"]


class Child(Body):
    id_number: IdNumberText
    name: PersonName
    household_division: DivisionCode


class Parent(Body):
    id_number: IdNumberText | None = None
    name: PersonName
    condition: Condition
    condition_since: dt.date
    evidence_ref: EvidenceRef
    ends_on: dt.date | None = None


class Guardian(Body):
    name: Name
    relation: Name
    id_number: IdNumberText | None = None
    phone: Phone | None = None


class Carer(Body):
    id_number: IdNumberText
    name: PersonName


class OpenFile(Body):
    """C-2: `parents` are both parents, each with a condition, its start and its evidence."""

    child: Child
    parents: list[Parent] = Field(min_length=2, max_length=2)
    guardian: Guardian
    care: Care
    institution: Institution | None = None
    carer: Carer | None = None
    applied_on: dt.date | None = None


class FileOpened(View):
    child_id: str
    version: int


class TownshipCheck(Body):
    outcome: Literal["passed", "failed"]
    checked_on: dt.date | None = None
    notes: Note | None = None
    version: Version | None = None


class Decision(Body):
    outcome: Literal["confirmed", "rejected"]
    category: Category | None = None
    reasons: list[Note] = Field(default_factory=list, max_length=20)
    decided_on: dt.date | None = None
    version: Version | None = None


class ParentChange(Body):
    parent: int = Field(ge=0, le=1)
    condition: Condition
    condition_since: dt.date
    evidence_ref: EvidenceRef
    ends_on: dt.date | None = None
    replaces_since: dt.date | None = None
    name: PersonName | None = None
    id_number: IdNumberText | None = None
    version: Version | None = None


class Placement(Body):
    care: Care
    institution: Institution | None = None
    carer: Carer | None = None
    effective_on: dt.date | None = None
    reason: Note | None = None
    version: Version | None = None


class Agreement(Body):
    kind: Literal["guardianship", "entrusted_care"]
    party: Name
    signed_on: dt.date | None = None
    version: Version | None = None


class Visit(Body):
    findings: Note
    visited_on: dt.date | None = None
    version: Version | None = None


class StudentStatus(Body):
    school: Name
    full_time_until: dt.date
    evidence_ref: EvidenceRef
    version: Version | None = None


class Termination(Body):
    reason: Literal["adult", "death", "adoption", "parent_condition_ended", "moved_away", "other"]
    effective_on: dt.date
    notes: Note | None = None
    version: Version | None = None


class StandardBody(Body):
    category: Category
    care: Care
    from_month: Month
    amount: Annotated[Decimal, Field(ge=0, le=100_000, max_digits=9, decimal_places=2)]


class Changed(View):
    child_id: str
    version: int


# -- handlers -------------------------------------------------------------------------------------------------
def _command(call: Call, method: str, *path: str, status: int = 200) -> Reply:
    return command(call, "child_welfare", method, *path, status=status)


def open_file(call: Call) -> Reply:
    """Open the child's one file on the guardian's application (C-2, C-3)."""
    return _command(call, "open_file", status=201)


def township_check(call: Call) -> Reply:
    """Record the township's check of the application (C-3)."""
    return _command(call, "record_township_check", call.params["child"])


def decision(call: Call) -> Reply:
    """The county's decision: confirmed with the category, or rejected with reasons (C-1, C-3)."""
    return _command(call, "decide", call.params["child"])


def parent_change(call: Call) -> Reply:
    """A parent's condition starts, ends or is corrected, with evidence (C-1, C-6)."""
    return _command(call, "change_parent_condition", call.params["child"])


def placement(call: Call) -> Reply:
    """Another care arrangement, or a transfer between institutions (C-4)."""
    return _command(call, "change_placement", call.params["child"])


def agreement(call: Call) -> Reply:
    """A guardianship or entrusted-care agreement signed or renewed (C-7)."""
    return _command(call, "sign_agreement", call.params["child"], status=201)


def visit(call: Call) -> Reply:
    """A visit to a child in dispersed or foster care (C-7)."""
    return _command(call, "record_visit", call.params["child"], status=201)


def termination(call: Call) -> Reply:
    """End support: adoption, moving away, death, … (C-6)."""
    return _command(call, "terminate", call.params["child"])


def student_status(call: Call) -> Reply:
    """Full-time education, extending support past 18 where the extension holds (C-6)."""
    return _command(call, "record_student_status", call.params["child"])


def set_standard(call: Call) -> Reply:
    """Set the monthly standard of a category and care arrangement from a month (C-5, admin)."""
    return _command(call, "set_standard")


def read_child(call: Call) -> Reply:
    """The child's one file with its history (C-2)."""
    return Reply(call.rpc("child_welfare").child(call.params["child"]))


def allowances(call: Call) -> Reply:
    """Every month of the range with its amount, standard and basis; 0 where nothing is due (C-5)."""
    return Reply(call.rpc("child_welfare").allowances(call.params["child"], call.query.get("from"),
                                                      call.query.get("to")))


def payroll(call: Call) -> Reply:
    """Every payment of a month and the adjustments recorded in it, with the total (C-5)."""
    return Reply(call.rpc("child_welfare").payroll(call.query.get("month")))


def tasks(call: Call) -> Reply:
    """Overdue checks, decisions, visits and renewals; children turning 18 within 90 days (C-3, C-6, C-7)."""
    return Reply(call.rpc("child_welfare").tasks(call.query.get("as_of")))


_CHILD = f"{PREFIX}/children/<child>"

ROUTES = [
    Route("POST", f"{PREFIX}/children", "child_welfare.open_file", OFFICERS, open_file, body=OpenFile,
          response=FileOpened, status=201),
    Route("GET", _CHILD, "child_welfare.read_child", OFFICERS, read_child, subject="child"),
    Route("POST", f"{_CHILD}/township-check", "child_welfare.township_check", TOWNSHIP_OFFICERS, township_check,
          body=TownshipCheck, response=Changed, subject="child"),
    Route("POST", f"{_CHILD}/decision", "child_welfare.decision", OFFICERS, decision, body=Decision,
          response=Changed, subject="child"),
    Route("POST", f"{_CHILD}/parent-changes", "child_welfare.parent_change", OFFICERS, parent_change,
          body=ParentChange, response=Changed, subject="child"),
    Route("POST", f"{_CHILD}/placements", "child_welfare.placement", OFFICERS, placement, body=Placement,
          response=Changed, subject="child"),
    Route("POST", f"{_CHILD}/agreements", "child_welfare.agreement", OFFICERS, agreement, body=Agreement,
          response=Changed, status=201, subject="child"),
    Route("POST", f"{_CHILD}/visits", "child_welfare.visit", OFFICERS, visit, body=Visit, response=Changed,
          status=201, subject="child"),
    Route("POST", f"{_CHILD}/termination", "child_welfare.termination", OFFICERS, termination, body=Termination,
          response=Changed, subject="child"),
    Route("POST", f"{_CHILD}/student-status", "child_welfare.student_status", OFFICERS, student_status,
          body=StudentStatus, response=Changed, subject="child"),
    Route("GET", f"{_CHILD}/allowances", "child_welfare.allowances", OFFICERS, allowances, subject="child"),
    Route("GET", f"{PREFIX}/payroll", "child_welfare.payroll", OFFICERS, payroll),
    Route("PUT", f"{PREFIX}/standards", "child_welfare.set_standard", ADMIN, set_standard, body=StandardBody),
    Route("GET", f"{PREFIX}/tasks", "child_welfare.tasks", OFFICERS, tasks),
]
