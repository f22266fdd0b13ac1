"""The funeral service's events (exchange `funeral.events`, routing key = type), one frozen model per type
and schema version. The deceased is `{id: ID number or TMP-…, role: "deceased"}`.

Stored history is never rewritten: an old payload is upcast at the dict boundary (`UPCASTERS`) and
parsed into the current model (`CATALOGUE.parse`). Fields are only ever added within a version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from shared.reference.events import EventCatalogue, EventModel, EventPart, Upcasters


class AshesDisposed(EventModel):
    """F-4: the ashes taken, deposited, scattered or otherwise disposed of. Subjects: deceased."""

    TYPE = "funeral.AshesDisposed"

    death_id: str
    disposition: str
    disposed_on: dt.date
    taken_by: dict[str, Any] | None = None
    location: str | None = None
    term_years: int | None = None
    deposit_until: dt.date | None = None
    ashes_number: str | None = None


class AssistanceGranted(EventModel):
    """F-5: basic funeral services granted free of charge. Subjects: deceased."""

    TYPE = "funeral.AssistanceGranted"

    assistance_id: str
    death_id: str
    category: str
    items: tuple[str, ...]
    amount: str
    granted_on: dt.date
    funeral_home: str


class BodyCollected(EventModel):
    """F-2: the body collected by the funeral home. Subjects: deceased."""

    TYPE = "funeral.BodyCollected"

    death_id: str
    collected_on: dt.date
    collected_from: str | None = None


class BodyCremated(EventModel):
    """F-3: the body cremated, with its cremation certificate. Subjects: deceased."""

    TYPE = "funeral.BodyCremated"

    death_id: str
    cremation_id: str
    cremation_certificate: str
    cremated_on: dt.date
    funeral_home: str
    ashes_number: str | None = None


class BodyIdentified(EventModel):
    """F-6: an unidentified body identified: the temporary id is linked to an ID number. Subjects: identified,
    temporary."""

    TYPE = "funeral.BodyIdentified"

    death_id: str
    temporary_id: str
    id_number: str
    identified_on: dt.date
    method: str
    died_on: dt.date
    declaration_id: str | None = Field(None, description="D-8: the standing death declaration of the person "
                                                         "identified, to which the body is linked")
    declared_died_on: dt.date | None = Field(None, description="D-8: that declaration's date of death (art. 48); "
                                                               "where it differs from `died_on`, the registrar "
                                                               "reviews the dates")


class BodyStored(EventModel):
    """F-2: the body stored (cold storage) at the funeral home. Subjects: deceased."""

    TYPE = "funeral.BodyStored"

    death_id: str
    stored_on: dt.date
    location: str


class BurialRecorded(EventModel):
    """F-4: an interment, in a plot or an eco burial. Subjects: deceased."""

    TYPE = "funeral.BurialRecorded"

    burial_id: str
    death_id: str
    burial_type: str
    eco: bool
    cemetery: str | None = None
    plot_id: str | None = None
    interred_on: dt.date
    rights_holder: dict[str, Any]
    term_until: dt.date | None = None


class CemeteryOpened(EventModel):
    """A cemetery registered with its kind and division."""

    TYPE = "funeral.CemeteryOpened"

    cemetery: str
    name: str
    kind: str
    division: str


class ClaimNoticePublished(EventModel):
    """F-6: a claim notice for an unidentified or unclaimed body published. Subjects: deceased."""

    TYPE = "funeral.ClaimNoticePublished"

    death_id: str
    published_on: dt.date
    medium: str


class CourtDeclarationRecordedSeenAlive(EventPart):
    """One item of `CourtDeclarationRecorded.seen_alive`."""

    service: str
    on: dt.date


class CourtDeclarationRecorded(EventModel):
    """D-1..D-3: a court's declaration of death (宣告死亡) or of disappearance (宣告失踪), entered from the
    judgment. Not a death registration (D-8): no death record, certificate or body. `died_on` (death only) is
    the art. 48 date: the judgment date, or the accident date on the accident grounds. A death declaration
    ends the person's standing missing declaration that day (`supersedes`). Subjects: declared."""

    TYPE = "funeral.CourtDeclarationRecorded"

    declaration_id: str = Field(description="the court declaration (stream `declaration-<id>`)")
    kind: str = Field(description="`death` or `missing`")
    court: str
    judgment_ref: str = Field(description="the case number (案号)")
    judgment_on: dt.date = Field(description="effective that day (民事诉讼法 185)")
    missing_since: dt.date | None = Field(None, description="since when the person is missing (art. 41)")
    ground: str | None = Field(None, description="death: `missing_four_years`, `accident_two_years`, "
                                                 "`accident_certified`")
    died_on: dt.date | None = Field(None, description="death: the date of death the judgment gives (art. 48)")
    plausibility_confirmed: bool = Field(False, description="D-2: the registrar confirmed a judgment dated before "
                                                            "the legal minimum or contradicted by a sighting")
    supersedes: str | None = Field(None, description="the missing declaration this death declaration ends (D-3)")
    seen_alive: tuple[CourtDeclarationRecordedSeenAlive, ...] = Field(
        (), description="D-2: civreg saw the person alive after the missing or accident date (service and date); "
                        "the registrar confirmed the judgment all the same")


class CourtDeclarationRevoked(EventModel):
    """D-5: the declaration revoked by a new judgment; it acts from `revoked_on`, never backwards.
    `spouse_statements`: the ID numbers of those who stated in writing, while the declaration stood, that their
    marriage to the declared person is not to be restored (Civil Code 51). Subjects: declared."""

    TYPE = "funeral.CourtDeclarationRevoked"

    declaration_id: str = Field(description="the court declaration (stream `declaration-<id>`)")
    kind: str
    court: str
    judgment_ref: str = Field(description="the case number (案号) of the revoking judgment")
    revoked_on: dt.date
    spouse_statements: tuple[str, ...] = Field((), description="who stated in writing that the marriage is not to "
                                                               "be restored (Civil Code 51)")


