"""The child welfare routes at the gateway, with the service replaced by a recording fake: only child welfare
officers (and admins for standards) get through (C-8), hostile input never reaches the service, the path's
child is what the access log names, the OpenAPI document lists the routes of api.md."""

from __future__ import annotations

from typing import Any

import pytest

from services.gateway.openapi import build_document
from services.gateway.routes import ROUTES
from tests.unit.gateway.fakes import RecordingAccessLog, RecordingService, call, principals, route_client

PRINCIPALS = principals("officer", "admin", "education", "funeral")
CHILD = "610502201503100156"
FILE = {
    "child": {"id_number": CHILD, "name": "王小明", "household_division": "610502"},
    "parents": [{"name": "王父", "condition": "deceased", "condition_since": "2023-01-05", "evidence_ref": "D-1"},
                {"name": "李母", "condition": "imprisoned", "condition_since": "2023-02-01", "evidence_ref": "J-1",
                 "ends_on": "2030-01-01"}],
    "guardian": {"name": "王大爷", "relation": "grandfather"}, "care": "dispersed", "applied_on": "2025-06-10",
}


def answer(method: str, args: tuple[Any, ...]) -> dict[str, Any]:
    return {"child_id": "c-1", "version": 1, "method": method}


@pytest.fixture
def service():
    return RecordingService("child_welfare", answer)


@pytest.fixture
def log():
    return RecordingAccessLog()


@pytest.fixture
def client(service, log):
    """The production route table, its RPC answered by the fake, its access log recorded."""
    return route_client(PRINCIPALS, service, log)


def test_an_officer_opens_a_file_and_the_service_gets_body_actor_and_key_C2(client, service):
    response = call(client, "POST", "/v1/child-welfare/children", "officer", FILE, **{"Idempotency-Key": "k-1"})

    assert response.status_code == 201
    [(method, (request, actor, key))] = service.calls
    assert (method, request["child"]["id_number"], key) == ("open_file", CHILD, "k-1")
    assert actor == {"name": "child-welfare.city", "role": "child_welfare_officer", "office": None}


@pytest.mark.parametrize(("who", "method", "path"), [
    ("admin", "GET", f"/v1/child-welfare/children/{CHILD}"),
    ("education", "GET", f"/v1/child-welfare/children/{CHILD}"),
    ("funeral", "GET", "/v1/child-welfare/payroll?month=2025-07"),
    ("admin", "GET", "/v1/child-welfare/tasks"),
])
def test_child_welfare_data_is_for_child_welfare_officers_only_C8(client, service, who, method, path):
    response = call(client, method, path, who, **{"X-Purpose": "school enrolment"})
    assert response.status_code == 403
    assert service.calls == []


def test_standards_are_set_by_admins_only_C5(client, service):
    standard = {"category": "orphan", "care": "dispersed", "from_month": "2026-01", "amount": "1300.00"}
    assert call(client, "PUT", "/v1/child-welfare/standards", "officer", standard).status_code == 403
    assert call(client, "PUT", "/v1/child-welfare/standards", "admin", standard).status_code == 200
    [(method, (request, _, _))] = service.calls
    assert (method, request["amount"]) == ("set_standard", "1300.00")


@pytest.mark.parametrize("change", [
    {"care": "orphanage"},
    {"parents": [FILE["parents"][0]]},
    {"guardian": {"name": "x" * 10_000, "relation": "uncle"}},
    {"guardian": {"name": "王\u202e大爷", "relation": "uncle"}},
    {"applied_on": "2025-02-30"},
    {"child": {"id_number": 610502201503100156, "name": "王小明", "household_division": "610502"}},
    {"child": {"id_number": CHILD, "name": "'; DROP TABLE events; --", "household_division": "610502"}},
    {"extra": True},
])
def test_hostile_or_mistyped_bodies_are_422_and_never_reach_the_service(client, service, change):
    response = call(client, "POST", "/v1/child-welfare/children", "officer", {**FILE, **change})
    assert response.status_code == 422
    assert response.get_json(force=True)["code"] == "validation_failed"
    assert service.calls == []


def test_a_read_of_a_child_file_is_logged_naming_the_child_C8(client, service, log):
    assert call(client, "GET", f"/v1/child-welfare/children/{CHILD}", "officer").status_code == 200
    [entry] = log.entries
    assert (entry.principal, entry.action, entry.subject) == ("child-welfare.city", "child_welfare.read_child", CHILD)


def test_the_openapi_document_lists_the_child_welfare_routes_of_api_md():
    paths = build_document(ROUTES)["paths"]
    for path in ("/v1/child-welfare/children", "/v1/child-welfare/children/{child}",
                 "/v1/child-welfare/children/{child}/decision", "/v1/child-welfare/children/{child}/township-check",
                 "/v1/child-welfare/children/{child}/parent-changes", "/v1/child-welfare/children/{child}/placements",
                 "/v1/child-welfare/children/{child}/agreements", "/v1/child-welfare/children/{child}/visits",
                 "/v1/child-welfare/children/{child}/termination", "/v1/child-welfare/children/{child}/allowances",
                 "/v1/child-welfare/children/{child}/student-status",
                 "/v1/child-welfare/payroll", "/v1/child-welfare/standards", "/v1/child-welfare/tasks"):
        assert path in paths, path
    assert paths["/v1/child-welfare/children"]["post"]["x-roles"] == ["child_welfare_officer"]
