"""Issue 14, route by route: every route of the gateway's table that can disclose a person records each person in
its access-log row — the persons its service reports (`shared/reference/disclosure.py`: ID numbers and the
temporary ids linked to them, shown or not), every id a read's answer shows (lists, payroll, the feed, the
timeline's person and linked ids) and the persons a printed copy names. The table is enumerated: a new route
fails here until it is either exercised or listed among the routes that disclose no one, with the reason.

Each route runs from its handler on (the body models are the services' contracts, tested with them): its
service answers every RPC with an answer that shows one person and reports two more.
"""

from __future__ import annotations

import base64
import json
import re
import typing
from dataclasses import replace
from typing import Any

import pytest
from pydantic import BaseModel, RootModel
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from services.gateway.access_log import AccessRecord
from services.gateway.app import GatewayApp, _Exchange
from services.gateway.auth import Principal, Principals
from services.gateway.routes import ROUTES
from services.gateway.routing import Call, Route
from shared.errors import Refusal
from shared.reference.disclosure import disclosing
from tests.unit.gateway.fakes import (
    FixedHealth,
    InMemoryIdempotency,
    RecordingAccessLog,
    RecordingService,
    call,
    principals,
    route_client,
)

# Bodies built without validation serialise with warnings about the empty fields: harmless here.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SHOWN = "61050219700504106X"  # an id the answer shows
REPORTED = "610502197001010011"  # a person the service reports without showing (a divorce's parties)
LINKED = "TMP-RS610500-000007"  # a temporary id linked to the person, reported
PATH_PERSON = "610502198001010013"

# Routes whose answers name no person, and why (their answers are counts, reference data or the caller's own).
DISCLOSES_NO_ONE = {
    "operations.metrics": "request counts and latencies",
    "principals.me": "the caller's own principal",
    "identity.accounts.create": "staff accounts, not registered persons",
    "identity.accounts.list": "staff accounts",
    "identity.accounts.disable": "staff accounts",
    "identity.accounts.enable": "staff accounts",
    "identity.accounts.password": "staff accounts",
    "identity.sign_ins": "staff sign-in attempts",
    "vagrant_aid.list_stations": "relief stations",
    "vagrant_aid.register_station": "relief stations",
    "vagrant_aid.statistics": "counts",
    "funeral.statistics": "counts",
    "funeral.open_cemetery": "cemeteries",
    "funeral.add_plots": "plots of a cemetery, before anyone holds them",
    "marriage.statistics": "counts",
    "marriage.certificate_stock": "blank stock counts",
    "marriage.certificate_audit": "gaps and duplicates of certificate numbers",
    "marriage.receive_certificate_blanks": "blank stock",
    "marriage.void_certificate_blank": "a spoiled blank",
    "child_welfare.set_standard": "allowance standards",
    "indicators.read": "the plan's indicators: rates and counts of a year, no person",
}


def principal_for(route: Route) -> Principal:
    """A caller the route lets in and its handler serves: staff before bureaus, a clerk for a marriage copy."""
    roles = sorted(route.roles, key=lambda role: (role == "bureau", role != "marriage_clerk", role))  # type: ignore
    return Principal(f"test.{roles[0]}", roles[0], office="MR-610502" if "clerk" in roles[0] else None,
                     bureau="public_security" if roles[0] == "bureau" else None,
                     scopes=("status", "case") if roles[0] == "bureau" else ())


def body_of(model: type[BaseModel] | None) -> BaseModel | None:
    """A body as validation hands it on, its required fields empty (the service answers whatever it gets)."""
    if model is None:
        return None
    if issubclass(model, RootModel):  # one of several commands: the first will do
        annotation = model.model_fields["root"].annotation
        return model.model_construct(root=body_of(typing.get_args(annotation)[0]))
    return model.model_construct(**{name: [] for name, field in model.model_fields.items() if field.is_required()})


def answer(method: str, args: tuple[Any, ...]) -> Any:
    if method == "person_timeline":  # JSON text, passed on unparsed
        return {"digest": "d1",
                "document": json.dumps({"subject": SHOWN, "person": SHOWN, "merged_ids": [LINKED], "entries": []})}
    if method == "person_ids":
        return [SHOWN, LINKED]
    if method == "print_certificate":
        return {"pdf": base64.b64encode(b"%PDF-1.7").decode(), "number": "J610502-2026-000001",
                "subjects": [SHOWN, REPORTED, LINKED]}
    ids = {key: OTHER_PARAMETER for key in ("case_id", "declaration_id", "notice_id", "adoption_id", "registration_id",
                                            "application_id")}
    return disclosing({**ids, "items": [{"id_number": SHOWN, "name": "王**"}], "next_cursor": None},
                      [REPORTED, LINKED])


class AnyService(RecordingService):
    """Every service at once: whichever a route calls answers with `answer`."""

    def __call__(self, service: str, principal: Any = None, purpose: str | None = None) -> AnyService:
        return self


class History(RecordingAccessLog):
    """The access log oversight reads: no entries (the route's own row is what this test looks at)."""

    def history(self, *subjects: str) -> list[dict[str, object]]:
        return []


