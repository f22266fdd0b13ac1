"""What every route module of the gateway builds on: the strict body model, the response model, the
stored-version and resource-id types, and the handler that passes a command on to its service.

A command's `version` may come in the body or as the If-Match header (`call.if_match`); both at once must
agree (400 `conflicting_versions`). The body goes on as JSON without its unset fields, with the actor and the
Idempotency-Key, so a retry writes nothing new.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.gateway.problems import Problem
from services.gateway.routing import Call, Reply

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
ResourceId = Annotated[str, StringConstraints(pattern=UUID_PATTERN)]
Version = Annotated[int, Field(ge=1)]


class Body(BaseModel):
    """A request body: strict JSON types, frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class View(BaseModel):
    """A response, documented for the OpenAPI document; services may add fields."""

    model_config = ConfigDict(frozen=True)


def command(call: Call, service: str, method: str, *path: str, status: int = 200) -> Reply:
    """Call `service.method(*path, request, actor, idempotency_key)` with the body (and If-Match's version)."""
    assert call.body is not None
    request = call.body.model_dump(mode="json", exclude_none=True)
    if call.if_match is not None:  # the header and the body's `version` say the same thing
        if request.get("version", call.if_match) != call.if_match:
            raise Problem(400, "conflicting_versions", "If-Match and the body's version differ")
        request["version"] = call.if_match
    result = getattr(call.rpc(service), method)(*path, request, call.actor(), call.idempotency_key)
    return Reply(result, status=status)
