"""Marriage routes (api.md "Marriage", domain.md M-1 to M-13) for registry window clerks and registrars.

Who may call what:
* `marriage_clerk` acts at its own registry office (`MR-<division>`): the office in the body must be the
  clerk's (the service refuses another with 403 `forbidden_place`) — registrations, certificate reissues,
  divorce applications, withdrawals and registrations, appointments. Clerks date records at most 30 days back.
* `marriage_registrar` (citywide, unlimited back-dating): late registrations (any past `registered_on`,
  judged by that date's rules), revocations (M-10), court outcomes (M-9), the historical import (M-12), and
  everything a clerk reads.
* `admin` reads; it records no registrations, divorces or appointments (separation of duties).
* `GET /persons/{id}/status` is a status-class fact (architecture.md, access classes): marriage staff,
  admins, and bureaus whose scopes include `status`.
* `GET /certificates/{number}/verification?code=` is public (no token, K-8, K-9): `{valid, kind, issued_on,
  revoked}` only; an unknown number and a wrong or missing code are the same 404; limited per client address
  (`CIVREG_VERIFICATION_RATE_LIMIT`, 429 with Retry-After); each check is in the holder's access history.
* `GET /v1/certificates/{number}.pdf?code=` (clerks of the issuing office, registrars): the printable copy
  (K-1) with the code of its issuing answer; the printing is in both parties' access history. The route is
  `certificates.py`'s, which sends each number to the service that issued it.
* The blank stock (K-5): receipts, issues and voids are commands; the books and the numbering audit
  (`certificate-stock`, `certificate-stock/audit`) are read by marriage staff.

The body models are the HTTP contract: strict JSON types, frozen, no unknown fields, every text bounded and
free of control characters. The service validates again and applies the rules; refusals come back as
problem+json with their codes. Commands pass the Idempotency-Key on, so a retry writes nothing new.
"""

from __future__ import annotations

from services.gateway.api.common import command_routes, parsed_query
from services.gateway.problems import Problem
from services.gateway.rate_limit import verification_limit
from services.gateway.routing import PUBLIC, Call, Reply, Route
from services.marriage.contract import commands, queries, responses
from services.marriage.contract.table import COMMANDS, PREFIX, REGISTRARS
from shared.reference.refusals import FORBIDDEN

STAFF = {"marriage_clerk", "marriage_registrar", "admin"}
ISSUERS = {"marriage_clerk", "marriage_registrar"}  # staff of the issuing service (admin records no business)
STATUS_READERS = {"marriage_clerk", "marriage_registrar", "admin", "bureau"}


# -- handlers -------------------------------------------------------------------------------------------------
def read_registration(call: Call) -> Reply:
    """The registration, its state and history."""
    return Reply(call.rpc("marriage").registration(call.params["registration_id"]))


def read_divorce(call: Call) -> Reply:
    """A divorce application with its periods and status (M-8)."""
    return Reply(call.rpc("marriage").divorce(call.params["divorce_id"]))


def import_historical_records(call: Call) -> Reply:
    """Import a batch of paper-era registrations with per-record results (M-12)."""
    body = call.body
    assert isinstance(body, commands.HistoricalRecords)
    return Reply(call.rpc("marriage").import_historical_records(body.records, call.actor(), body.first_row))


def import_reviews(call: Call) -> Reply:
    """Every marriage flagged for a registrar's review, imported or not (M-11, M-12, D-4, D-11), paged."""
    return Reply(call.rpc("marriage").import_reviews(call.query.get("limit"), call.query.get("cursor")))


def person_status(call: Call) -> Reply:
    """Marital status of a person on a date (default today), derived from the events."""
    principal = call.principal
    assert principal is not None
    if principal.role == "bureau" and not any(scope.split(":")[0] == "status" for scope in principal.scopes):
        raise Problem(403, FORBIDDEN, "reading marital status needs the status scope")
    return Reply(call.rpc("marriage").person_status(call.params["person_id"], call.query.get("as_of")))


