"""The vagrant-aid routes in the gateway pipeline, with a recording stand-in for the service: what reaches
the service, and what never does (hostile or invalid input is a 4xx before any RPC — nothing written)."""

import json

import pytest

from tests.unit.gateway.fakes import RecordingService, bearer, principals, route_client

PRINCIPALS = principals("city", "county", "admin", "clerk")
CASE_ID = "00000000-0000-4000-8000-000000000001"
INTAKE = {"station": "RS-610500", "source": "patrol", "consent": True,
          "person": {"sex": "male", "estimated_age": 40}}


@pytest.fixture
def service():
    return RecordingService("vagrant_aid", lambda method, args: {"case_id": CASE_ID, "version": 1})


@pytest.fixture
def client(service):
    return route_client(PRINCIPALS, service)


def post(client, path, body, who="city", **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(f"/v1/vagrant-aid{path}", data=data, content_type="application/json",
                       headers={**bearer(who), **headers})


def get(client, path, who="city"):
    return client.get(f"/v1/vagrant-aid{path}", headers=bearer(who))


def code_of(response) -> str:
    return response.get_json(force=True).get("code")


def test_intake_reaches_the_service_with_the_acting_principal_and_the_idempotency_key(client, service):
    response = post(client, "/cases", INTAKE, **{"Idempotency-Key": "k-1"})

    assert response.status_code == 201
    assert response.headers["Location"] == f"/v1/vagrant-aid/cases/{CASE_ID}"
    [(method, (body, actor, key))] = service.calls
    assert method == "take_in" and key == "k-1"
    assert actor == {"name": "relief.RS-610500", "role": "relief_staff", "office": "RS-610500"}
    assert body == INTAKE  # only what was sent: the service applies its defaults


@pytest.mark.parametrize(("body", "status", "code"), [
    ({**INTAKE, "person": {"name": "x" * 10_000, "sex": "male", "estimated_age": 40}}, 422, "validation_failed"),
    ({**INTAKE, "person": {"name": "张三\u0000", "sex": "male", "estimated_age": 40}}, 422, "validation_failed"),
    ({**INTAKE, "person": {"name": "x'); DROP TABLE cases;--", "sex": "male"}}, 422, "validation_failed"),
    ({**INTAKE, "station": "RS-610500' OR '1'='1"}, 422, "validation_failed"),
    ({**INTAKE, "consent": "true"}, 422, "validation_failed"),  # strict JSON types
    ({**INTAKE, "person": {"sex": "male", "estimated_age": "40"}}, 422, "validation_failed"),
    ({**INTAKE, "person": {"sex": "male", "estimated_age": 40.5}}, 422, "validation_failed"),
    ({**INTAKE, "flags": "minor"}, 422, "validation_failed"),
    ({**INTAKE, "unexpected": 1}, 422, "validation_failed"),
    ([INTAKE], 422, "validation_failed"),
    ('{"station": "RS-610500", "station": "RS-610528"}', 400, "malformed_json"),
    ('{"station": ', 400, "malformed_json"),
    ("x" * (2 * 1024 * 1024), 413, "payload_too_large"),
])
def test_hostile_or_invalid_intake_is_refused_before_the_service_is_called(client, service, body, status, code):
    response = post(client, "/cases", body)

    assert (response.status_code, code_of(response)) == (status, code)
    assert service.calls == []


@pytest.mark.parametrize(("path", "body"), [
    (f"/cases/{CASE_ID}/services", {"kind": "cash", "amount": 1e30}),
    (f"/cases/{CASE_ID}/services", {"kind": "cash", "amount": 5.001}),
    (f"/cases/{CASE_ID}/exit", {"kind": "escorted", "destination_division": "610528"}),
    (f"/cases/{CASE_ID}/exit", {"kind": "absconded", "handed_to": "x"}),
    (f"/cases/{CASE_ID}/exit", {"kind": "died", "died_on": "yesterday", "place_division": "610502",
                                "natural": True, "certificate_no": "D1", "issuer": "x"}),
    (f"/cases/{CASE_ID}/identification", {"id_number": "610502199001010011", "method": "magic"}),
    (f"/cases/{CASE_ID}/family-search", {"step": "notice", "at": "2025-06-10T09:00:00"}),
    (f"/cases/{CASE_ID}/extension", {"until": "2025-13-01", "reason": "x"}),
    (f"/cases/{CASE_ID}/settlement", {"id_number": "610502199001010011", "household_division": "6105"}),
    ("/watchlist", {"name": "张三", "condition": "dementia", "contacts": []}),
    ("/refusals", {"station": "RS-610500", "source": "walk_in", "person": {}, "reason": "because"}),
])
def test_invalid_case_commands_are_refused_before_the_service_is_called(client, service, path, body):
    response = post(client, path, body)
    assert (response.status_code, code_of(response)) == (422, "validation_failed")
    assert service.calls == []


def test_if_match_reaches_the_service_as_the_version(client, service):
    response = post(client, f"/cases/{CASE_ID}/services", {"kind": "food"}, **{"If-Match": '"3"'})
    assert response.status_code == 201
    [(method, (case_id, body, _actor, _key))] = service.calls
    assert (method, case_id, body["version"]) == ("provide_service", CASE_ID, 3)


def test_the_exit_body_is_the_kinds_own_shape(client, service):
    response = post(client, f"/cases/{CASE_ID}/exit",
                    {"kind": "escorted", "destination_division": "610528", "handed_to": "富平县民政局"})
    assert response.status_code == 200
    [(method, (case_id, body, _actor, _key))] = service.calls
    assert (method, case_id, body) == ("record_exit", CASE_ID, {"kind": "escorted",
                                                                 "destination_division": "610528",
                                                                 "handed_to": "富平县民政局"})


@pytest.mark.parametrize(("method", "path", "who"), [
    ("POST", "/cases", "clerk"),
    ("POST", "/stations", "city"),
    ("GET", "/statistics", "clerk"),
    # Separation of duties (api.md release 2): admins register stations and read the network, nothing else.
    ("POST", "/cases", "admin"),
    ("POST", "/watchlist", "admin"),
    ("GET", "/cases", "admin"),
    ("GET", "/watchlist", "admin"),
    ("GET", "/statistics", "admin"),
])
def test_roles_outside_relief_work_are_forbidden(client, service, method, path, who):
    response = post(client, path, INTAKE, who=who) if method == "POST" else get(client, path, who=who)
    assert (response.status_code, code_of(response)) == (403, "forbidden")
    assert service.calls == []


@pytest.mark.parametrize("query", ["stranded=maybe", "status=lost", "limit=0", "limit=501", "station=RS-1",
                                   "person=DROP%20TABLE", "stranded=true&stranded=false", "sort=name"])
def test_invalid_list_queries_are_refused(client, service, query):
    response = get(client, f"/cases?{query}")
    assert (response.status_code, code_of(response)) == (422, "validation_failed")
    assert service.calls == []


def test_list_queries_reach_the_service_parsed(client, service):
    assert get(client, "/cases?stranded=true&status=open").status_code == 200
    assert get(client, "/statistics?from=2025-01-01&to=2025-06-30").status_code == 200
    assert service.calls[0][1][0] == {"stranded": True, "status": "open"}
    assert service.calls[1][1][0] == {"from": "2025-01-01", "to": "2025-06-30"}


def test_an_admin_registers_a_station_and_is_shown_where_it_is_V1(client, service):
    body = {"code": "RS-610502-1", "tier": "township", "name": "双王街道临时救助点", "parent": "RS-610502"}
    response = post(client, "/stations", body, who="admin")
    assert response.status_code == 201 and response.headers["Location"] == "/v1/vagrant-aid/stations"
    assert get(client, "/stations", who="admin").status_code == 200
