"""Issue 11: the OpenAPI document of the real route table is complete — it validates as OpenAPI 3.1, every
operation has a success schema, its path and query parameters and the problem responses it can give — and the
`civreg openapi` command prints it without a running stack."""

from __future__ import annotations

import inspect
import json
import re

import pytest
from openapi_spec_validator import validate

from services.cli import main
from services.gateway.openapi import build_document, openapi_path
from services.gateway.routes import ROUTES

DOCUMENT = build_document(ROUTES)
OPERATIONS = [(route, DOCUMENT["paths"][openapi_path(route.path)][route.method.lower()]) for route in ROUTES]


def test_the_document_validates_as_openapi_3_1():
    validate(DOCUMENT)


def test_no_operation_lacks_a_success_schema():
    lacking = [route.action for route, operation in OPERATIONS if route.status != 204
               and not any(status.startswith("2") and all(media.get("schema") for media in answer["content"].values())
                          for status, answer in operation["responses"].items() if "content" in answer)]
    assert lacking == []


def test_no_operation_lacks_the_parameters_its_route_has():
    lacking = []
    for route, operation in OPERATIONS:
        declared = {(p["in"], p["name"]) for p in operation["parameters"]}
        path = {("path", name) for name in re.findall(r"<(?:[^:>]*:)?(\w+)>", route.path)}
        reads_query = "call.query" in inspect.getsource(route.handler)
        if not path <= declared or (reads_query and not any(where == "query" for where, _ in declared)):
            lacking.append(route.action)
    assert lacking == []


def test_every_operation_has_a_stable_id_and_its_services_tag():
    ids = [operation["operationId"] for _, operation in OPERATIONS]
    assert len(ids) == len(set(ids))
    for route, operation in OPERATIONS:
        assert operation["operationId"] == route.action
        assert operation["tags"] == [route.action.split(".", 1)[0]]


@pytest.mark.parametrize("status", ["400", "401", "403", "404", "409", "413", "415", "422", "503", "504"])
def test_a_command_documents_the_problems_it_can_give(status: str):
    route, operation = next((r, o) for r, o in OPERATIONS if r.action == "funeral.register_death")
    assert operation["responses"][status] == {"$ref": "#/components/responses/Problem"}


def test_query_parameters_come_from_the_services_contract():
    _, operation = next((r, o) for r, o in OPERATIONS if r.action == "vagrant_aid.statistics")
    parameters = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert set(parameters) == {"from", "to", "station"}
    assert parameters["from"]["schema"] == {"format": "date", "type": "string"}


def test_the_document_is_public():
    route = next(route for route in ROUTES if route.path == "/openapi.json")
    assert route.public


def test_civreg_openapi_prints_the_document(capsys):
    assert main(["openapi"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(DOCUMENT))


# The routes whose answer is a document of its own kind (OpenAPI, AsyncAPI, JWKS) or nothing (204).
SELF_DESCRIBED = {"operations.openapi", "operations.asyncapi", "operations.metrics", "identity.jwks",
                  "identity.logout", "certificates.print"}  # the last: PDF


def test_every_service_operation_answers_a_model_of_its_contract_not_a_generic_object():
    generic = [route.action for route in ROUTES if route.response is None and route.action not in SELF_DESCRIBED]
    assert generic == []


def test_the_examples_come_from_the_models_and_are_valid_answers():
    with_examples = [(route, operation) for route, operation in OPERATIONS if route.status != 204
                     and "example" in operation["responses"][str(route.status)]["content"][route.media_type]]
    assert {route.action for route, _ in with_examples} >= {"vagrant_aid.take_in", "funeral.open_cemetery",
                                                            "marriage.book_appointment", "persons.timeline"}
    for route, operation in with_examples:
        example = operation["responses"][str(route.status)]["content"][route.media_type]["example"]
        route.response.model_validate(example)  # an example that is no valid answer fails here


def test_an_answer_with_no_content_documents_no_content_type():
    [(route, operation)] = [(r, o) for r, o in OPERATIONS if r.action == "identity.logout"]
    assert operation["responses"]["204"] == {"description": "success, no content"}
