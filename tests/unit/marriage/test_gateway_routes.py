"""The marriage routes at the gateway, with the marriage service replaced by a recording fake: roles, the
strict body models (hostile input never reaches the service), If-Match, the public verification, what
bureaus may read, the OpenAPI entries."""

from __future__ import annotations

from typing import Any

import pytest

from services.gateway.openapi import build_document
from services.gateway.routes import ROUTES
from tests.unit.gateway.fakes import RecordingAccessLog, RecordingService, call, code_of, principals, route_client

PRINCIPALS = principals("clerk", "registrar", "funeral", "courts", "education", "admin")
REGISTRATION = {"office": "MR-610502", "declaration_signed": True,
                "parties": [{"id_number": "610502199001010011", "name": "王小明"},
                            {"id_number": "61050219900101002X", "name": "李小红"}]}
REGISTRATION_ID = "5c0f1a2b-3c4d-5e6f-8a9b-0c1d2e3f4a5b"
HOLDER = "61050219900101002X"
VERIFY = "/v1/marriage/certificates/J610502-2025-000001/verification"


def answer(method: str, args: tuple[Any, ...]) -> dict[str, Any]:
    if method == "register_marriage":
        return {"registration_id": REGISTRATION_ID, "certificates": ["J1", "J2"], "version": 1, "warnings": []}
    if method == "verify_certificate":
        return {"valid": True, "kind": "marriage", "issued_on": "2025-06-16", "revoked": False,
                "holder_id_number": HOLDER}
    return {"method": method}


@pytest.fixture
def service():
    return RecordingService("marriage", answer)


@pytest.fixture
def client(service):
    return route_client(PRINCIPALS, service)


def test_a_clerk_registers_and_the_service_gets_body_actor_and_key(client, service):
    response = call(client, "POST", "/v1/marriage/registrations", "clerk", REGISTRATION, **{"Idempotency-Key": "k"})

    assert response.status_code == 201
    assert response.get_json()["certificates"] == ["J1", "J2"]
    [(method, (request, actor, key))] = service.calls
    assert (method, request, key) == ("register_marriage", REGISTRATION, "k")
    assert actor == {"name": "clerk.MR-610502", "role": "marriage_clerk", "office": "MR-610502"}


@pytest.mark.parametrize("who", ["funeral", "admin"])
def test_only_clerks_and_registrars_register_marriages(client, service, who):
    response = call(client, "POST", "/v1/marriage/registrations", who, REGISTRATION)

    assert (response.status_code, code_of(response)) == (403, "forbidden")
    assert service.calls == []


def test_a_registrar_records_a_late_registration_through_the_route(client, service):
    late = {**REGISTRATION, "registered_on": "1996-05-20"}
    response = call(client, "POST", "/v1/marriage/registrations", "registrar", late, **{"Idempotency-Key": "late"})

    assert response.status_code == 201
    [(method, (request, actor, _))] = service.calls
    assert (method, request["registered_on"], actor["role"]) == ("register_marriage", "1996-05-20",
                                                                 "marriage_registrar")


@pytest.mark.parametrize("change", [
    {"office": "MR-610502' OR '1'='1"}, {"declaration_signed": "true"}, {"declaration_signed": 1},
    {"registered_on": "2025-02-30"}, {"registered_on": 20250616}, {"parties": REGISTRATION["parties"][:1]},
    {"parties": [{**REGISTRATION["parties"][0], "name": "王" * 10_000}, REGISTRATION["parties"][1]]},
    {"parties": [{**REGISTRATION["parties"][0], "name": "王\x1b[2J"}, REGISTRATION["parties"][1]]},
    {"parties": [{**REGISTRATION["parties"][0], "id_number": 610502199001010011}, REGISTRATION["parties"][1]]},
    {"unexpected": "field"},
], ids=lambda change: repr(change)[:30])
def test_hostile_or_mistyped_registrations_are_422_and_never_reach_the_service(client, service, change):
    response = call(client, "POST", "/v1/marriage/registrations", "clerk", {**REGISTRATION, **change})

    assert (response.status_code, code_of(response)) == (422, "validation_failed")
    assert service.calls == []


