"""Adoption routes (api.md release 2, "Adoption — /v1/adoption"; domain rules A-1 to A-17): adoption registrars
record at their own registry office; registrars and oversight read; the certificates' verification is public
(K-8, K-9), as marriage's. Its certificates print at the common `GET /v1/certificates/{number}.pdf` (`certificates.py`).

The commands are the service's command table (contract/table.py, `command_routes`); the reads below pass the
query string on, validated strictly against the contract's query models.
"""

from __future__ import annotations

from services.adoption.contract import queries, responses
from services.adoption.contract.table import APPLICATION, ASSESSMENT, COMMANDS, NOTICE, PREFIX, READERS, REGISTRATION
from services.gateway.api.common import command_routes
from services.gateway.api.vagrant_aid import query
from services.gateway.rate_limit import verification_limit
from services.gateway.routing import PUBLIC, Call, Reply, Route


def read_registration(call: Call) -> Reply:
    """One adoption; a sealed one's origins only to its office's registrar and oversight (A-14)."""
    return Reply(call.rpc("adoption").get_registration(call.params["adoption_id"], call.actor()))


def read_notice(call: Call) -> Reply:
    """A foundling notice and whether it runs, ended or was claimed (A-11)."""
    return Reply(call.rpc("adoption").get_notice(call.params["notice_id"], call.actor()))


def list_registrations(call: Call) -> Reply:
    """Adoptions by office and registration date, paged with `limit` and `cursor` (the caller's office)."""
    return Reply(call.rpc("adoption").list_registrations(query(call, queries.RegistrationQuery), call.actor()))


def read_application(call: Call) -> Reply:
    """An application, its due day and its decision (A-12)."""
    return Reply(call.rpc("adoption").get_application(call.params["application_id"], call.actor()))


def read_assessment(call: Call) -> Reply:
    """An assessment, its report's due day and days late (A-10)."""
    return Reply(call.rpc("adoption").get_assessment(call.params["assessment_id"], call.actor()))


def tasks(call: Call) -> Reply:
    """The applications undecided past their 30 days (A-12), for the caller's office."""
    return Reply(call.rpc("adoption").tasks(query(call, queries.TasksQuery), call.actor()))


def verify_certificate(call: Call) -> Reply:
    """Public: is this 收养登记证 or 解除收养关系证明 genuine and current (K-8, K-9)? Nothing about the persons."""
    verification_limit().check(call.request.remote_addr or "unknown")
    code = query(call, queries.VerificationQuery).get("code")
    found = call.rpc("adoption").verify_certificate(call.params["number"], code)
    holder = found.pop("holder_id_number", None)
    answer = responses.AdoptionCertificateVerification.model_validate(found).model_dump(mode="json")
    return Reply(answer, subjects=(holder,) if holder else (),
                 detail=f"certificate verification {call.params['number']}")


ROUTES = [
    *command_routes("adoption", COMMANDS),
    Route("GET", f"{PREFIX}/registrations", "adoption.list_registrations", READERS, list_registrations,
          query=queries.RegistrationQuery, response=responses.AdoptionList),
    Route("GET", REGISTRATION, "adoption.read_registration", READERS, read_registration,
          response=responses.Adoption),
    Route("GET", APPLICATION, "adoption.read_application", READERS, read_application,
          response=responses.AdoptionApplication),
    Route("GET", ASSESSMENT, "adoption.read_assessment", READERS, read_assessment,
          response=responses.AdoptionAssessment),
    Route("GET", f"{PREFIX}/tasks", "adoption.tasks", READERS, tasks, query=queries.TasksQuery,
          response=responses.AdoptionTasks),
    Route("GET", NOTICE, "adoption.read_notice", READERS, read_notice, response=responses.FoundlingNotice),
    Route("GET", f"{PREFIX}/certificates/<number>/verification", "adoption.verify_certificate", PUBLIC,
          verify_certificate, query=queries.VerificationQuery, response=responses.AdoptionCertificateVerification,
          audited=True),
]
