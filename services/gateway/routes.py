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

from services.gateway import asyncapi, health, metrics, openapi
from services.gateway.api import adoption, child_welfare, funeral, indicators, marriage, timeline, vagrant_aid
from services.gateway.api import certificates as certificate_documents
from services.gateway.identity import routes as identity_routes
from services.gateway.routing import ANY_ROLE, PUBLIC, Call, Reply, Route, RouteTable


class PrincipalView(BaseModel):
    """The caller as the gateway knows it, however it signed in; never its token."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    username: str  # the stable identifier (access log, idempotency keys)
    name: str  # a person's own name where known, else the identifier
    role: str
    office: str | None
    county: str | None
    township: str | None
    bureau: str | None
    scopes: list[str]
    via: str  # static (development token), password, client, oidc


def me(call: Call) -> Reply:
    """The authenticated principal: who, role, place or division, bureau and scopes, and how it signed in."""
    p = call.principal
    assert p is not None  # not a PUBLIC route
    return Reply(PrincipalView(username=p.name, name=p.display_name or p.name, role=p.role, office=p.office,
                               county=p.county, township=p.township, bureau=p.bureau, scopes=list(p.scopes),
                               via=p.via))


ROUTES = RouteTable([
    # method, path, action (access log), roles, handler, …
    Route("GET", "/health", "operations.health", PUBLIC, health.report, response=health.HealthReport),
    Route("GET", "/health/live", "operations.health_live", PUBLIC, health.live, response=health.LiveReport),
    Route("GET", "/health/ready", "operations.health_ready", PUBLIC, health.ready, response=health.HealthReport),
    Route("GET", "/openapi.json", "operations.openapi", PUBLIC, openapi.document),
    Route("GET", "/asyncapi.json", "operations.asyncapi", PUBLIC, asyncapi.document),
    # Metrics hold no personal data but api.md exempts only /health from tokens: any principal may scrape.
    Route("GET", "/metrics", "operations.metrics", ANY_ROLE, metrics.exposition, media_type="text/plain"),
    Route("GET", "/v1/me", "principals.me", ANY_ROLE, me, response=PrincipalView),
    *identity_routes.ROUTES,
    *vagrant_aid.ROUTES,
    *funeral.ROUTES,
    *marriage.ROUTES,
    *child_welfare.ROUTES,
    *timeline.ROUTES,
    *indicators.ROUTES,
    *adoption.ROUTES,
    *certificate_documents.ROUTES,
])