class SpouseStatementFiled(EventModel):
    """D-5 (Civil Code 51): the spouse of a person declared dead stated in writing, at a registry, that the
    marriage is not to be restored should the declaration be revoked. Subjects: declared, spouse."""

    TYPE = "funeral.SpouseStatementFiled"

    declaration_id: str = Field(description="the court declaration (stream `declaration-<id>`)")
    by_id_number: str = Field(description="the spouse who made the statement")
    stated_on: dt.date = Field(description="the date of the written statement")
    document_ref: str


class DeclarationReviewSettled(EventModel):
    """D-8: the registrar settled a body found later whose registered date of death (`died_on`) differs from the
    standing death declaration's (`declared_died_on`): `outcome` declared_date_stands | registered_date_stands,
    with the reason. Neither date changes. Subjects: deceased."""

    TYPE = "funeral.DeclarationReviewSettled"

    death_id: str
    declaration_id: str = Field(description="the standing death declaration the body is linked to (stream "
                                            "`declaration-<id>`)")
    outcome: str = Field(description="declared_date_stands | registered_date_stands: the date the registrar found "
                                     "to stand")
    reason: str
    settled_on: dt.date = Field(description="the day the registrar settled the review")
    died_on: dt.date = Field(description="the registered date of death the settlement is about")
    declared_died_on: dt.date = Field(description="the declaration's date of death (art. 48)")


class DeathWithdrawn(EventModel):
    """D-11: a death registered in error (the person lives, or a duplicate) withdrawn with the reason and the
    document; the record stays, marked. It acts backwards: the person was alive on every date. Subjects:
    withdrawn."""

    TYPE = "funeral.DeathWithdrawn"

    death_id: str
    reason: str
    document_ref: str
    withdrawn_on: dt.date
    died_on: dt.date = Field(description="the date of death that was recorded")
    relief_case_id: str | None = Field(None, description="the relief case the death was opened from (a "
                                                         "relief-station death): it returns to the station's staff")


class DeathCorrected(EventModel):
    """F-7: a death record corrected; `previous_subject` differs from `subject` when it was recorded against the wrong
    person. Subjects: deceased, wrongly_recorded."""

    TYPE = "funeral.DeathCorrected"

    death_id: str
    reason: str
    changes: dict[str, Any]
    previous_subject: str
    subject: str
    died_on: dt.date
    corrected_on: dt.date


class DeathRegistered(EventModel):
    """F-1: a death registered by a funeral home or opened from a relief-station death. Subjects: deceased."""

    TYPE = "funeral.DeathRegistered"

    death_id: str
    died_on: dt.date
    place_division: str
    natural: bool
    certificate_no: str | None
    issuer: str | None
    funeral_home: str
    identified: bool
    police_case: str | None = Field(description="unidentified only")
    source: str = Field(description="`funeral_home` or `relief_station`")
    relief_case_id: str | None = Field(description="when opened from a relief-station death")
    temporary_id: str | None
    description: str | None
    declaration_id: str | None = Field(None, description="D-8: the standing death declaration of the person, to "
                                                         "which this body found later is linked")
    declared_died_on: dt.date | None = Field(None, description="D-8: that declaration's date of death (art. 48); "
                                                               "where it differs from `died_on`, the registrar "
                                                               "reviews the dates")


class DisposalApproved(EventModel):
    """F-6: disposal of an unclaimed body approved with the police case and document. Subjects: deceased."""

    TYPE = "funeral.DisposalApproved"

    death_id: str
    approved_on: dt.date
    police_case: str
    document_ref: str


class PlotAdded(EventModel):
    """A plot added to a cemetery."""

    TYPE = "funeral.PlotAdded"

    plot_id: str
    cemetery: str
    number: str
    kind: str
    burial_type: str
    area_m2: str | None = None
    capacity: int


class PlotAllocated(EventModel):
    """F-4: a plot allocated to a deceased person or reserved for a living one. Subjects: deceased, reserved_for."""

    TYPE = "funeral.PlotAllocated"

    plot_id: str
    cemetery: str
    basis: str
    death_id: str | None = None
    exception: dict[str, Any] | None = None
    reserved_for: dict[str, Any] | None = None
    fills_reservation: str | None = None
    burial_type: str
    rights_holder: dict[str, Any]
    term_from: dt.date
    term_until: dt.date
    declaration_id: str | None = Field(None, description="D-8: a cenotaph (衣冠冢) for the person this court "
                                                         "declaration declared dead")


class PlotTermRenewed(EventModel):
    """F-4: a plot's term extended."""

    TYPE = "funeral.PlotTermRenewed"

    plot_id: str
    cemetery: str
    renewed_on: dt.date
    years: int
    previous_until: dt.date
    term_until: dt.date


# Steps from an old payload shape to the next (`@UPCASTERS.register(type, from_version)`); none yet.
UPCASTERS = Upcasters()

CATALOGUE = EventCatalogue(
    "funeral",
    (
        AshesDisposed,
        AssistanceGranted,
        BodyCollected,
        BodyCremated,
        BodyIdentified,
        BodyStored,
        BurialRecorded,
        CemeteryOpened,
        ClaimNoticePublished,
        CourtDeclarationRecorded,
        CourtDeclarationRevoked,
        DeathCorrected,
        DeathRegistered,
        DeathWithdrawn,
        DeclarationReviewSettled,
        DisposalApproved,
        PlotAdded,
        PlotAllocated,
        PlotTermRenewed,
        SpouseStatementFiled,
    ),
    UPCASTERS,
)
