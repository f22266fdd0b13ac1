"""What the marriage service answers, as the gateway documents it (OpenAPI): services may add fields."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

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
