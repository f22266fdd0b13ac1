"""Marriage routes (api.md "Marriage", domain.md M-1 to M-13) for registry window clerks and registrars.

Who may call what:
* `marriage_clerk` acts at its own registry office (`MR-<division>`): the office in the body must be the
  clerk's (the service refuses another with 403 `forbidden_place`) — registrations, certificate reissues,
  divorce applications, withdrawals and registrations, appointments. Clerks date records at most 30 days back.
* `marriage_registrar` (citywide, unlimited back-dating): revocations (M-10), court outcomes (M-9), the
  historical import (M-12), and everything a clerk reads.
* `admin` records no marriage business (separation of duties, issue 12); it reads registrations, divorces,
  statuses and statistics as the city's administrator.
* `GET /persons/{id}/status` is a status-class fact (architecture.md, access classes): marriage staff,
  admins, and bureaus whose scopes include `status`.
* `GET /certificates/{number}/verification` is public (no token): validity, kind, dates, masked names.

The body models are the HTTP contract: strict JSON types, frozen, no unknown fields, every text bounded and
free of control characters. The service validates again and applies the rules; refusals come back as
problem+json with their codes. Commands pass the Idempotency-Key on, so a retry writes nothing new.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from services.gateway.api.common import Body, ResourceId, Version, View, command
from services.gateway.problems import Problem
from services.gateway.routing import PUBLIC, Call, Reply, Route
from shared.text import DivisionCode, IdNumberText, PersonName, line

PREFIX = "/v1/marriage"
CLERKS = {"marriage_clerk"}
REGISTRARS = {"marriage_registrar"}
STAFF = {"marriage_clerk", "marriage_registrar", "admin"}
STATUS_READERS = {"marriage_clerk", "marriage_registrar", "admin", "bureau"}

Note = line(500)
Court = line(100)
DocumentRef = line(80)
Office = Annotated[str, StringConstraints(pattern=r"^MR-[0-9]{6}$")]


class Party(Body):
    id_number: IdNumberText
    name: PersonName
    household_division: DivisionCode | None = None


class RegisterMarriage(Body):
    """M-1 to M-6. `declaration_signed` missing or false is refused as `missing_declaration` (M-4)."""

    office: Office
    parties: list[Party] = Field(min_length=2, max_length=2)
    declaration_signed: bool = False
    registered_on: dt.date | None = None


class MarriageRegistered(View):
    registration_id: str
    certificates: list[str]
    version: int
    warnings: list[dict[str, Any]] = []


class ReissueCertificate(Body):
    party_id_number: IdNumberText
    reason: Note
    reissued_on: dt.date | None = None
    version: Version | None = None


class RevokeRegistration(Body):
    reason: Note
    document_ref: DocumentRef
    dishonest_id_number: IdNumberText | None = None
    revoked_on: dt.date | None = None
    version: Version | None = None


class RecordCourtOutcome(Body):
    kind: Literal["divorce", "void", "annulled"]
    court: Court
    document_ref: DocumentRef
    effective_on: dt.date
    version: Version | None = None


class Agreement(Body):
    children: Note
    property: Note
    debts: Note


class ApplyForDivorce(Body):
    office: Office
    registration_id: ResourceId
    agreement: Agreement
    applied_on: dt.date | None = None


class DivorceApplied(View):
    divorce_id: str
    withdraw_until: dt.date
    register_from: dt.date
    register_until: dt.date
    version: int


class WithdrawDivorce(Body):
    by_id_number: IdNumberText
    withdrawn_on: dt.date | None = None
    version: Version | None = None


class RegisterDivorce(Body):
    registered_on: dt.date | None = None
    version: Version | None = None


class BookAppointment(Body):
    office: Office
    date: dt.date
    kind: Literal["marriage", "divorce"]
    id_numbers: list[IdNumberText] = Field(min_length=1, max_length=2)


class CancelAppointment(Body):
    cancelled_on: dt.date | None = None


class RecordNoShow(Body):
    version: Version | None = None


class HistoricalRecords(Body):
    """M-12: up to 1000 paper-era records; each is validated by the service and answered per record."""

    records: list[dict[str, Any]] = Field(min_length=1, max_length=1000)
    first_row: int = Field(default=1, ge=1)


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


# -- handlers -------------------------------------------------------------------------------------------------
def _command(call: Call, method: str, *path: str, status: int = 200) -> Reply:
    return command(call, "marriage", method, *path, status=status)


def register_marriage(call: Call) -> Reply:
    """Register a marriage (M-1 to M-6): two certificates, the cross-county flag, dishonesty-list warnings."""
    return _command(call, "register_marriage", status=201)


def read_registration(call: Call) -> Reply:
    """The registration, its state and history."""
    return Reply(call.rpc("marriage").registration(call.params["registration_id"]))


def reissue_certificate(call: Call) -> Reply:
    """Reissue a lost certificate with a new number; the old number becomes invalid (M-7)."""
    return _command(call, "reissue_certificate", call.params["registration_id"], status=201)


def revoke_registration(call: Call) -> Reply:
    """Revoke a fraudulent registration citing the document (M-10)."""
    return _command(call, "revoke_registration", call.params["registration_id"])


def record_court_outcome(call: Call) -> Reply:
    """Record a court divorce, or a marriage declared void or annulled (M-9)."""
    return _command(call, "record_court_outcome", call.params["registration_id"], status=201)


def apply_for_divorce(call: Call) -> Reply:
    """Divorce by agreement: the application opens the cooling-off period (M-8)."""
    return _command(call, "apply_for_divorce", status=201)


def read_divorce(call: Call) -> Reply:
    """A divorce application with its periods and status (M-8)."""
    return Reply(call.rpc("marriage").divorce(call.params["divorce_id"]))


def withdraw_divorce(call: Call) -> Reply:
    """Withdraw a divorce application within the cooling-off period (M-8)."""
    return _command(call, "withdraw_divorce", call.params["divorce_id"])


def register_divorce(call: Call) -> Reply:
    """Register the divorce: both parties appeared within the registration window (M-8)."""
    return _command(call, "register_divorce", call.params["divorce_id"])


def book_appointment(call: Call) -> Reply:
    """Book a slot at an office for a marriage or a divorce (M-13)."""
    return _command(call, "book_appointment", status=201)


def cancel_appointment(call: Call) -> Reply:
    """Cancel a booking; the place is free again (M-13)."""
    return _command(call, "cancel_appointment", call.params["appointment_id"])


def record_no_show(call: Call) -> Reply:
    """Record that nobody came to a booked slot (M-13)."""
    return _command(call, "record_no_show", call.params["appointment_id"])


def import_historical_records(call: Call) -> Reply:
    """Import a batch of paper-era registrations with per-record results (M-12)."""
    body = call.body
    assert isinstance(body, HistoricalRecords)
    return Reply(call.rpc("marriage").import_historical_records(body.records, call.actor(), body.first_row))


def person_status(call: Call) -> Reply:
    """Marital status of a person on a date (default today), derived from the events."""
    principal = call.principal
    assert principal is not None
    if principal.role == "bureau" and not any(scope.split(":")[0] == "status" for scope in principal.scopes):
        raise Problem(403, "forbidden", "reading marital status needs the status scope")
    return Reply(call.rpc("marriage").person_status(call.params["person_id"], call.query.get("as_of")))


def verify_certificate(call: Call) -> Reply:
    """Public: whether a certificate number is valid, with names masked (M-7)."""
    return Reply(call.rpc("marriage").verify_certificate(call.params["number"]))


def statistics(call: Call) -> Reply:
    """Registrations, divorces, refusals by reason and the cross-county share per office."""
    return Reply(call.rpc("marriage").statistics(call.query.get("from"), call.query.get("to")))


ROUTES = [
    Route("POST", f"{PREFIX}/appointments", "marriage.book_appointment", CLERKS, book_appointment,
          body=BookAppointment, status=201),
    Route("POST", f"{PREFIX}/appointments/<appointment_id>/cancellation", "marriage.cancel_appointment", CLERKS,
          cancel_appointment, body=CancelAppointment),
    Route("POST", f"{PREFIX}/appointments/<appointment_id>/no-show", "marriage.record_no_show", CLERKS,
          record_no_show, body=RecordNoShow),
    Route("POST", f"{PREFIX}/registrations", "marriage.register", CLERKS, register_marriage, body=RegisterMarriage,
          response=MarriageRegistered, status=201),
    Route("GET", f"{PREFIX}/registrations/<registration_id>", "marriage.read_registration", STAFF,
          read_registration),
    Route("POST", f"{PREFIX}/registrations/<registration_id>/certificate-reissues", "marriage.reissue_certificate",
          CLERKS, reissue_certificate, body=ReissueCertificate, status=201),
    Route("POST", f"{PREFIX}/registrations/<registration_id>/revocation", "marriage.revoke_registration",
          REGISTRARS, revoke_registration, body=RevokeRegistration),
    Route("POST", f"{PREFIX}/registrations/<registration_id>/court-outcomes", "marriage.record_court_outcome",
          REGISTRARS, record_court_outcome, body=RecordCourtOutcome, status=201),
    Route("POST", f"{PREFIX}/divorces", "marriage.apply_for_divorce", CLERKS, apply_for_divorce,
          body=ApplyForDivorce, response=DivorceApplied, status=201),
    Route("GET", f"{PREFIX}/divorces/<divorce_id>", "marriage.read_divorce", STAFF, read_divorce),
    Route("POST", f"{PREFIX}/divorces/<divorce_id>/withdrawal", "marriage.withdraw_divorce", CLERKS,
          withdraw_divorce, body=WithdrawDivorce),
    Route("POST", f"{PREFIX}/divorces/<divorce_id>/registration", "marriage.register_divorce", CLERKS,
          register_divorce, body=RegisterDivorce),
    Route("POST", f"{PREFIX}/historical-records", "marriage.import_historical_records", REGISTRARS,
          import_historical_records, body=HistoricalRecords),
    Route("GET", f"{PREFIX}/persons/<person_id>/status", "marriage.person_status", STATUS_READERS, person_status,
          response=MaritalStatus, subject="person_id"),
    Route("GET", f"{PREFIX}/certificates/<number>/verification", "marriage.verify_certificate", PUBLIC,
          verify_certificate, response=CertificateVerification),
    Route("GET", f"{PREFIX}/statistics", "marriage.statistics", STAFF, statistics),
]
