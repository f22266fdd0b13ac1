"""The route table's vocabulary: `Route`, what a handler receives (`Call`) and returns (`Reply`).

A route is one line: method, path (werkzeug rule syntax, `<person_id>`), the action name written to the
access log, the roles that may call it, the handler, and optionally the pydantic body model, the query
model, the response model (for the OpenAPI document), the success status and the path parameter naming the
person concerned.
Matching is werkzeug's; the table refuses duplicates and unknown role names when it is built, so a typo
fails at import, not in production.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect, Rule

from services.gateway.auth import ROLES, Principal
from services.gateway.problems import Problem
from shared.actor import Actor
from shared.reference import disclosure
from shared.reference.idnumber import canonical_subject
from shared.reference.refusals import NOT_FOUND


class _Public:
    """Marks a route callable without a token (api.md: `/health`, certificate verification)."""

    def __repr__(self) -> str:
        return "PUBLIC"


PUBLIC = _Public()
ANY_ROLE: frozenset[str] = ROLES


@dataclass(frozen=True)
class Call:
    """One authorised request as a handler sees it."""

    principal: Principal | None  # None only on PUBLIC routes
    params: Mapping[str, Any]  # path parameters
    query: Mapping[str, str]
    body: BaseModel | None
    purpose: str | None  # X-Purpose
    correlation_id: str
    idempotency_key: str | None
    ports: Any  # services.gateway.app.Ports: RPC, health probe, metrics, the route table
    if_match: int | None = None  # `If-Match: <version>`: the resource version the client last saw
    request: Any = None  # the werkzeug request, for public routes that read forms, cookies or the address
    # The canonical subjects the services' answers reported (shared/reference/disclosure.py), for the access
    # log; filled by the calls this request makes.
    disclosed: list[str] = field(default_factory=list, compare=False)

    def actor(self) -> dict[str, Any]:
        """The acting principal as services receive it over RPC (`shared.actor.Actor.from_rpc`)."""
        assert self.principal is not None, "public routes have no actor"
        return Actor(self.principal.name, self.principal.role, self.principal.office,
                     bureau=self.principal.bureau).to_rpc()

    def rpc(self, service: str) -> Any:
        """`call.rpc("marriage").register_marriage(...)`: RPC carrying this request's correlation id and
        the signed proof of its principal and purpose (services/gateway/rpc.py)."""
        return _Disclosing(self.ports.rpc(service, self.principal, self.purpose), self.disclosed)


class _Disclosing:
    """A service's RPC proxy whose answers hand the subjects they report to the call (and lose the key)."""

    def __init__(self, service: Any, disclosed: list[str]) -> None:
        self._service = service
        self._disclosed = disclosed

    def __getattr__(self, method: str) -> Callable[..., Any]:
        remote = getattr(self._service, method)

        def call(*args: Any, **kwargs: Any) -> Any:
            answer, subjects = disclosure.taken(remote(*args, **kwargs))
            self._disclosed.extend(canonical_subject(s) for s in subjects)
            return answer

        return call


@dataclass(frozen=True)
class JsonText:
    """A body that is JSON already, as text (a service built it, e.g. the timeline's answer): `render` sends
    it as it is instead of parsing and serialising it again. Whoever makes one vouches that it is valid JSON;
    everything else about the response (status, headers, access log, metrics) is as for any body."""

    text: str

    @cached_property
    def data(self) -> bytes:
        """The UTF-8 that is sent, encoded once per `JsonText`: a document the gateway holds goes out again as
        these very bytes (held.py; ~80 µs of the gateway's CPU for a 100 kB timeline)."""
        return self.text.encode()


@dataclass(frozen=True)
class Reply:
    """What a handler returns: a JSON-able body (dicts, lists, pydantic models), a `JsonText` already
    serialised, or bytes of `content_type`."""

    body: Any
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    # For the access log: persons the call concerned that the body does not show (a public certificate
    # check, a printed copy), and what it covered. A public route's call is logged only when it names some.
    subjects: tuple[str, ...] = ()
    detail: str | None = None


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    action: str
    roles: frozenset[str] | _Public
    handler: Handler
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None  # the query string's parameters (the service's contract), for OpenAPI
    response: type[BaseModel] | None = None
    status: int = 200
    subject: str | None = None  # the path parameter that is a person's id, recorded in the access log
    summary: str | None = None  # for the OpenAPI document; default: the handler's docstring
    media_type: str = "application/json"  # of the success response, for the OpenAPI document
    alternatives: tuple[str, ...] = ()  # other media types of the success response, chosen by `Accept` (OpenAPI)
    # A PUBLIC route whose every call is recorded, found or not (K-9: each certificate check, so that guessing
    # shows in the access log with its client address); other public calls are recorded when they name persons.
    audited: bool = False
    # The persons a valid body and the answer name are the call's subjects (besides what the service reports).
    # False only for the historical import: batches of up to 1000 records, whose scan would cost the import a
    # third of its speed, and whose answer names registrations, not persons.
    finds_subjects: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        if not isinstance(self.roles, _Public):
            roles = frozenset(self.roles)
            if not roles or not roles <= ROLES:
                raise ValueError(f"{self.action}: unknown or no roles {sorted(roles - ROLES)}")
            object.__setattr__(self, "roles", roles)
        if self.audited and not self.public:
            raise ValueError(f"{self.action}: only a public route is marked audited (every other call is)")
        if self.subject is not None and not re.search(rf"[<:]{re.escape(self.subject)}>", self.path):
            raise ValueError(f"{self.action}: subject {self.subject!r} is not a parameter of {self.path}")

    @property
    def public(self) -> bool:
        return isinstance(self.roles, _Public)

    def allows(self, principal: Principal) -> bool:
        return self.public or principal.role in self.roles  # type: ignore[operator]


class RouteTable:
    """The gateway's routes, matched by werkzeug."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes: tuple[Route, ...] = tuple(routes)
        seen: set[tuple[str, str]] = set()
        actions: set[str] = set()
        for route in self.routes:
            if (route.method, route.path) in seen or route.action in actions:
                raise ValueError(f"duplicate route {route.method} {route.path} ({route.action})")
            seen.add((route.method, route.path))
            actions.add(route.action)
        # No slash merging or redirects: an API client gets the resource or a 404, never an HTML redirect.
        self._map = Map(
            [Rule(r.path, methods=[r.method], endpoint=r) for r in self.routes],
            merge_slashes=False,
            redirect_defaults=False,
        )
        self._adapter = self._map.bind("gateway")
        # A path without parameters names its route by itself: looked up, not matched (werkzeug's matcher over
        # the whole table cost about 10 µs a request, on the hot path's POST /v1/marriage/registrations).
        # Only exact (method, path) pairs; anything else (HEAD, a slash more, a parameter) goes to werkzeug.
        self._static = {(r.method, r.path): r for r in self.routes if "<" not in r.path}

    def with_routes(self, *routes: Route) -> RouteTable:
        """A new table with more routes (a test app's extra routes)."""
        return RouteTable((*self.routes, *routes))

    def match(self, method: str, path: str) -> tuple[Route, dict[str, Any]]:
        if (route := self._static.get((method, path))) is not None:
            return route, {}
        try:
            return self._adapter.match(path, method)
        except MethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.valid_methods or ()))
            raise Problem(405, "method_not_allowed", f"{method} is not allowed here; allowed: {allowed}",
                          headers={"Allow": allowed}) from None
        except (NotFound, RequestRedirect):
            raise Problem(404, NOT_FOUND, "no such resource") from None

    def __iter__(self):  # noqa: ANN204
        return iter(self.routes)
