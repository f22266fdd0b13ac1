"""The gateway's routes: one line each, read top to bottom like api.md.

A service's commands come from its command table (`services/<name>/contract/table.py`, docs/contributing.md):
`command_routes` turns each entry into a route. A query or other route is a handler `def read_death(call:
Call) -> Reply` that calls the service (`call.rpc("funeral").death(...)`) and its line, e.g.
`Route("GET", "/v1/funeral/deaths/<death_id>", "funeral.read_death", {"funeral_staff"}, read_death)`.
Authentication, roles, purpose, body validation, idempotency, the access log, metrics and the OpenAPI
document follow from the line.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from services.gateway import health, metrics, openapi
from services.gateway.api import child_welfare, funeral, marriage, timeline, vagrant_aid
from services.gateway.routing import ANY_ROLE, PUBLIC, Call, Reply, Route, RouteTable


class PrincipalView(BaseModel):
    """The caller as the gateway knows it; never its token."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    role: str
    office: str | None
    bureau: str | None
    scopes: list[str]


def me(call: Call) -> Reply:
    """The authenticated principal: name, role, office, bureau and scopes."""
    principal = call.principal
    assert principal is not None  # not a PUBLIC route
    return Reply(PrincipalView(name=principal.name, role=principal.role, office=principal.office,
                               bureau=principal.bureau, scopes=list(principal.scopes)))


ROUTES = RouteTable([
    # method, path, action (access log), roles, handler, …
    Route("GET", "/health", "operations.health", PUBLIC, health.report, response=health.HealthReport),
    Route("GET", "/openapi.json", "operations.openapi", PUBLIC, openapi.document),
    # Metrics hold no personal data but api.md exempts only /health from tokens: any principal may scrape.
    Route("GET", "/metrics", "operations.metrics", ANY_ROLE, metrics.exposition, media_type="text/plain"),
    Route("GET", "/v1/me", "principals.me", ANY_ROLE, me, response=PrincipalView),
    *vagrant_aid.ROUTES,
    *funeral.ROUTES,
    *marriage.ROUTES,
    *child_welfare.ROUTES,
    *timeline.ROUTES,
])
