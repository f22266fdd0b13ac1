"""What every route module of the gateway builds on: the handler that passes a command on to its service, and
the routes of a service's command table (`command_routes`).
The bodies, responses and queries themselves are the services' contracts (`services/<name>/contract/`).

A command's `version` may come in the body or as the If-Match header (`call.if_match`); both at once must
agree (400 `conflicting_versions`). The body goes on as JSON as the client sent it, an explicit `null` the same
as a field left out, with the actor and the Idempotency-Key, so a retry writes nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, RootModel, ValidationError

from services.gateway.problems import FieldError, Problem
from services.gateway.routing import Call, Reply, Route
from shared.reference.contract import CommandEntry
from shared.reference.refusals import VALIDATION_FAILED


def forwarded(body: BaseModel) -> dict[str, Any]:
    """The body as it goes on to the service: what the client sent, an explicit `null` the same as a field left
    out (in every service), so the service applies its own defaults to both."""
    if isinstance(body, RootModel):
        body = body.root
    return body.model_dump(mode="json", exclude_unset=True, exclude_none=True)


def command(call: Call, service: str, method: str, *path: str, status: int = 200,
            entry: CommandEntry | None = None) -> Reply:
    """Call `service.method(*path, request, actor, idempotency_key)` with the body (and If-Match's version);
    the table's `entry` may name the Location of what the answer created."""
    assert call.body is not None
    request = forwarded(call.body)
    if call.if_match is not None:  # the header and the body's `version` say the same thing
        if request.get("version", call.if_match) != call.if_match:
            raise Problem(400, "conflicting_versions", "If-Match and the body's version differ")
        request["version"] = call.if_match
    result = getattr(call.rpc(service), method)(*path, request, call.actor(), call.idempotency_key)
    location = entry.location_of(result) if entry is not None else None
    return Reply(result, status=status, headers={"Location": location} if location else {})


def command_routes(service: str, table: Mapping[str, CommandEntry]) -> list[Route]:
    """The gateway's routes of a service's command table: each passes its body on with `command`."""
    return [_command_route(service, entry) for entry in table.values()]


def _command_route(service: str, entry: CommandEntry) -> Route:
    def handler(call: Call) -> Reply:
        return command(call, service, entry.name, *(call.params[name] for name in entry.path_parameters),
                       status=entry.status, entry=entry)

    handler.__doc__ = entry.summary
    return Route(entry.method, entry.path, entry.action or f"{service}.{entry.name}", entry.roles, handler,
                 body=entry.body, response=entry.response, status=entry.status, subject=entry.subject,
                 summary=entry.summary or None)


def parsed_query(call: Call, model: type[BaseModel]) -> dict[str, Any]:
    """The query string as `model` (the service's contract), each parameter once; 422 `validation_failed`
    otherwise. The service validates the same model again."""
    repeated = [key for key in call.query if len(call.query.getlist(key)) > 1]  # werkzeug's MultiDict
    if repeated:
        raise Problem(422, VALIDATION_FAILED, "a query parameter is repeated",
                      errors=[FieldError(("query", key), "given more than once") for key in repeated])
    try:
        parsed = model.model_validate(dict(call.query))
    except ValidationError as exc:
        raise Problem(422, VALIDATION_FAILED, "the query does not match the schema", errors=[
            FieldError(("query", *e["loc"]), e["msg"])
            for e in exc.errors(include_url=False, include_input=False, include_context=False)]) from None
    return parsed.model_dump(mode="json", exclude_unset=True, by_alias=True)
