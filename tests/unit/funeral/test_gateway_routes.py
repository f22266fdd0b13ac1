"""The funeral routes at the gateway, with the funeral service replaced by a recording fake: roles, the
strict body models (hostile input never reaches the service), what bureaus may read, the OpenAPI entries."""

from __future__ import annotations

from typing import Any

import pytest

from services.gateway.openapi import build_document
from services.gateway.routes import ROUTES
from shared.errors import Refusal
from tests.unit.gateway.fakes import RecordingService, call, code_of, principals, route_client

PRINCIPALS = principals("funeral", "cemetery", "clerk", "courts", "education", "admin")
DEATH = {"id_number": "610502199001010011", "died_on": "2025-06-14", "place_division": "610502",
         "certificate_no": "F6105020001", "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"}
PERSON_URL = "/v1/funeral/persons/610502199001010011/death"


def answer_like_the_funeral_service(method: str, args: tuple[Any, ...]) -> dict[str, Any]:
    if method == "person_death":
        return {"person_id": args[0], "deceased": True, "died_on": "2025-06-14", "death_id": "d-1",
                "subject_id": args[0], "identified": True}
    return {"method": method}


@pytest.fixture
def funeral():
    return RecordingService("funeral", answer_like_the_funeral_service)


@pytest.fixture
def client(funeral):
    return route_client(PRINCIPALS, funeral)


def test_funeral_staff_register_a_death_and_the_service_gets_body_actor_and_key(client, funeral):
    response = call(client, "POST", "/v1/funeral/deaths", "funeral", DEATH, **{"Idempotency-Key": "k-1"})

    assert response.status_code == 201
    [(method, (request, actor, key))] = funeral.calls
    assert (method, request, key) == ("register_death", DEATH, "k-1")
    assert actor == {"name": "funeral.FH-610502", "role": "funeral_staff", "office": "FH-610502"}


@pytest.mark.parametrize("who", ["clerk", "courts", "admin"])
def test_only_funeral_staff_register_deaths(client, funeral, who):
    response = call(client, "POST", "/v1/funeral/deaths", who, DEATH, **{"X-Purpose": "test"})

    assert (response.status_code, code_of(response)) == (403, "forbidden")
    assert funeral.calls == []


@pytest.mark.parametrize("change", [
    {"issuer": "x" * 10_000}, {"issuer": "医院\x00"}, {"certificate_no": "1'; DROP TABLE deaths; --"},
    {"natural": "true"}, {"natural": 1}, {"died_on": 20250614}, {"funeral_home": "FH-610502 OR 1=1"},
    {"place_division": 610502}, {"unexpected": "field"}, {"id_number": ["610502199001010011"]},
], ids=lambda change: next(iter(change)))
def test_hostile_or_mistyped_bodies_are_422_and_never_reach_the_service(client, funeral, change):
    response = call(client, "POST", "/v1/funeral/deaths", "funeral", {**DEATH, **change})

    assert (response.status_code, code_of(response)) == (422, "validation_failed")
    assert funeral.calls == []


def test_a_body_that_is_not_json_is_400_and_never_reaches_the_service(client, funeral):
    response = call(client, "POST", "/v1/funeral/deaths", "funeral", b"{'id_number': 1")

    assert (response.status_code, code_of(response)) == (400, "malformed_json")
    assert funeral.calls == []


def test_only_admins_open_cemeteries_and_lay_out_plots(client, funeral):
    body = {"code": "CEM-610502-1", "name": "公墓", "kind": "public_welfare"}
    assert call(client, "POST", "/v1/funeral/cemeteries", "funeral", body).status_code == 403
    assert call(client, "POST", "/v1/funeral/cemeteries", "admin", body).status_code == 201
    plots = {"plots": [{"number": "A-1", "kind": "plot", "burial_type": "ashes", "area_m2": 0.8}]}
    assert call(client, "POST", "/v1/funeral/cemeteries/CEM-610502-1/plots", "cemetery", plots).status_code == 403
    assert call(client, "POST", "/v1/funeral/cemeteries/CEM-610502-1/plots", "admin", plots).status_code == 201


def test_a_bureau_with_the_status_scope_reads_whether_a_person_died_and_nothing_more(client):
    response = call(client, "GET", PERSON_URL, "courts", **{"X-Purpose": "probate case"})

    assert response.status_code == 200
    assert response.get_json() == {"person_id": "610502199001010011", "deceased": True, "died_on": "2025-06-14"}


def test_a_bureau_without_the_status_scope_may_not_read_deaths(client, funeral):
    response = call(client, "GET", PERSON_URL, "education", **{"X-Purpose": "school records"})

    assert (response.status_code, code_of(response)) == (403, "forbidden")
    assert funeral.calls == []


def test_funeral_staff_see_the_death_record_id_clerks_only_the_fact(client):
    assert "death_id" in call(client, "GET", PERSON_URL, "funeral").get_json()
    assert "death_id" not in call(client, "GET", PERSON_URL, "clerk").get_json()


