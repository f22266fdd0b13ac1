"""What the marriage service answers, as the gateway documents it (OpenAPI): services may add fields."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import ConfigDict, Field

from shared.reference.contract import Response as View


class MarriageRegistered(View):
    registration_id: str
    certificates: list[str]
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
    number: str
    valid: bool
    kind: str
    issued_on: dt.date
    revoked: bool
    names: list[str]


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
    """M-7: the new certificate number; the old one is invalid from now on."""

    registration_id: str
    certificate: str
    old_number: str
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
    certificates: list[str]
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


class ImportedBatch(View):
    """M-12: per-record results of a historical batch and their counts by outcome."""

    batch_id: str
    results: list[dict[str, Any]]
    imported: int
    already_imported: int
    conflict: int
    invalid: int


class Statistics(View):
    """Registrations, divorces, refusals by reason and the cross-county share (市内通办) per office."""

    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date = Field(alias="from")
    to: dt.date
    offices: list[dict[str, Any]]
    total: dict[str, Any]