def test_revocations_and_court_outcomes_are_for_registrars_only(client, service):
    revocation = {"reason": "impersonation", "document_ref": "渭公(2025)17号"}
    path = f"/v1/marriage/registrations/{REGISTRATION_ID}"

    assert call(client, "POST", f"{path}/revocation", "clerk", revocation).status_code == 403
    assert call(client, "POST", f"{path}/revocation", "registrar", revocation).status_code == 200
    outcome = {"kind": "void", "court": "法院", "document_ref": "(2025)1号", "effective_on": "2025-06-01"}
    assert call(client, "POST", f"{path}/court-outcomes", "clerk", outcome).status_code == 403
    assert call(client, "POST", f"{path}/court-outcomes", "registrar", outcome).status_code == 201
    assert [method for method, _ in service.calls] == ["revoke_registration", "record_court_outcome"]


def test_if_match_becomes_the_commands_version(client, service):
    body = {"party_id_number": "61050219900101002X", "reason": "lost"}
    call(client, "POST", f"/v1/marriage/registrations/{REGISTRATION_ID}/certificate-reissues", "clerk", body,
         **{"If-Match": "3"})

    [(_, (registration_id, request, _, _))] = service.calls
    assert (registration_id, request["version"]) == (REGISTRATION_ID, 3)


def test_certificate_verification_is_public_and_reveals_four_fields_K8_K9(service, monkeypatch):
    monkeypatch.setenv("CIVREG_VERIFICATION_RATE_LIMIT", "100/60")
    access_log = RecordingAccessLog()
    client = route_client(PRINCIPALS, service, access_log)

    response = call(client, "GET", f"{VERIFY}?code=K7M2P9QX4TAB")

    assert response.status_code == 200
    assert response.get_json() == {"valid": True, "kind": "marriage", "issued_on": "2025-06-16", "revoked": False}
    assert service.calls == [("verify_certificate", ("J610502-2025-000001", "K7M2P9QX4TAB"))]
    [entry] = access_log.entries  # K-9: the check is in the holder's access history, the code is not
    assert (entry.principal, entry.role, entry.subjects, entry.outcome) == ("public", "public", (HOLDER,), 200)
    assert "K7M2P9QX4TAB" not in str(entry)


def test_certificate_checks_are_limited_per_client_address_K8(service, monkeypatch):
    monkeypatch.setenv("CIVREG_VERIFICATION_RATE_LIMIT", "3/3600")
    client = route_client(PRINCIPALS, service)

    answers = [call(client, "GET", f"{VERIFY}?code=K7M2P9QX4TAB") for _ in range(4)]

    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert code_of(answers[-1]) == "rate_limited" and 0 < int(answers[-1].headers["Retry-After"]) <= 3600
    assert len(service.calls) == 3  # the refused check never reached the service


def test_bureaus_read_marital_status_only_with_the_status_scope(client, service):
    path = "/v1/marriage/persons/610502199001010011/status"

    assert call(client, "GET", path, "courts", **{"X-Purpose": "probate"}).status_code == 200
    assert code_of(call(client, "GET", path, "education", **{"X-Purpose": "school"})) == "forbidden"
    assert service.calls == [("person_status", ("610502199001010011", None))]


def test_the_marriage_routes_are_in_the_openapi_document():
    paths = build_document(ROUTES)["paths"]

    assert {"/v1/marriage/registrations", "/v1/marriage/divorces", "/v1/marriage/historical-records",
            "/v1/marriage/certificates/{number}/verification", "/v1/marriage/persons/{person_id}/status",
            "/v1/marriage/statistics", "/v1/marriage/appointments"} <= set(paths)
