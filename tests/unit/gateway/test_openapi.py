"""The OpenAPI document is generated from the route table and its models."""

from services.gateway.openapi import build_document, openapi_path
from tests.unit.gateway.fakes import make_app


def _refs(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _resolve(document, ref):
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_document_is_openapi_3_1_with_every_route():
    app = make_app()
    document = build_document(app.routes)

    assert document["openapi"] == "3.1.0"
    for route in app.routes:
        operation = document["paths"][openapi_path(route.path)][route.method.lower()]
        assert operation["operationId"] == route.action


def test_every_reference_resolves():
    document = build_document(make_app().routes)

    refs = set(_refs(document))
    assert "#/components/schemas/Problem" in refs
    for ref in refs:
        assert _resolve(document, ref), ref


def test_bearer_security_everywhere_but_public_routes():
    document = build_document(make_app().routes)

    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert document["paths"]["/health"]["get"]["security"] == []
    assert document["paths"]["/v1/me"]["get"]["security"] == [{"bearer": []}]
    assert document["paths"]["/v1/me"]["get"]["responses"]["401"]


def test_problem_schema_names_the_contracts_fields():
    schema = build_document(make_app().routes)["components"]["schemas"]["Problem"]

    assert set(schema["required"]) == {"type", "title", "status", "detail", "code", "errors"}


def test_body_routes_document_their_model_idempotency_key_and_refusals():
    document = build_document(make_app().routes)
    operation = document["paths"]["/v1/test/notes"]["post"]

    schema = _resolve(document, operation["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    assert set(schema["properties"]) == {"person_id", "text"}
    assert schema["additionalProperties"] is False
    assert {"Idempotency-Key", "X-Purpose"} <= {p["name"] for p in operation["parameters"]}
    assert {"201", "413", "415", "422"} <= set(operation["responses"])


def test_path_parameters_use_openapi_syntax():
    document = build_document(make_app().routes)

    operation = document["paths"]["/v1/test/persons/{person_id}/notes"]["get"]
    assert {"name": "person_id", "in": "path", "required": True, "schema": {"type": "string"}} in operation[
        "parameters"]
    assert openapi_path("/v1/x/<int:number>") == "/v1/x/{number}"
