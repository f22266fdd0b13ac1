"""What the adoption service answers, as the OpenAPI document shows it (services may add fields)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from shared.reference.contract import Response


class AdoptionPerson(Response):
    id_number: str
    name: str


class AdoptionCertificateCopy(Response):
    """api.md release 2: one object per copy; the verification code only in the issuing answer."""

    number: str
    holder_id_number: str
    verification_code: str | None = None


class LivingTogetherPeriod(Response):
    started_on: dt.date
    ended_on: dt.date | None = None


class AdoptionAssessment(Response):
    """A-10: an assessment; from the adopters' consent, the day its report is due (60 days, the living-together
    period not counted) and whether it is late."""

    assessment_id: str
    office: str | None = None
    adopters: list[str] = Field(default_factory=list, description="the adopters' ID numbers")
    outcome: str | None = None
    assessed_on: dt.date | None = None
    consented_on: dt.date | None = None
    due_on: dt.date | None = None
    late: bool = False
    days_late: int | None = Field(default=None, description=(
        "A-10: the days the report came after `due_on` or, not reported, stands after it today (0 when on time; "
        "null without the adopters' consent)"))
    living_together: LivingTogetherPeriod | None = None
    version: int

    model_config = {"json_schema_extra": {"examples": [{
        "assessment_id": "0b6f3a52-7c1e-4a8e-9f0d-2b7d5c3e1a90", "office": "MR-610502",
        "adopters": ["610502198001010016", "610502198203040028"], "outcome": "suitable",
        "assessed_on": "2026-03-02", "consented_on": "2026-01-05", "due_on": "2026-04-05", "late": False,
        "days_late": 0, "living_together": {"started_on": "2026-01-20", "ended_on": "2026-02-18"}, "version": 2}]}}


class FoundlingNotice(Response):
    notice_id: str
    office: str
    child_id_number: str
    published_on: dt.date
    runs_until: dt.date
    status: str  # running | ended | claimed
    version: int


class AdoptionRegistered(Response):
    adoption_id: str
    certificate: str
    certificates: list[AdoptionCertificateCopy]
    registered_on: dt.date
    sealed: bool
    version: int
    warnings: list[dict] = Field(default_factory=list,
                                 description="`documents_missing` (A-9): kinds of document the case needs, not cited")

    model_config = {"json_schema_extra": {"examples": [{
        "adoption_id": "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "certificate": "SY610502-2026-000001",
        "certificates": [{"number": "SY610502-2026-000001", "holder_id_number": "610502198001010016",
                          "verification_code": "7KQ3M9PXW2HD"}],
        "registered_on": "2026-05-06", "sealed": False, "version": 1}]}}


class Adoption(Response):
    """One adoption. A sealed adoption's placing party is shown only to the registering office's registrar
    and to oversight (A-14)."""

    adoption_id: str
    office: str
    status: str  # registered | dissolved | void
    registered_on: dt.date
    child: AdoptionPerson
    adopters: list[AdoptionPerson]
    sealed: bool
    relation: str
    placing_party: dict | None = None
    certificates: list[dict] = Field(default_factory=list)
    dissolution: dict | None = None
    revocation: dict | None = None
    version: int
    issued: list[AdoptionCertificateCopy] | None = Field(
        default=None, description="the copies this command issued (a dissolution by agreement: the "
                                  "解除收养关系证明, K-1), each with its verification code, answered only here (K-8)")


class AdoptionSummary(Response):
    adoption_id: str
    office: str
    status: str
    registered_on: dt.date
    child_id_number: str
    adopters: list[str]
    sealed: bool
    certificate: str
    version: int


class AdoptionList(Response):
    items: list[AdoptionSummary]
    next_cursor: str | None = None


class AdoptionCertificateVerification(Response):
    """K-9: only validity, kind, issue date and revocation; nothing about the persons."""

    valid: bool
    kind: str
    issued_on: dt.date
    revoked: bool


class ApplicationSummary(Response):
    """A-12: an application as received."""

    application_id: str
    office: str
    kind: str
    child_id_number: str
    adoption_id: str | None = None
    received_on: dt.date
    due_on: dt.date
    version: int


class AdoptionApplication(ApplicationSummary):
    """A-12: an application, the day it is due by, and its decision (`registered`, `dissolved`, `refused`)."""

    decided_on: dt.date | None = None
    outcome: str | None = None
    overdue: bool


class OverdueApplication(ApplicationSummary):
    days_overdue: int


class LateAssessment(Response):
    """A-10: an assessment the adopters consented to whose report is not recorded by its day."""

    assessment_id: str
    office: str | None = None
    adopters: list[str]
    consented_on: dt.date
    due_on: dt.date
    days_late: int
    living_together: LivingTogetherPeriod | None = None
    version: int


class AdoptionTasks(Response):
    """A-12: the applications undecided past their day (30 days from the day after receipt, notices excluded);
    A-10: the assessments not reported by theirs (60 days from consent, the living-together days excluded)."""

    as_of: dt.date
    overdue_decisions: list[OverdueApplication]
    late_assessments: list[LateAssessment] = Field(default_factory=list)
