"""The gateway's routes: one line each, read top to bottom like api.md.

To add a domain route: write a handler `def register_marriage(call: Call) -> Reply` that calls the service
(`call.rpc("marriage").register_marriage(...)`) and add its line to `ROUTES`, e.g.
`Route("POST", "/v1/marriage/registrations", "marriage.register", {"marriage_clerk"}, register_marriage,
body=RegisterMarriage, status=201)`. Authentication, roles, purpose, body validation, idempotency, the access
log, metrics and the OpenAPI document follow from the line.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from services.gateway import asyncapi, health, metrics, openapi
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
    Route("GET", "/asyncapi.json", "operations.asyncapi", PUBLIC, asyncapi.document),
    # Metrics hold no personal data but api.md exempts only /health from tokens: any principal may scrape.
    Route("GET", "/metrics", "operations.metrics", ANY_ROLE, metrics.exposition, media_type="text/plain"),
    Route("GET", "/v1/me", "principals.me", ANY_ROLE, me, response=PrincipalView),
    *vagrant_aid.ROUTES,
    *funeral.ROUTES,
    *marriage.ROUTES,
    *child_welfare.ROUTES,
    *timeline.ROUTES,
])
