"""The funeral service's events: what it records and publishes (exchange `funeral.events`, routing key = type).

Every type below is schema version 1 (`SCHEMA_VERSIONS`). Payload fields are only ever added; a change
that breaks readers becomes version 2 with an upcaster (shared/eventstore/upcasting.py). Dates are
`YYYY-MM-DD`, amounts are decimal strings ("1010.00"), places are place codes, divisions six digits.

Contracts other services react to (docs/events.md), payload fields in order:

* `funeral.DeathRegistered` v1 — stream `death-<death_id>`, occurred_on = date of death.
  Subjects `{id: ID number or TMP-…, role: "deceased"}`. Payload `death_id`, `died_on`, `place_division`,
  `natural` (bool), `certificate_no`, `issuer`, `funeral_home`, `identified` (bool), `police_case`
  (unidentified, or an unnatural death: the police case certifying it), `source` (`funeral_home` |
  `relief_station`), `relief_case_id` (relief-station deaths), `temporary_id` (unidentified), `description`
  (unidentified: what the body looked like). Consumed by marriage (M-11), child welfare (C-6), timeline.
* `funeral.DeathCorrected` v1 — same stream, occurred_on = the day of the correction. Subjects
  `{id, role: "deceased"}` for the person the death now belongs to and, when the person changed,
  `{id, role: "wrongly_recorded"}` for the one it was wrongly recorded against. Payload `death_id`,
  `reason`, `changes` (`{field: {from, to}}` for `id_number`, `died_on`, `place_division`, `natural`,
  `certificate_no`, `issuer`, `police_case`), `previous_subject`, `subject` (equal unless the person
  changed), `died_on` (the date of death after the correction). Consumers undo what they did for
  `previous_subject` and apply the death to `subject` (F-7).
* `funeral.BodyIdentified` v1 — same stream, occurred_on = the day of identification. Subjects
  `{id: TMP-…, role: "temporary"}`, `{id: ID number, role: "identified"}`. Payload `death_id`,
  `temporary_id`, `id_number`, `identified_on`, `method`, `died_on`. From then on the death is the
  identified person's (F-6).

The service's other events (its own history; consumed by the timeline, which needs nothing per type):

* death stream: `funeral.BodyCollected` (`collected_on`, `collected_from`), `funeral.BodyStored`
  (`stored_on`, `location`), `funeral.ClaimNoticePublished` (`published_on`, `medium`),
  `funeral.DisposalApproved` (`approved_on`, `police_case`, `document_ref`), `funeral.BodyCremated`
  (`cremation_id`, `cremation_certificate`, `cremated_on`, `funeral_home`, `ashes_number`),
  `funeral.AshesDisposed` (`disposition` family | deposit, `disposed_on`, `taken_by`, `location`,
  `deposit_until`), `funeral.BurialRecorded` (`burial_id`, `burial_type`, `eco`, `cemetery`, `plot_id`,
  `interred_on`, `rights_holder`), `funeral.AssistanceGranted` (`assistance_id`, `category`, `items`,
  `amount`, `granted_on`, `funeral_home`); each with `death_id` and the deceased as subject.
* `funeral.DeathWithdrawn` v1 — death stream, occurred_on = the day of the withdrawal (D-11). Subjects
  `{id, role: "withdrawn"}`. Payload `death_id`, `reason`, `document_ref`, `withdrawn_on`, `died_on` (as
  recorded). The death was registered in error: consumers undo it as if it had never been (alive on every date).
* `funeral.DeclarationReviewSettled` v1 — death stream, occurred_on = `settled_on` (D-8). Subjects
  `{id, role: "deceased"}`. Payload `death_id`, `declaration_id`, `outcome` (declared_date_stands |
  registered_date_stands), `reason`, `settled_on`, `died_on`, `declared_died_on`: the registrar settled a body
  found later whose date of death differs from the declaration's; neither date changes.
* stream `declaration-<declaration_id>` (D-1..D-5; not a death registration, D-8):
  `funeral.CourtDeclarationRecorded` (occurred_on = judgment date; subjects `{id, role: "declared"}`; `kind`
  death | missing, `court`, `judgment_ref`, `judgment_on`, `missing_since`, `ground`, `died_on`,
  `plausibility_confirmed`, `supersedes`), `funeral.SpouseStatementFiled` (subjects declared and `spouse`;
  `by_id_number`, `stated_on`, `document_ref`), `funeral.CourtDeclarationRevoked` (occurred_on = `revoked_on`;
  `court`, `judgment_ref`, `spouse_statements`). Consumed by marriage (D-4, D-5), child welfare (D-6), vagrant
  aid (D-9) and the timeline (D-10).
* stream `cemetery-<code>`: `funeral.CemeteryOpened` (`cemetery`, `name`, `kind`, `division`).
* stream `plot-<plot_id>`: `funeral.PlotAdded` (`plot_id`, `cemetery`, `number`, `kind`, `burial_type`,
  `area_m2`, `capacity`), `funeral.PlotAllocated` (`plot_id`, `cemetery`, `basis` death | exception,
  `death_id`, `exception`, `reserved_for`, `burial_type`, `rights_holder`, `term_from`, `term_until`),
  `funeral.PlotTermRenewed` (`plot_id`, `renewed_on`, `years`, `previous_until`, `term_until`).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.funeral.contract import events as contract
from shared import envelope

DEATH_REGISTERED = contract.DeathRegistered.TYPE
DEATH_CORRECTED = contract.DeathCorrected.TYPE
BODY_IDENTIFIED = contract.BodyIdentified.TYPE
BODY_COLLECTED = contract.BodyCollected.TYPE
BODY_STORED = contract.BodyStored.TYPE
CLAIM_NOTICE_PUBLISHED = contract.ClaimNoticePublished.TYPE
DISPOSAL_APPROVED = contract.DisposalApproved.TYPE
BODY_CREMATED = contract.BodyCremated.TYPE
ASHES_DISPOSED = contract.AshesDisposed.TYPE
BURIAL_RECORDED = contract.BurialRecorded.TYPE
ASSISTANCE_GRANTED = contract.AssistanceGranted.TYPE
CEMETERY_OPENED = contract.CemeteryOpened.TYPE
PLOT_ADDED = contract.PlotAdded.TYPE
PLOT_ALLOCATED = contract.PlotAllocated.TYPE
PLOT_TERM_RENEWED = contract.PlotTermRenewed.TYPE
COURT_DECLARATION_RECORDED = contract.CourtDeclarationRecorded.TYPE
COURT_DECLARATION_REVOKED = contract.CourtDeclarationRevoked.TYPE
SPOUSE_STATEMENT_FILED = contract.SpouseStatementFiled.TYPE
DEATH_WITHDRAWN = contract.DeathWithdrawn.TYPE
DECLARATION_REVIEW_SETTLED = contract.DeclarationReviewSettled.TYPE

SCHEMA_VERSIONS = contract.CATALOGUE.schema_versions


# Steps from an old payload shape to the next (`@UPCASTERS.register(type, from_version)`); none yet, every
# type is at version 1. The store reads, and the relay publishes, the current shape.
UPCASTERS = contract.CATALOGUE.upcasters


def death_stream(death_id: str) -> str:
    return f"death-{death_id}"


def declaration_stream(declaration_id: str) -> str:
    return f"declaration-{declaration_id}"


def cemetery_stream(code: str) -> str:
    return f"cemetery-{code}"


def plot_stream(plot_id: str) -> str:
    return f"plot-{plot_id}"


@dataclass(frozen=True)
class Draft(envelope.Draft):
    """An event a decision produced, before the store gives it an id, a position and metadata."""

    SCHEMA_VERSIONS = SCHEMA_VERSIONS
