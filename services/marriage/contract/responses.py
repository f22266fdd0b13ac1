"""What the marriage service answers, as the gateway documents it (OpenAPI): services may add fields."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

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
    kind: Literal["marriage", "divorce"]
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


class NumberingAudit(View):
    """K-4, K-5: per sequence of the office and year, missing serials and numbers held twice."""

    office: str
    year: int
    sequences: list[dict[str, Any]]
    spoiled_unreceived: list[str]
    clean: bool