PARAMETERS = {"person_id": PATH_PERSON, "child": PATH_PERSON, "number": "J610502-2026-000001"}
OTHER_PARAMETER = "0a6f2c1e-0000-4000-8000-000000000001"  # a case, registration, declaration … id
# The query each list needs (its filters are required or it answers 422), and a printed copy's code.
QUERIES = {
    "certificates.print": {"code": "K7M2P9QX4TAB"},
    "funeral.waiting_deaths": {"awaiting": "cremation"},
    "funeral.expiring_plots": {"expiring_before": "2026-12-31"},
    "marriage.list_appointments": {"office": "MR-610502", "date": "2026-03-02"},
    "marriage.list_divorces": {"office": "MR-610502", "state": "cooling_off"},
    "child_welfare.list_children": {"stage": "confirmed"},
    "child_welfare.payroll": {"month": "2025-08"},
    "vagrant_aid.watchlist_matches": {"case_id": OTHER_PARAMETER},
}
ROUTES_WITH_PERSONS = [r for r in ROUTES if not r.public and r.action not in DISCLOSES_NO_ONE]
APP = GatewayApp(ROUTES, Principals.from_entries([]), idempotency=InMemoryIdempotency(), access_log=History(),
                 health=FixedHealth())


def run(route: Route) -> tuple[Response, AccessRecord | None]:
    """The route from its handler on, as the pipeline runs it after authentication, role, purpose and body
    validation: the handler, the service's answer, what the access-log row of the call records."""
    params = {name: PARAMETERS.get(name, OTHER_PARAMETER) for name in re.findall(r"<(?:\w+:)?(\w+)>", route.path)}
    request = Request(EnvironBuilder(path="/", method=route.method,
                                     query_string=QUERIES.get(route.action, {})).get_environ())
    exchange = _Exchange(request, "unit", route=route, principal=principal_for(route), params=params,
                         subject=params.get(route.subject) if route.subject else None)
    body = body_of(route.body)
    call = Call(principal=exchange.principal, params=params, query=request.args, body=body, purpose=None,
                correlation_id="unit", idempotency_key="key" if body is not None else None,
                ports=replace(APP.ports, rpc=AnyService("any", answer)), request=request)
    response = APP._execute(route, call, exchange)
    return response, APP._access_record(exchange, response.status_code)


def test_every_route_either_discloses_no_one_or_is_exercised_here():
    actions = {route.action for route in ROUTES if not route.public}
    assert set(DISCLOSES_NO_ONE) <= actions, "a route listed here is gone: take it off the list"
    assert {r.action for r in ROUTES_WITH_PERSONS} == actions - set(DISCLOSES_NO_ONE)


# The timeline's answer is JSON text that reports nothing: its person and linked ids are read from its head.
# Oversight's access history is about the person of its path, and its entries name principals.
REPORTS = {"persons.timeline": {SHOWN, LINKED}, "persons.access_log": set()}


@pytest.mark.parametrize("route", ROUTES_WITH_PERSONS, ids=[r.action for r in ROUTES_WITH_PERSONS])
def test_a_route_records_every_person_its_service_reported_and_its_answer_showed(route):
    response, record = run(route)

    assert response.status_code < 400, f"{route.action} answered {response.status_code}"
    assert record is not None
    recorded = {record.subject, *record.subjects}
    expected = REPORTS.get(route.action, {REPORTED, LINKED})  # the service's report
    if route.finds_subjects:  # what the answer shows (the historical import's answer names registrations)
        expected |= {SHOWN} if SHOWN in response.get_data(as_text=True) else set()
    assert expected <= recorded, f"{route.action} does not record {expected - recorded}"
    if route.subject is not None:
        assert record.subject == PATH_PERSON


def test_only_the_historical_import_leaves_its_batches_unscanned():
    assert [route.action for route in ROUTES if not route.finds_subjects] == ["marriage.import_historical_records"]


def declaring(method: str, args: tuple[Any, ...]) -> Any:
    if args[0]["kind"] == "missing":
        raise Refusal("declaration_exists", "a declaration of this person stands", 409)
    return {"declaration_id": OTHER_PARAMETER, "version": 1}


@pytest.mark.parametrize(("kind", "status"), [("death", 201), ("missing", 409)])
def test_the_persons_a_command_names_are_its_subjects_answered_or_refused(kind, status):
    log = RecordingAccessLog()
    client = route_client(principals("courts"), RecordingService("funeral", declaring), log)

    response = call(client, "POST", "/v1/court-declarations", "courts", {
        "kind": kind, "id_number": SHOWN.lower(), "court": "渭南市临渭区人民法院",
        "judgment_ref": "(2026)陕0502民特1号", "judgment_on": "2026-03-01"},
        **{"X-Purpose": "judgment", "Idempotency-Key": f"k-{kind}"})

    assert response.status_code == status, response.get_data(as_text=True)
    [entry] = log.entries
    assert entry.subjects == (SHOWN,)  # canonical: the refusal, too, said something about this person


def test_the_ids_an_answer_shows_are_recorded_as_oversight_looks_them_up():
    log = RecordingAccessLog()
    shown = {"items": [{"id_number": "610502700504106"}, {"id_number": SHOWN.lower()}], "next_cursor": None}
    client = route_client(principals("registrar"), RecordingService("marriage", lambda method, args: shown), log)

    assert call(client, "GET", "/v1/marriage/historical-records/review", "registrar").status_code == 200
    assert log.entries[0].subjects == (SHOWN,)  # a 15-digit number and a lower-case x: one canonical subject
