"""The child welfare service's events: what it records and publishes (exchange `child_welfare.events`,
routing key = type). Access class `protected` (architecture.md): child welfare facts are the most
confidential class of data (C-8).

Every type is schema version 1. Payload fields are only ever added. Dates are `YYYY-MM-DD`, months `YYYY-MM`,
amounts decimal strings ("1200.00"). The child is `{id: ID number or TMP-…, role: "child"}`.

Contracts (docs/events.md "child_welfare"; the timeline derives the child welfare status from these five):

* `child_welfare.ChildFileOpened` — stream `child-<child_id>`, occurred_on = `applied_on`. Subjects the child
  and the parents with an ID number (`role: "parent"`). Payload `child_id`, `household_division`, `care`,
  `applied_on`, `source` (`application` | `relief_referral`), `name`, `birth_date`, `sex`, `parents`
  (`[{id_number, name, condition, condition_since, evidence_ref, ends_on}]`), `guardian`, `institution`,
  `relief_case_id`, `station`.
* `child_welfare.EligibilityConfirmed` — `child_id`, `category` (`orphan` | `de_facto_unattended`),
  `decided_on`, `allowance_from` (`YYYY-MM`), `reasons`.
* `child_welfare.ApplicationRejected` — `child_id`, `reasons`, `decided_on`.
* `child_welfare.ChildReclassified` — `child_id`, `from_category`, `to_category`, `effective_on`, `cause`.
* `child_welfare.SupportTerminated` — `child_id`, `reason` (`adult`, `death`, `adoption`,
  `parent_condition_ended`, `moved_away`, `other`), `effective_on`, `allowance_until` (`YYYY-MM`), `cause`
  (`officer`, `schedule`, the triggering event type), `notes`.

The service's other events (its own history):

* `child_welfare.TownshipCheckRecorded` — `child_id`, `checked_on`, `outcome` (`passed` | `failed`), `notes`
  (C-3, the township/street office's check).
* `child_welfare.AssessmentOpened` — `child_id`, `opened_on`, `reason`, `suggested_category`: a parent's death
  (or another fact) makes a rejected child possibly eligible; the file goes through check and decision again.
* `child_welfare.ParentConditionChanged` — `child_id`, `parent` (index), `condition`, `condition_since`,
  `ends_on`, `evidence_ref`, `replaces_since` (a correction of an earlier fact), `withdrawn` (bool: the
  fact starting on `replaces_since` never held), `cause` (`officer` | `funeral.DeathRegistered` | …), `death_id`,
  and for a new parent `name`, `id_number`.
* `child_welfare.CarePlacementChanged` — `child_id`, `care`, `from_care`, `institution`, `from_institution`,
  `carer` (`{id_number, name}` for foster care), `effective_on`, `transfer` (bool: between institutions),
  `reason`.
* `child_welfare.AgreementSigned` — `child_id`, `kind` (`guardianship` | `entrusted_care`), `signed_on`,
  `valid_until`, `party`, `renewal` (bool).
* `child_welfare.VisitRecorded` — `child_id`, `visited_on`, `visitor`, `findings`, `next_due`.
* `child_welfare.ChildIdentified` — `child_id`, `temporary_id`, `id_number`, `identified_on`, `birth_date`,
  `cause`: a child known under a temporary id (a relief-station referral) is linked to the ID number (0.5).
* `child_welfare.StudentStatusRecorded` — `child_id`, `school`, `full_time_until`, `evidence_ref`,
  `recorded_on`: full-time education extends support past 18 (C-6, configurable).
* `child_welfare.TerminationCorrected` — `child_id`, `from_effective_on`, `effective_on` (None: withdrawn),
  `reason`: the date of a terminating fact was corrected (a child's date of death).
* `child_welfare.AllowanceAdjusted` — `child_id`, `recorded_on`, `months` (`[{month, paid, due, difference}]`),
  `total` (arrears positive, recovery negative), `cause`: a correction recomputed months already paid (C-5).
* `child_welfare.GuardianChanged` — `child_id`, `guardian`, `from_guardian`, `effective_on`, `reason`,
  `state_guardianship` (`long_term`: the state assumed long-term guardianship), `document_ref`.
* `child_welfare.HouseholdChanged` — `child_id`, `household_division`, `from_division`, `effective_on`, `reason`.
* `child_welfare.FileReopened` — `child_id`, `reopened_on`, `reason`, `terminated_on`, `termination_reason`: a
  terminated file is checked and decided again; the months paid before stay paid.
* `child_welfare.StandardSet` — stream `standards`: `category`, `care`, `from_month`, `amount`, `set_on`.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.child_welfare.contract import events as contract
from shared import envelope

CHILD_FILE_OPENED = contract.ChildFileOpened.TYPE
ELIGIBILITY_CONFIRMED = contract.EligibilityConfirmed.TYPE
APPLICATION_REJECTED = contract.ApplicationRejected.TYPE
CHILD_RECLASSIFIED = contract.ChildReclassified.TYPE
SUPPORT_TERMINATED = contract.SupportTerminated.TYPE
TOWNSHIP_CHECK_RECORDED = contract.TownshipCheckRecorded.TYPE
ASSESSMENT_OPENED = contract.AssessmentOpened.TYPE
PARENT_CONDITION_CHANGED = contract.ParentConditionChanged.TYPE
CARE_PLACEMENT_CHANGED = contract.CarePlacementChanged.TYPE
AGREEMENT_SIGNED = contract.AgreementSigned.TYPE
VISIT_RECORDED = contract.VisitRecorded.TYPE
CHILD_IDENTIFIED = contract.ChildIdentified.TYPE
TERMINATION_CORRECTED = contract.TerminationCorrected.TYPE
ALLOWANCE_ADJUSTED = contract.AllowanceAdjusted.TYPE
STANDARD_SET = contract.StandardSet.TYPE
STUDENT_STATUS_RECORDED = contract.StudentStatusRecorded.TYPE
GUARDIAN_CHANGED = contract.GuardianChanged.TYPE
HOUSEHOLD_CHANGED = contract.HouseholdChanged.TYPE
FILE_REOPENED = contract.FileReopened.TYPE

SCHEMA_VERSIONS = contract.CATALOGUE.schema_versions

# No upcasters yet: every type is at version 1.
UPCASTERS = contract.CATALOGUE.upcasters

STANDARDS_STREAM = "standards"


def child_stream(child_id: str) -> str:
    return f"child-{child_id}"


@dataclass(frozen=True)
class Draft(envelope.Draft):
    """An event a decision produced, before the store gives it an id, a position and metadata."""

    SCHEMA_VERSIONS = SCHEMA_VERSIONS
