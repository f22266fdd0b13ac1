"""The marriage service's events (exchange `marriage.events`, routing key = type), one frozen model per
type and schema version. Persons are `{id: ID number, role: "party"}` unless said otherwise.

Stored history is never rewritten: an old payload is upcast at the dict boundary (`UPCASTERS`) and
parsed into the current model (`CATALOGUE.parse`). Fields are only ever added within a version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from shared.reference.events import EventCatalogue, EventModel, EventPart, Upcasters


class AppointmentBooked(EventModel):
    """M-13: an appointment booked at an office for a marriage or divorce registration. Subjects: applicant."""

    TYPE = "marriage.AppointmentBooked"

    appointment_id: str
    office: str
    date: dt.date
    kind: str
    id_numbers: tuple[str, ...]


class AppointmentCancelled(EventModel):
    """M-13: an appointment cancelled by the applicants or the office. Subjects: applicant."""

    TYPE = "marriage.AppointmentCancelled"

    appointment_id: str
    office: str
    date: dt.date
    kind: str
    cancelled_on: dt.date


class AppointmentMissed(EventModel):
    """M-13: nobody came to the appointment (no-show). Subjects: applicant."""

    TYPE = "marriage.AppointmentMissed"

    appointment_id: str
    office: str
    date: dt.date
    kind: str


class CertificateReissued(EventModel):
    """M-7: a new certificate number for one party; the old number becomes invalid. Subjects: party."""

    TYPE = "marriage.CertificateReissued"

    registration_id: str
    id_number: str
    old_number: str
    new_number: str
    reason: str
    reissued_on: dt.date
    office: str


class DivorceCertificateReissued(EventModel):
    """M-7, K-6: a new divorce certificate number (`BL`, the reissuing office's) for one party; the old copy is
    invalid from `reissued_on`. On the marriage's stream, beside the divorce it certifies. Subjects: party."""

    TYPE = "marriage.DivorceCertificateReissued"

    registration_id: str
    divorce_id: str
    id_number: str
    old_number: str
    new_number: str
    reason: str
    reissued_on: dt.date
    office: str


class RecordStatementEntry(EventPart):
    """One line of a record-of-registration statement: kind, date, office and 字号 of a registration."""

    kind: str = Field(description="结婚登记, 离婚登记, 补领结婚证 or 补领离婚证")
    registered_on: dt.date = Field(description="the date of the registration or reissue")
    office: str = Field(description="the office that registered it")
    number: str = Field(description="its 字号, or the paper-era number as written")


class RecordStatementIssued(EventModel):
    """K-7: a 婚姻登记记录证明 (no `registrations`: the no-record statement) issued by an office for the person's
    notarisation in `destination`, with its own serial (`number`). Subjects: the person, as `holder`."""

    TYPE = "marriage.RecordStatementIssued"

    number: str = Field(description="the statement's own serial, ZM<division>-<year>-<serial> (K-7)")
    office: str = Field(description="the issuing registry office")
    id_number: str = Field(description="the person the statement is about")
    name: str = Field(description="the person's name as printed")
    purpose: str = Field(description="what the statement is for: notarisation (K-7)")
    destination: str = Field(description="where the notarisation is used: TW or one of nine countries (ISO 3166)")
    proxy_id_number: str | None = Field(default=None, description="who asked on the person's behalf, if anyone")
    proxy_name: str | None = Field(default=None, description="the proxy's name")
    registrations: tuple[RecordStatementEntry, ...] = Field(
        description="the person's own registrations: kind, date, office, number; empty: the no-record statement")
    issued_on: dt.date = Field(description="the date the statement was issued")


class CertificateBlankVoided(EventModel):
    """M-7 (stock): a spoiled blank registered as void by its office, with the reason; its number can never be
    passed off as a certificate. No subjects: a blank names nobody."""

    TYPE = "marriage.CertificateBlankVoided"

    number: str
    office: str
    reason: str
    voided_on: dt.date


class CertificateBlanksReceived(EventModel):
    """K-5: a delivery of preprinted blanks (`series` + eight-digit numbers `first`..`last`) received by an
    office. No subjects: blanks name nobody."""

    TYPE = "marriage.CertificateBlanksReceived"

    receipt_id: str = Field(description="the receipt's id")
    office: str
    series: str = Field(description="the blanks' series, printed before their eight-digit numbers")
    first: int = Field(description="the first blank's number in the series")
    last: int = Field(description="the last blank's number in the series")
    received_on: dt.date = Field(description="the date the blanks were received")


class CertificateBlankIssued(EventModel):
    """K-5: a copy (字号 and holder) printed on a received blank of the office. Subjects: the holder."""

    TYPE = "marriage.CertificateBlankIssued"

    number: str = Field(description="the blank's preprinted stock number")
    office: str
    certificate_number: str = Field(description="the 字号 printed on the blank (K-2)")
    id_number: str = Field(description="the copy's holder")
    issued_on: dt.date = Field(description="the date the copy was printed on the blank")


class CourtOutcomeRecorded(EventModel):
    """M-9: a court judgment: a divorce ends the marriage from `effective_on`; void or annulled marriages never
    existed. Subjects: party."""

    TYPE = "marriage.CourtOutcomeRecorded"

    registration_id: str
    kind: str
    court: str
    document_ref: str
    effective_on: dt.date


class DeathDateCorrected(EventModel):
    """M-11, F-7: the date of the death that ended the marriage was corrected; the marriage ended on `died_on`.
    Subjects: party."""

    TYPE = "marriage.DeathDateCorrected"

    registration_id: str
    death_id: str
    died_on: dt.date
    previous_died_on: dt.date | None


class DivorceApplicationClosed(EventModel):
    """M-11: the marriage ended otherwise (a death) while a divorce application was pending. Subjects: party."""

    TYPE = "marriage.DivorceApplicationClosed"

    divorce_id: str
    registration_id: str
    office: str
    reason: str
    closed_on: dt.date


class DivorceApplied(EventModel):
    """M-8: an application for divorce by agreement, with its cooling-off and registration windows. Subjects: party."""

    TYPE = "marriage.DivorceApplied"

    divorce_id: str
    registration_id: str
    office: str
    applied_on: dt.date
    agreement: dict[str, Any]
    withdraw_until: dt.date
    register_from: dt.date
    register_until: dt.date


class DivorceDeemedWithdrawn(EventModel):
    """M-8: nobody came by the end of the registration window; recorded by the scheduled check, by nobody's action.
    Subjects: party."""

    TYPE = "marriage.DivorceDeemedWithdrawn"

    divorce_id: str
    registration_id: str
    office: str
    register_until: dt.date


class DivorceRegisteredCertificates(EventPart):
    """One item of `DivorceRegisteredCertificates`."""

    number: str
    id_number: str


class DivorceRegistered(EventModel):
    """M-8: the divorce registered; it ends the marriage and lives on the marriage's stream. Subjects: party."""

    TYPE = "marriage.DivorceRegistered"

    divorce_id: str
    registration_id: str
    office: str
    registered_on: dt.date
    certificates: tuple[DivorceRegisteredCertificates, ...]
    imported: bool | None = Field(None, description="M-12: a paper divorce of an imported record")
    divorce_ref: str | None = Field(None, description="imports only: the divorce's number on paper")
    batch_id: str | None = Field(None, description="imports only (M-12)")
    record_ref: str | None = Field(None, description="imports only (M-12)")


class DivorceWithdrawn(EventModel):
    """M-8: one party withdrew the divorce application during the cooling-off period. Subjects: party."""

    TYPE = "marriage.DivorceWithdrawn"

    divorce_id: str
    registration_id: str
    office: str
    by_id_number: str
    withdrawn_on: dt.date


class HistoricalRecordConflicted(EventModel):
    """M-12: a paper record that could not be imported as it stands, kept for review. Subjects: party."""

    TYPE = "marriage.HistoricalRecordConflicted"

    batch_id: str
    record_id: str
    record_ref: str
    row: int
    reason: str
    registered_on: dt.date
    office: str
    parties: tuple[str, ...]
    certificates: tuple[str, ...]


class MarriageEndedByDeath(EventModel):
    """M-11, D-4: the death of a spouse ended the marriage; the survivor is widowed. A court's death declaration
    (`basis: declared`) ends it on the judgment date, `death_id` then naming the declaration. Subjects: deceased,
    survivor."""

    TYPE = "marriage.MarriageEndedByDeath"

    registration_id: str
    died_on: dt.date = Field(description="the day the marriage ended: the date of death, or the judgment date of a "
                                         "death declaration (D-4)")
    death_id: str
    deceased_id_number: str
    survivor_id_number: str
    basis: str | None = Field(None, description="D-8: `declared` for a court's death declaration; absent: a "
                                                "registered death")


class MarriageFlaggedForReview(EventModel):
    """M-11: a marriage registered after a party's date of death (the death reached us late); occurred_on is the
    registration date. Subjects: party."""

    TYPE = "marriage.MarriageFlaggedForReview"

    registration_id: str
    reason: str
    died_on: dt.date
    death_id: str
    id_number: str


class MarriageRegisteredParties(EventPart):
    """One item of `MarriageRegisteredParties`."""

    id_number: str
    sex: str
    household_division: str
    name: str
    recorded_id_number: str | None = Field(None, description="imports only: the number as written on paper")


class MarriageRegisteredCertificates(EventPart):
    """One item of `MarriageRegisteredCertificates`."""

    number: str
    id_number: str


class MarriageRegistered(EventModel):
    """M-1..M-6, M-12: a marriage registered at an office or imported from a paper record. Subjects: party."""

    TYPE = "marriage.MarriageRegistered"

    registration_id: str
    office: str
    office_division: str
    registered_on: dt.date
    parties: tuple[MarriageRegisteredParties, ...] = Field(description="husband first")
    certificates: tuple[MarriageRegisteredCertificates, ...]
    cross_county: bool
    imported: bool
    jurisdiction: str | None = Field(description="the M-6 phase the registration was judged by")
    batch_id: str | None = Field(None, description="imports only (M-12)")
    record_ref: str | None = Field(None, description="imports only (M-12)")
    review: tuple[str, ...] | None = Field(
        None, description="imports only (M-12): review flags, e.g. `below_legal_age` — below the minimum ages of "
                          "its date, imported and listed for a registrar, not refused")


class MarriageRevived(EventModel):
    """M-11: a death that ended the marriage was withdrawn or revoked; the marriage is in force again;
    subjects: party."""

    TYPE = "marriage.MarriageRevived"

    registration_id: str
    reason: str
    death_id: str
    revived_on: dt.date | None = Field(None, description="D-5: a revoked death declaration revives the marriage from "
                                                         "this date, never backwards; absent: the death never ended "
                                                         "it (F-7, D-11)")


class MarriageNotRevived(EventModel):
    """D-5 (Civil Code 51): a revoked death declaration does not revive the marriage it ended, because the
    survivor remarried since the declaration or stated in writing that it is not to be restored; both are divorced
    from the revocation date. Subjects: party."""

    TYPE = "marriage.MarriageNotRevived"

    registration_id: str
    declaration_id: str = Field(description="the revoked court declaration (funeral, stream `declaration-<id>`)")
    reason: str = Field(description="`survivor_remarried` or `spouse_statement`")
    divorced_on: dt.date = Field(description="both divorced from the revocation date")


class RegistrationRefused(EventModel):
    """M-5: a registration refused, with its reasons (rule codes). Subjects: applicant."""

    TYPE = "marriage.RegistrationRefused"

    refusal_id: str
    office: str
    reasons: tuple[str, ...]
    refused_on: dt.date
    death_bases: tuple[str | None, ...] | None = Field(
        None, description="M-3, D-8: with `deceased`, each party's basis of death in the application's order: "
                          "`registered`, `declared` (a court's death declaration) or null for the living")


class RegistrationRevoked(EventModel):
    """M-10: a fraudulent registration revoked; the marriage never existed. Subjects: dishonest, party."""

    TYPE = "marriage.RegistrationRevoked"

    registration_id: str
    reason: str
    document_ref: str
    dishonest_id_number: str | None
    revoked_on: dt.date


# Steps from an old payload shape to the next (`@UPCASTERS.register(type, from_version)`); none yet.
UPCASTERS = Upcasters()

CATALOGUE = EventCatalogue(
    "marriage",
    (
        AppointmentBooked,
        AppointmentCancelled,
        AppointmentMissed,
        CertificateBlankIssued,
        CertificateBlankVoided,
        CertificateBlanksReceived,
        CertificateReissued,
        CourtOutcomeRecorded,
        DeathDateCorrected,
        DivorceApplicationClosed,
        DivorceApplied,
        DivorceCertificateReissued,
        DivorceDeemedWithdrawn,
        DivorceRegistered,
        DivorceWithdrawn,
        HistoricalRecordConflicted,
        MarriageEndedByDeath,
        MarriageFlaggedForReview,
        MarriageRegistered,
        MarriageNotRevived,
        MarriageRevived,
        RecordStatementIssued,
        RegistrationRefused,
        RegistrationRevoked,
    ),
    UPCASTERS,
)