def test_registrars_see_the_death_record_id_they_withdraw_a_death_by_D11():
    funeral = RecordingService("funeral", answer_like_the_funeral_service)
    client = route_client(principals("registrar"), funeral)
    assert call(client, "GET", PERSON_URL, "registrar").get_json()["death_id"] == "d-1"


def test_cemetery_staff_see_the_tasks_of_their_own_cemetery(client, funeral):
    call(client, "GET", "/v1/funeral/tasks?cemetery=CEM-610503-1&as_of=2045-06-01", "cemetery")
    call(client, "GET", "/v1/funeral/tasks?cemetery=CEM-610503-1", "admin")

    assert funeral.calls == [("expiring_terms", ("2045-06-01", "CEM-610502-1")),
                             ("expiring_terms", (None, "CEM-610503-1"))]


@pytest.mark.parametrize("year", ["", "20x5", "12345", "2025;--"])
def test_statistics_need_a_four_digit_year(client, funeral, year):
    response = call(client, "GET", f"/v1/funeral/statistics?year={year}", "admin")

    assert (response.status_code, code_of(response)) == (422, "invalid_query")
    assert funeral.calls == []


def test_the_openapi_document_lists_the_funeral_routes_of_api_md():
    paths = build_document(ROUTES)["paths"]

    for path in ("/v1/funeral/deaths", "/v1/funeral/deaths/{death_id}/correction", "/v1/funeral/cremations",
                 "/v1/funeral/cemeteries", "/v1/funeral/cemeteries/{code}/plots", "/v1/funeral/burials",
                 "/v1/funeral/plots/{plot_id}/renewals", "/v1/funeral/assistance",
                 "/v1/funeral/persons/{person_id}/death", "/v1/funeral/cemeteries/{code}",
                 "/v1/funeral/statistics"):
        assert path in paths, path
    assert paths["/v1/funeral/deaths"]["post"]["x-roles"] == ["funeral_staff"]


# -- D-2: the gateway reads civreg's sightings of the person (service and day) from the timeline ---------------
MISSING = {"kind": "missing", "id_number": "610502197001010011", "court": "渭南市临渭区人民法院",
           "judgment_ref": "(2026)陕0502民特7号", "judgment_on": "2026-03-01", "missing_since": "2020-01-01"}


class FuneralAndTimeline(RecordingService):
    """The funeral service, and the timeline answering `seen_alive` with `timeline` (a refusal is raised)."""

    def __init__(self, timeline: Any) -> None:
        super().__init__("funeral", self._answer)
        self.timeline = timeline

    def __call__(self, service: str, principal: Any = None, purpose: str | None = None) -> RecordingService:
        assert service in ("funeral", "timeline"), service
        return self

    def _answer(self, method: str, args: tuple[Any, ...]) -> Any:
        if method == "seen_alive":
            if isinstance(self.timeline, Exception):
                raise self.timeline
            return self.timeline
        return {"declaration_id": "0a6f2c1e-0000-4000-8000-000000000001", "version": 1}


def declare_missing(service: FuneralAndTimeline, **more: Any) -> Any:
    return call(route_client(PRINCIPALS, service), "POST", "/v1/court-declarations", "courts", {**MISSING, **more},
                **{"X-Purpose": "judgment", "Idempotency-Key": "k-d2"})


def declared(service: FuneralAndTimeline) -> dict[str, Any]:
    [(_, (body, *_))] = [c for c in service.calls if c[0] == "declare_by_court"]
    return body


def test_d2_the_declaration_goes_on_with_the_sightings_the_timeline_names_after_the_missing_date():
    service = FuneralAndTimeline([{"service": "vagrant_aid", "on": "2026-02-01"}])

    assert declare_missing(service).status_code == 201
    assert declared(service)["seen_alive"] == [{"service": "vagrant_aid", "on": "2026-02-01"}]
    [(_, args)] = [c for c in service.calls if c[0] == "seen_alive"]
    assert args[:2] == ("610502197001010011", "2020-01-01")  # every service's sightings after that day only


def test_d2_without_a_missing_or_accident_date_the_timeline_is_not_asked():
    service = FuneralAndTimeline(AssertionError("not asked"))
    assert declare_missing(service, kind="death", missing_since=None, ground="missing_four_years").status_code == 201
    assert [method for method, _ in service.calls] == ["declare_by_court"]


def test_d2_an_id_number_the_timeline_refuses_as_a_subject_was_never_seen():
    service = FuneralAndTimeline(Refusal("invalid_subject", "not an id", 422))

    assert declare_missing(service).status_code == 201
    assert declared(service)["seen_alive"] == []


def test_d2_is_never_skipped_in_silence_a_declarer_the_timeline_refuses_is_answered_so():
    service = FuneralAndTimeline(Refusal("forbidden", "not a declarer", 403))

    response = declare_missing(service)

    assert (response.status_code, code_of(response)) == (403, "forbidden")
    assert [method for method, _ in service.calls] == ["seen_alive"]  # nothing reached the funeral service
