"""`GET /openapi.json`: the OpenAPI 3.1 document, generated from the route table and its pydantic models.

Nothing is written by hand: a route added to the table appears here with its path parameters, roles
(`x-roles`), query parameters, request body schema, success response and the problem responses it can give.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from services.gateway.idempotency import IDEMPOTENCY_HEADER
from services.gateway.problems import PROBLEM_MEDIA_TYPE, PROBLEM_SCHEMA
from services.gateway.routing import Call, Reply, Route, RouteTable

OPENAPI_VERSION = "3.1.0"
_PARAMETER = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_CONVERTER_TYPES = {"int": "integer", "float": "number"}
_REF = "#/components/schemas/{model}"
_PROBLEM_RESPONSE = "#/components/responses/Problem"


def openapi_path(rule: str) -> str:
    """werkzeug's `/x/<int:id>` as OpenAPI's `/x/{id}`."""
    return _PARAMETER.sub(lambda m: "{" + m["name"] + "}", rule)


def _path_parameters(route: Route) -> list[dict[str, Any]]:
    return [
        {"name": m["name"], "in": "path", "required": True,
         "schema": {"type": _CONVERTER_TYPES.get(m["converter"] or "", "string")}}
        for m in _PARAMETER.finditer(route.path)
    ]


def _query_parameters(route: Route) -> list[dict[str, Any]]:
    """One parameter per field of the route's query model (its alias where it has one: `from`)."""
    if route.query is None:
        return []
    schema = route.query.model_json_schema(by_alias=True, ref_template=_REF)
    required = set(schema.get("required", ()))
    parameters = []
    for name, field in schema.get("properties", {}).items():
        description = field.pop("description", None)
        field.pop("title", None)
        if field.get("default", 0) is None:
            del field["default"]
        # An absent parameter is the null: a query string cannot send one, so the schema is the other branch.
        branches = [branch for branch in field.get("anyOf", ()) if branch != {"type": "null"}]
        if "anyOf" in field and len(branches) == 1:
            field = {**branches[0], **{k: v for k, v in field.items() if k != "anyOf"}}
        parameter = {"name": name, "in": "query", "required": name in required, "schema": field}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _header_parameters(route: Route) -> list[dict[str, Any]]:
    headers = []
    if not route.public:
        headers.append({"name": "X-Purpose", "in": "header", "required": False, "schema": {"type": "string"},
                        "description": "the purpose of the call (may be percent-encoded UTF-8); required for"
                                       " bureau principals"})
        headers.append({"name": "X-Purpose-Code", "in": "header", "required": False, "schema": {"type": "string"},
                        "description": "a purpose code of the vocabulary in access.yaml (docs/privacy.md)"})
        headers.append({"name": "X-Case-Ref", "in": "header", "required": False,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 100},
                        "description": "the caller's own case reference, recorded in the access log"})
    if route.method in ("POST", "PUT") and not route.public:
        headers.append({"name": IDEMPOTENCY_HEADER, "in": "header", "required": True,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                        "description": "required; the same key and body return the first response again"})
    return headers


def _problem_statuses(route: Route) -> list[int]:
    """What the pipeline and the services can answer besides success: every route may be unknown (404) or
    called with another method (405); a route with a token also 400 (purpose, If-Match), 401, 403, 503 (a
    service or the access log unreachable) and 504 (a service too slow); a body 409 (a stale version, a key
    in use), 413, 415 and 422; query parameters 422."""
    statuses = {404, 405, 500}
    if not route.public:
        statuses |= {400, 401, 403, 503, 504}
    if route.body is not None:
        statuses |= {400, 409, 413, 415, 422}
    if route.query is not None or _PARAMETER.search(route.path):
        statuses |= {422}
    return sorted(statuses)


# The answer of a route without a response model: a JSON object whose fields the service's page in docs/
# lists (services may add fields).
_ANY_OBJECT = {"type": "object", "description": "a JSON object; its fields: the service's page in docs/"}


def example_of(model: type[BaseModel] | None) -> Any:
    """The first example a response model gives (`json_schema_extra={"examples": [...]}`), if any: the
    document's examples are taken from the models, never written beside them."""
    extra = model.model_config.get("json_schema_extra") if model is not None else None
    examples = extra.get("examples") if isinstance(extra, dict) else None
    return examples[0] if examples else None


def _operation(route: Route, refs: dict[tuple[type[BaseModel], str], dict[str, Any]]) -> dict[str, Any]:
    summary = route.summary or (route.handler.__doc__ or route.action).strip().splitlines()[0]
    if route.response is not None:
        success_schema = refs[(route.response, "serialization")]
    else:
        success_schema = {"type": "string"} if not route.media_type.endswith("json") else _ANY_OBJECT
    operation: dict[str, Any] = {
        "operationId": route.action,  # stable: the access log's name of the action
        "summary": summary,
        "tags": [route.action.split(".", 1)[0]],
        "x-roles": "public" if route.public else sorted(route.roles),  # type: ignore[arg-type]
        "security": [] if route.public else [{"bearer": []}],
        "parameters": _path_parameters(route) + _query_parameters(route) + _header_parameters(route),
        "responses": {
            # A 204 has no body (RFC 9110), so no content type to document.
            str(route.status): {"description": "success"} if route.status == 204 else {
                "description": "success", "content": {route.media_type: {"schema": success_schema}}},
            **{str(status): {"$ref": _PROBLEM_RESPONSE} for status in _problem_statuses(route)},
        },
    }
    for media_type in route.alternatives:  # the same answer in another form, by content negotiation
        operation["responses"][str(route.status)]["content"][media_type] = {"schema": {
            "type": "string", **({} if media_type.startswith("text/") else {"format": "binary"})}}
    if route.status == 204:  # no content, and no content type (found by schemathesis)
        operation["responses"]["204"] = {"description": "success, no content"}
    elif (example := example_of(route.response)) is not None:
        operation["responses"][str(route.status)]["content"][route.media_type]["example"] = example
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(route.body, "validation")]}},
        }
    return operation


def build_document(
    routes: RouteTable, *, title: str = "civreg gateway", version: str = "0.1.0"
) -> dict[str, Any]:
    models: list[tuple[type[BaseModel], str]] = []
    for route in routes:
        if route.body is not None:
            models.append((route.body, "validation"))
        if route.response is not None:
            models.append((route.response, "serialization"))
    refs, definitions = ({}, {})
    if models:
        refs, definitions = models_json_schema(list(dict.fromkeys(models)), ref_template=_REF)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(openapi_path(route.path), {})[route.method.lower()] = _operation(route, refs)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version,
                 "description": "The civil-registration HTTP API. Errors are application/problem+json."},
        "paths": paths,
        "components": {
            "schemas": {**definitions.get("$defs", {}), "Problem": PROBLEM_SCHEMA},
            "responses": {"Problem": {
                "description": "refused; `code` says why",
                "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _REF.format(model="Problem")}}},
            }},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


def document(call: Call) -> Reply:
    """This document: OpenAPI 3.1, generated from the route table."""
    return Reply(call.ports.openapi)
