"""What the marriage service answers, as the gateway documents it (OpenAPI): services may add fields."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import ConfigDict, Field

from shared.reference.contract import Response as View


class CertificateCopy(View):
    """K-3, K-8: one copy: the registration's 字号, its holder, and its verification code — in the issuing
    answer only (null when the service answers a replay of the command)."""

    number: str
    holder_id_number: str
    verification_code: str | None


class MarriageRegistered(View):
    registration_id: str
    certificates: list[CertificateCopy]
    version: int
    warnings: list[dict[str, Any]] = []


class DivorceApplied(View):
    divorce_id: str
    withdraw_until: dt.date
    register_from: dt.date
    register_until: dt.date
    version: int


class MaritalStatus(View):
    person_id: str
    as_of: dt.date
    marital_status: Literal["unmarried", "married", "divorced", "widowed"]
    since: dt.date | None = None
    registration_id: str | None = None


class CertificateVerification(View):
    """K-9: all a public check reveals."""

    valid: bool
    kind: Literal["marriage", "divorce", "record_statement", "no_record_statement"]
    issued_on: dt.date
    revoked: bool


class StockBooks(View):
    """K-5: received = issued + spoiled + on hand."""

    office: str
    received: int
    issued: int
    spoiled: int
    on_hand: int
    spoiled_unreceived: int
    balanced: bool
    spoiled_blanks: list[dict[str, Any]]


class BlanksReceived(View):
    """K-5: a delivery of blanks recorded as received by the office."""

    receipt_id: str
    office: str
    received: int
    first_number: str
    last_number: str
    version: int


class BlankIssued(View):
    """K-5: the copy (字号) printed on a blank on hand."""

    number: str
    certificate_number: str
    issued_on: dt.date
    version: int


class NumberingAudit(View):
    """K-4, K-5: per sequence of the office and year, missing serials and numbers held twice."""

    office: str
    year: int
    sequences: list[dict[str, Any]]
    spoiled_unreceived: list[str]
    clean: bool


class AppointmentAnswer(View):
    """A booking and its status after a command on it (M-13)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "appointment_id": "5d6c7b8a-1e2f-4a3b-8c9d-0e1f2a3b4c5d", "office": "MR-610502", "date": "2025-06-20",
        "kind": "marriage", "status": "booked", "version": 1}]})

    appointment_id: str
    office: str
    date: dt.date
    kind: str
    status: Literal["booked", "cancelled", "missed"]
    version: int


class CertificateReissued(View):
    """M-7: the new certificate number; the old one is invalid from now on. `certificates` is the new copy with
    its verification code (K-8)."""

    registration_id: str
    certificate: str
    old_number: str
    certificates: list[CertificateCopy]
    version: int


class DivorceCertificateReissued(View):
    """M-7, K-6: the new divorce certificate number (`BL`); the old copy is invalid from `reissued_on`.
    `certificates` is the new copy with its verification code (K-8), answered once."""

    divorce_id: str
    registration_id: str
    certificate: str
    old_number: str
    reissued_on: dt.date
    certificates: list[CertificateCopy]
    version: int


class StatementLine(View):
    kind: str
    registered_on: dt.date
    office: str
    number: str


class RecordStatementIssued(View):
    """K-7: the statement's own serial, what it lists (empty: the no-record statement) and, in the issuing
    answer only, its verification code (`certificates`: one copy, held by the person)."""

    number: str
    title: str
    id_number: str
    destination: str
    registrations: list[StatementLine]
    issued_on: dt.date
    certificates: list[CertificateCopy]
    version: int


class RegistrationChanged(View):
    """The registration after a court outcome (M-9, `kind`) or a revocation (M-10, `status`)."""

    registration_id: str
    version: int
    kind: str | None = None
    status: str | None = None


class BlankVoided(View):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "number": "J610502-2025-000123", "voided_on": "2025-06-10", "version": 1}]})

    number: str
    voided_on: dt.date
    version: int


class DivorceWithdrawn(View):
    divorce_id: str
    registration_id: str
    status: Literal["withdrawn"]
    version: int


class DivorceRegistered(View):
    """M-8: the marriage ends; two divorce certificates."""

    divorce_id: str
    registration_id: str
    certificates: list[CertificateCopy]
    registered_on: dt.date
    version: int


class Registration(View):
    """A registration, its state and history."""

    registration_id: str
    office: str
    registered_on: dt.date
    status: str
    ended_on: dt.date | None
    parties: list[dict[str, Any]]
    certificates: list[dict[str, str]]
    imported: bool
    flags: list[str]
    version: int
    history: list[dict[str, Any]]


class Divorce(View):
    """A divorce application with its periods and status (M-8)."""

    divorce_id: str
    registration_id: str
    office: str
    applied_on: dt.date
    status: str
    withdraw_until: dt.date
    register_from: dt.date
    register_until: dt.date
    version: int


class ImportReviews(View):
    """Marriages flagged for a registrar's review, imported (M-12) or registered here, each with `imported` and its
    `review` reasons: `below_legal_age` (M-12), `registered_after_death` (M-11, D-4), `spouse_death_withdrawn`
    (D-11); paged."""

    items: list[dict[str, Any]]
    next_cursor: str | None = None


class ImportedBatch(View):
    """M-12: per-record results of a historical batch and their counts by outcome."""

    batch_id: str
    results: list[dict[str, Any]]
    imported: int
    already_imported: int
    conflict: int
    invalid: int
    flagged: int = Field(0, description="M-12: records imported with a review flag (e.g. `below_legal_age`)")
    review: list[dict[str, Any]] = Field(default_factory=list,
                                         description="M-12: the results of the records imported with a review flag, "
                                                     "each with its `review` codes")


class Statistics(View):
    """Registrations, divorces, refusals by reason and the cross-county share (市内通办) per office."""

    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date = Field(alias="from")
    to: dt.date
    offices: list[dict[str, Any]]
    total: dict[str, Any]


class IndicatorInputs(View):
    """RPC `marriage.indicator_inputs(year)` (GET /v1/indicators): the registry offices on `as_of` (the year's
    last day, or today), those under the citywide rule (M-6) then, the phase in force, the day citywide
    handling began, and the year's registrations and cross-county registrations (as GET /statistics)."""

    year: int
    as_of: dt.date
    phase: str
    citywide_since: dt.date | None
    offices: list[str]
    citywide_offices: list[str]
    registrations: int
    cross_county: int


class AppointmentItem(View):
    """One booking of the day's list: who booked (as on the booking), for what, and where it stands (M-13)."""

    appointment_id: str
    office: str
    date: dt.date
    kind: Literal["marriage", "divorce"]
    status: Literal["booked", "cancelled", "missed"]
    id_numbers: list[str]
    version: int


class AppointmentList(View):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [{
        "appointment_id": "5d6c7b8a-1e2f-4a3b-8c9d-0e1f2a3b4c5d", "office": "MR-610502", "date": "2025-06-20",
        "kind": "marriage", "status": "booked", "id_numbers": ["610502199001010011", "610502199203040022"],
        "version": 1}], "next_cursor": None}]})

    items: list[AppointmentItem]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class DivorceItem(View):
    """A divorce application in the list by stage (M-8); `stage` is the server's reading of its dates."""

    divorce_id: str
    registration_id: str
    office: str
    applied_on: dt.date
    register_from: dt.date | None
    register_until: dt.date
    status: str
    stage: Literal["cooling_off", "registrable", "lapsed", "closed"]
    version: int


class DivorceList(View):
    items: list[DivorceItem]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")