def verify_certificate(call: Call) -> Reply:
    """Public: is this copy genuine and current (K-8, K-9)? Number and code, nothing but the four fields."""
    verification_limit().check(call.request.remote_addr or "unknown")
    found = call.rpc("marriage").verify_certificate(call.params["number"], call.query.get("code"))
    holder = found.pop("holder_id_number", None)
    answer = responses.CertificateVerification.model_validate(found).model_dump(mode="json")
    return Reply(answer, subjects=(holder,) if holder else (),
                 detail=f"certificate verification {call.params['number']}")


def certificate_stock(call: Call) -> Reply:
    """The office's books of blanks: received = issued + spoiled + on hand (K-5)."""
    return Reply(call.rpc("marriage").certificate_stock(call.query.get("office")))


def certificate_audit(call: Call) -> Reply:
    """Gaps and duplicates of the office's numbers in a year; blanks spoiled without a receipt (K-4, K-5)."""
    return Reply(call.rpc("marriage").certificate_audit(call.query.get("office"), call.query.get("year")))


def appointments(call: Call) -> Reply:
    """The day's appointments of an office (M-13): a clerk's own office; registrars and admins any."""
    return Reply(call.rpc("marriage").appointments(parsed_query(call, queries.AppointmentsQuery), call.actor()))


def divorces(call: Call) -> Reply:
    """Divorce applications by stage (M-8): in the cooling-off period, registrable, lapsed."""
    return Reply(call.rpc("marriage").divorces(parsed_query(call, queries.DivorcesQuery), call.actor()))


def statistics(call: Call) -> Reply:
    """Registrations, divorces, refusals by reason and the cross-county share per office."""
    return Reply(call.rpc("marriage").statistics(call.query.get("from"), call.query.get("to")))


ROUTES = [
    *command_routes("marriage", COMMANDS),
    Route("GET", f"{PREFIX}/registrations/<registration_id>", "marriage.read_registration", STAFF,
          read_registration, response=responses.Registration),
    Route("GET", f"{PREFIX}/appointments", "marriage.list_appointments", STAFF, appointments,
          query=queries.AppointmentsQuery, response=responses.AppointmentList),
    Route("GET", f"{PREFIX}/divorces", "marriage.list_divorces", STAFF, divorces, query=queries.DivorcesQuery,
          response=responses.DivorceList),
    Route("GET", f"{PREFIX}/divorces/<divorce_id>", "marriage.read_divorce", STAFF, read_divorce,
          response=responses.Divorce),
    Route("POST", f"{PREFIX}/historical-records", "marriage.import_historical_records", REGISTRARS,
          import_historical_records, body=commands.HistoricalRecords, response=responses.ImportedBatch,
          finds_subjects=False),
    Route("GET", f"{PREFIX}/historical-records/review", "marriage.import_reviews", REGISTRARS, import_reviews,
          query=queries.ReviewQuery, response=responses.ImportReviews),
    Route("GET", f"{PREFIX}/persons/<person_id>/status", "marriage.person_status", STATUS_READERS, person_status,
          query=queries.StatusQuery, response=responses.MaritalStatus, subject="person_id"),
    Route("GET", f"{PREFIX}/certificates/<number>/verification", "marriage.verify_certificate", PUBLIC,
          verify_certificate, query=queries.VerificationQuery, response=responses.CertificateVerification,
          audited=True),
    Route("GET", f"{PREFIX}/certificate-stock", "marriage.certificate_stock", STAFF, certificate_stock,
          query=queries.StockQuery, response=responses.StockBooks),
    Route("GET", f"{PREFIX}/certificate-stock/audit", "marriage.certificate_audit", STAFF, certificate_audit,
          query=queries.NumberingAuditQuery, response=responses.NumberingAudit),
    Route("GET", f"{PREFIX}/statistics", "marriage.statistics", STAFF, statistics, query=queries.StatisticsQuery,
          response=responses.Statistics),
]
