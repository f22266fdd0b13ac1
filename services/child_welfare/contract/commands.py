"""The child welfare commands: what officers (and the reactions) ask the service to record.

Shapes only; the rules are in `rules.py` and the decisions. A command that breaks its shape is refused as
`validation_failed` before any rule runs. Business dates are optional where api.md makes them so.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from services.child_welfare.contract.vocabulary import (
    AgreementKind,
    Care,
    Category,
    Condition,
    EvidenceRef,
    Institution,
    Name,
    Note,
    TerminationReason,
)
from shared.reference.contract import Command as Model
from shared.reference.text import DivisionCode, IdNumberText, PersonName, Phone

Version = Annotated[int, Field(ge=1)] | None  # api.md If-Match: the version the caller read
# Years 1000 to 9999: a month of year 0 cannot be a date (schemathesis found `0000-01` answered 500).
MONTH_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"
MonthText = Annotated[str, StringConstraints(pattern=MONTH_PATTERN)]


class Child(Model):
    id_number: IdNumberText
    name: PersonName
    household_division: DivisionCode


class ParentEntry(Model):
    """A parent and the condition that keeps them from bringing the child up, with its evidence (C-1, C-2)."""

    id_number: IdNumberText | None = None
    name: PersonName
    condition: Condition
    condition_since: dt.date
    evidence_ref: EvidenceRef
    ends_on: dt.date | None = None  # a known end: the last day of a sentence


class Guardian(Model):
    name: Name
    relation: Name
    id_number: IdNumberText | None = None
    phone: Phone | None = None


class Carer(Model):
    """A foster carer (家庭寄养): 30 to 65 years old, at most two foster children (C-4)."""

    id_number: IdNumberText
    name: PersonName


class OpenFile(Model):
    """C-2, C-3: the guardian's (or committee's) application opens the child's one file."""

    child: Child
    parents: list[ParentEntry] = Field(min_length=2, max_length=2)
    guardian: Guardian
    care: Care
    institution: Institution | None = None
    carer: Carer | None = None
    applied_on: dt.date | None = None


class RecordTownshipCheck(Model):
    """C-3: the township (street office) has checked the application."""

    outcome: Literal["passed", "failed"]
    checked_on: dt.date | None = None
    notes: Note | None = None
    version: Version = None


class Decide(Model):
    """C-3: the county decides, with written reasons."""

    outcome: Literal["confirmed", "rejected"]
    category: Category | None = None
    reasons: list[Note] = Field(default_factory=list, max_length=20)
    decided_on: dt.date | None = None
    version: Version = None


class ChangeParentCondition(Model):
    """C-6: a parent's condition starts or ends (release, recovery, contact restored), with evidence;
    `replaces_since` corrects the fact recorded as starting on that day."""

    parent: int = Field(ge=0, le=1)
    condition: Condition
    condition_since: dt.date
    evidence_ref: EvidenceRef
    ends_on: dt.date | None = None
    replaces_since: dt.date | None = None
    name: PersonName | None = None  # a parent not yet on the file (a referral)
    id_number: IdNumberText | None = None
    version: Version = None


class ChangePlacement(Model):
    """C-4: another care arrangement, or a transfer between institutions."""

    care: Care
    institution: Institution | None = None
    carer: Carer | None = None
    effective_on: dt.date | None = None
    reason: Note | None = None
    version: Version = None


class SignAgreement(Model):
    """C-7: a guardianship or entrusted-care agreement signed or renewed."""

    kind: AgreementKind
    party: Name
    signed_on: dt.date | None = None
    version: Version = None


class RecordVisit(Model):
    """C-7: an officer's visit to a child in dispersed or foster care."""

    findings: Note
    visited_on: dt.date | None = None
    version: Version = None


class RecordStudentStatus(Model):
    """C-6: full-time education, which extends support past 18 where the extension holds."""

    school: Name
    full_time_until: dt.date
    evidence_ref: EvidenceRef
    version: Version = None


class Terminate(Model):
    """C-6: support ends on the day of the terminating event (the allowance is paid for that month)."""

    reason: TerminationReason
    effective_on: dt.date
    notes: Note | None = None
    version: Version = None


class SetStandard(Model):
    """C-5: the monthly standard of a category and care arrangement from a month (admin)."""

    category: Category
    care: Care
    from_month: MonthText
    amount: Annotated[Decimal, Field(ge=0, le=100_000, max_digits=9, decimal_places=2)]


# -- the file's guardian, household, reopening and long-term state guardianship (issue 15) ------------------------
class ChangeGuardian(Model):
    """C-2: the child's guardian changed (a relative takes over, a court appoints another)."""

    guardian: Guardian
    effective_on: dt.date | None = None
    reason: Note | None = None
    version: Version = None


class ChangeHousehold(Model):
    """C-2, C-6: the child's household registration moved; out of the city, support ends (`moved_away`)."""

    household_division: DivisionCode
    effective_on: dt.date | None = None
    reason: Note | None = None
    version: Version = None


class ReopenFile(Model):
    """C-2, C-3: a terminated file is reopened — a child who may qualify again is checked and decided again."""

    reason: Note
    reopened_on: dt.date | None = None
    version: Version = None


class AssumeLongTermGuardianship(Model):
    """The civil affairs department assumes long-term state guardianship (长期监护, 未成年人保护法 94) on its
    decision; a child at the minors' protection centre moves to the welfare institution."""

    document_ref: EvidenceRef
    decided_on: dt.date | None = None
    version: Version = None
