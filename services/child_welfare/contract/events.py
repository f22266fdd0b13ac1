"""The child welfare service's events (exchange `child_welfare.events`, routing key = type), one frozen
model per type and schema version. Access class `protected` (C-8). The child is `{id, role: "child"}`.

Stored history is never rewritten: an old payload is upcast at the dict boundary (`UPCASTERS`) and
parsed into the current model (`CATALOGUE.parse`). Fields are only ever added within a version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from shared.reference.events import EventCatalogue, EventModel, EventPart, Upcasters


class AgreementSigned(EventModel):
    """A guardianship or entrusted-care agreement signed or renewed. Subjects: child."""

    TYPE = "child_welfare.AgreementSigned"

    child_id: str
    kind: str
    signed_on: dt.date
    valid_until: dt.date
    party: str
    renewal: bool


class AllowanceAdjustedMonths(EventPart):
    """One item of `AllowanceAdjustedMonths`."""

    month: str
    paid: str
    due: str
    difference: str


class AllowanceAdjusted(EventModel):
    """C-5: a correction recomputed months already paid (arrears positive, recovery negative). Subjects: child."""

    TYPE = "child_welfare.AllowanceAdjusted"

    child_id: str
    recorded_on: dt.date
    months: tuple[AllowanceAdjustedMonths, ...]
    total: str
    cause: str


class ApplicationRejected(EventModel):
    """C-4: the application rejected, with its reasons. Subjects: child."""

    TYPE = "child_welfare.ApplicationRejected"

    child_id: str
    reasons: tuple[str, ...]
    decided_on: dt.date


class AssessmentOpened(EventModel):
    """A rejected child may now be eligible (e.g. a parent's death): the file is checked and decided again. Subjects:
    child."""

    TYPE = "child_welfare.AssessmentOpened"

    child_id: str
    opened_on: dt.date
    reason: str
    suggested_category: str


class CarePlacementChanged(EventModel):
    """The child's care placement changed (family, foster care, institution, transfer). Subjects: child."""

    TYPE = "child_welfare.CarePlacementChanged"

    child_id: str
    care: str
    from_care: str
    institution: str | None = None
    from_institution: str | None = None
    carer: dict[str, Any] | None = None
    effective_on: dt.date
    transfer: bool
    reason: str | None = None


class ChildFileOpened(EventModel):
    """C-1, C-2: a child's file opened by an application or a relief-station referral. Subjects: child, parent."""

    TYPE = "child_welfare.ChildFileOpened"

    child_id: str
    household_division: str
    care: str
    applied_on: dt.date
    source: str
    name: str | None = None
    birth_date: dt.date | None = None
    sex: str
    parents: tuple[dict[str, Any], ...]
    guardian: dict[str, Any]
    institution: str | None = None
    carer: dict[str, Any] | None = Field(None, description="the foster carer `{id_number, name}`")
    relief_case_id: str | None = None
    station: str | None = None


class ChildIdentified(EventModel):
    """A child known under a temporary id is linked to an ID number (0.5). Subjects: child, temporary."""

    TYPE = "child_welfare.ChildIdentified"

    child_id: str
    temporary_id: str
    id_number: str
    identified_on: dt.date
    birth_date: dt.date
    cause: str


class ChildReclassified(EventModel):
    """The child's category changed (orphan, de facto unattended). Subjects: child."""

    TYPE = "child_welfare.ChildReclassified"

    child_id: str
    from_category: str
    to_category: str
    effective_on: dt.date
    cause: str


class EligibilityConfirmed(EventModel):
    """C-4: the child confirmed as an orphan or de facto unattended child, allowance from `allowance_from`. Subjects:
    child."""

    TYPE = "child_welfare.EligibilityConfirmed"

    child_id: str
    category: str
    decided_on: dt.date
    allowance_from: str
    reasons: tuple[str, ...]


class FileReopened(EventModel):
    """C-2, C-3: a terminated file reopened; the child is checked and decided again, the months paid before
    stay paid. Subjects: child."""

    TYPE = "child_welfare.FileReopened"

    child_id: str
    reopened_on: dt.date = Field(description="the day the file is under assessment again")
    reason: str
    terminated_on: dt.date = Field(description="the day the support it reopens had ended")
    termination_reason: str = Field(description="why that support had ended (C-6)")


class GuardianChanged(EventModel):
    """C-2: the child's guardian changed; `state_guardianship` `long_term` when the state assumes long-term
    guardianship (长期监护). Subjects: child."""

    TYPE = "child_welfare.GuardianChanged"

    child_id: str
    guardian: dict[str, Any] = Field(description="the guardian from `effective_on`: `{name, relation, id_number, "
                                                 "phone}`")
    from_guardian: dict[str, Any] | None = Field(None, description="the guardian before")
    effective_on: dt.date
    reason: str | None = None
    state_guardianship: str | None = Field(None, description="`long_term`: the state assumed long-term "
                                                             "guardianship (长期监护)")
    document_ref: str | None = Field(None, description="the civil affairs department's decision")


class HouseholdChanged(EventModel):
    """C-2: the child's household registration moved (out of the city: support ends, C-6). Subjects: child."""

    TYPE = "child_welfare.HouseholdChanged"

    child_id: str
    household_division: str = Field(description="the household registration's division from `effective_on`")
    from_division: str | None = Field(None, description="the household registration's division before")
    effective_on: dt.date
    reason: str | None = None


class ParentConditionChanged(EventModel):
    """A parent's condition recorded, corrected or withdrawn (e.g. from a funeral death). Subjects: child."""

    TYPE = "child_welfare.ParentConditionChanged"

    child_id: str
    parent: int
    condition: str
    condition_since: dt.date
    ends_on: dt.date | None = None
    evidence_ref: str
    replaces_since: dt.date | None = None
    withdrawn: bool
    cause: str
    death_id: str | None = None
    name: str | None = None
    id_number: str | None = None


class StandardSet(EventModel):
    """C-5: the monthly allowance standard of a category and care, from a month on."""

    TYPE = "child_welfare.StandardSet"

    category: str
    care: str
    from_month: str
    amount: str
    set_on: dt.date


class StudentStatusRecorded(EventModel):
    """C-6: full-time education extends support past 18. Subjects: child."""

    TYPE = "child_welfare.StudentStatusRecorded"

    child_id: str
    school: str
    full_time_until: dt.date
    evidence_ref: str
    recorded_on: dt.date


class SupportTerminated(EventModel):
    """C-6: support ended (adult, death, adoption, a parent's condition ended, moved away, other). Subjects: child."""

    TYPE = "child_welfare.SupportTerminated"

    child_id: str
    reason: str
    effective_on: dt.date
    allowance_until: str
    cause: str
    notes: str | None = None
    state_guardianship_ended: bool | None = Field(
        default=None, description="A-15: true when an adoption ended the state's guardianship and care")
    relief_exit: str | None = Field(
        None, description="a relief referral closed by the case's end: `collected`, `escorted`, `transferred`, or "
                          "`identified_adult` (the referral is cancelled)")
    relief_case_id: str | None = None
    review_from: str | None = Field(None, description="D-6: a child declared dead with an earlier date of death "
                                                      "(art. 48): the first month paid after it (YYYY-MM), for an "
                                                      "officer to review")
    review_until: str | None = Field(None, description="D-6: the last month to review (the judgment month)")


class TerminationCorrected(EventModel):
    """The date of a terminating fact was corrected (`effective_on` null: withdrawn). Subjects: child."""

    TYPE = "child_welfare.TerminationCorrected"

    child_id: str
    from_effective_on: dt.date
    effective_on: dt.date | None
    reason: str


class TownshipCheckRecorded(EventModel):
    """C-3: the township or street office's check of the application. Subjects: child."""

    TYPE = "child_welfare.TownshipCheckRecorded"

    child_id: str
    checked_on: dt.date
    outcome: str
    notes: str | None = None


class VisitRecorded(EventModel):
    """A visit to the child, its findings and the next one due. Subjects: child."""

    TYPE = "child_welfare.VisitRecorded"

    child_id: str
    visited_on: dt.date
    visitor: str
    findings: str
    next_due: dt.date


# Steps from an old payload shape to the next (`@UPCASTERS.register(type, from_version)`); none yet.
UPCASTERS = Upcasters()

CATALOGUE = EventCatalogue(
    "child_welfare",
    (
        AgreementSigned,
        AllowanceAdjusted,
        ApplicationRejected,
        AssessmentOpened,
        CarePlacementChanged,
        ChildFileOpened,
        ChildIdentified,
        ChildReclassified,
        EligibilityConfirmed,
        FileReopened,
        GuardianChanged,
        HouseholdChanged,
        ParentConditionChanged,
        StandardSet,
        StudentStatusRecorded,
        SupportTerminated,
        TerminationCorrected,
        TownshipCheckRecorded,
        VisitRecorded,
    ),
    UPCASTERS,
)
