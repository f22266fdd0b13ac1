"""In-memory stand-ins for the gateway's ports, so the pipeline is tested without I/O."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from werkzeug.test import Client
from werkzeug.wrappers import Request

from services.gateway.access_log import AccessRecord
from services.gateway.app import GatewayApp
from services.gateway.auth import Principals
from services.gateway.health import HealthReport, assemble
from services.gateway.idempotency import Claim, StoredResponse, reused
from services.gateway.routes import ROUTES, me
from services.gateway.routing import ANY_ROLE, Call, Reply, Route

# Every principal the route tests act as, by the short name a test calls them: (token, principals.yaml entry).
ACTORS: dict[str, tuple[str, dict[str, Any]]] = {
    "clerk": ("test-clerk-610502-0123456789abcdef0123",
              {"name": "clerk.MR-610502", "role": "marriage_clerk", "office": "MR-610502"}),
    "registrar": ("test-registrar-0123456789abcdef012345", {"name": "registrar.city", "role": "marriage_registrar"}),
    "bureau": ("test-bureau-police-0123456789abcdef0123",
               {"name": "bureau.public_security", "role": "bureau", "bureau": "public_security",
                "scopes": ["status", "case"]}),
    "oversight": ("test-oversight-0123456789abcdef0123456", {"name": "oversight.city", "role": "oversight"}),
    "courts": ("test-bureau-courts-0123456789abcdef012",
               {"name": "bureau.courts", "role": "bureau", "bureau": "courts", "scopes": ["status"]}),
    "education": ("test-bureau-education-0123456789abcdef",
                  {"name": "bureau.education", "role": "bureau", "bureau": "education",
                   "scopes": ["protected:facts"]}),
    "admin": ("test-admin-city-0123456789abcdef012345", {"name": "admin.city", "role": "admin"}),
    "funeral": ("test-funeral-610502-0123456789abcdef",
                {"name": "funeral.FH-610502", "role": "funeral_staff", "office": "FH-610502"}),
    "cemetery": ("test-cemetery-610502-1-0123456789abcd",
                 {"name": "cemetery.CEM-610502-1", "role": "funeral_staff", "office": "CEM-610502-1"}),
    "officer": ("test-child-welfare-0123456789abcdef01",
                {"name": "child-welfare.city", "role": "child_welfare_officer"}),
    "city": ("test-relief-610500-0123456789abcdef01",
             {"name": "relief.RS-610500", "role": "relief_staff", "office": "RS-610500"}),
    "county": ("test-relief-610528-0123456789abcdef01",
               {"name": "relief.RS-610528", "role": "relief_staff", "office": "RS-610528"}),
}
TOKENS = {who: token for who, (token, _) in ACTORS.items()}


def principals(*who: str) -> Principals:
    """The principals a test module lets in, by short name (the others' tokens are unknown to it)."""
    return Principals.from_entries([{"token": ACTORS[name][0], **ACTORS[name][1]} for name in who])


PRINCIPALS = principals("clerk", "registrar", "bureau", "oversight")


def bearer(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[who]}"}


def call(client: Client, method: str, path: str, who: str | None = None, body: Any = None, **headers: str) -> Any:
    """One request as `who` (no Authorization without one), the body as JSON unless given as raw bytes."""
    headers = {**(bearer(who) if who else {}), **headers}
    if body is None:
        return client.open(path, method=method, headers=headers)
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.open(path, method=method, data=data, content_type="application/json", headers=headers)


def code_of(response: Any) -> str:
    return response.get_json(force=True)["code"]


class RecordingAccessLog:
    def __init__(self, fail: bool = False) -> None:
        self.entries: list[AccessRecord] = []
        self.fail = fail

    def record(self, entry: AccessRecord) -> None:
        if self.fail:
            raise ConnectionError("database down")
        self.entries.append(entry)


class InMemoryIdempotency:
    """Same contract as the PostgreSQL store, without its concurrency guarantee."""

    def __init__(self) -> None:
        self.outcomes: dict[tuple[str, str], tuple[str, StoredResponse]] = {}

    @contextmanager
    def claim(self, principal: str, key: str, fingerprint: str) -> Iterator[Claim]:
        if (principal, key) in self.outcomes:
            known, outcome = self.outcomes[(principal, key)]
            if known != fingerprint:
                raise reused()
            yield Claim(outcome)
            return
        claim = Claim()
        yield claim
        if claim.recorded is not None:
            self.outcomes[(principal, key)] = (fingerprint, claim.recorded)


class FixedHealth:
    def __init__(self, database: bool = True, broker: bool = True) -> None:
        self.report = assemble(database, broker, {"marriage": 0, "funeral": 3})

    def check(self) -> HealthReport:
        return self.report

    def ready(self) -> HealthReport:
        return self.report


class Note(BaseModel):
    """A test-only body: a note about a person."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: str = Field(pattern=r"^[0-9]{17}[0-9X]$")
    text: str = Field(max_length=100)


class Notebook:
    """Test-only handlers: what they executed is what a domain service would have written."""

    def __init__(self) -> None:
        self.written: list[Note] = []

    def append(self, call: Call) -> Reply:
        """Append a note (test route)."""
        assert isinstance(call.body, Note)
        self.written.append(call.body)
        number = len(self.written)
        return Reply({"number": number}, status=201, headers={"Location": f"/notes/{number}"})

    def read(self, call: Call) -> Reply:
        """Read a person's notes (test route)."""
        return Reply({"person": call.params["person_id"], "notes": len(self.written)})

    def explode(self, call: Call) -> Reply:
        """Fail unexpectedly (test route)."""
        raise RuntimeError("password=hunter2 at db.internal:5432")


def make_app(*, access_log: RecordingAccessLog | None = None, health: FixedHealth | None = None,
             notebook: Notebook | None = None, max_body_bytes: int = 1024) -> GatewayApp:
    notebook = notebook or Notebook()
    routes = ROUTES.with_routes(
        Route("POST", "/v1/test/notes", "test.append_note", {"marriage_clerk", "bureau"}, notebook.append,
              body=Note, status=201),
        Route("GET", "/v1/test/persons/<person_id>/notes", "test.read_notes", ANY_ROLE, notebook.read,
              subject="person_id"),
        Route("GET", "/v1/test/explosion", "test.explode", ANY_ROLE, notebook.explode),
        Route("GET", "/v1/test/registrar-only", "test.registrar_only", {"marriage_registrar"}, me),
    )
    return GatewayApp(
        routes, PRINCIPALS,
        idempotency=InMemoryIdempotency(),
        access_log=access_log if access_log is not None else RecordingAccessLog(),
        health=health or FixedHealth(),
        max_body_bytes=max_body_bytes,
    )


class RecordingService:
    """Stands in for a domain service behind `call.rpc(name)`: records each call and answers with
    `answer(method, args)`, so a route test sees what reached the service — and what never did."""

    def __init__(self, name: str, answer: Callable[[str, tuple[Any, ...]], Any]) -> None:
        self.name = name
        self.answer = answer
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __call__(self, service: str, principal: Any = None, purpose: str | None = None) -> RecordingService:
        assert service == self.name, f"the route called {service}, not {self.name}"
        return self

    def __getattr__(self, method: str) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            self.calls.append((method, args))
            return self.answer(method, args)

        return call


def route_client(principals: Principals, service: RecordingService,
                 access_log: RecordingAccessLog | None = None) -> Client:
    """A WSGI test client of the production route table, its RPC answered by `service`, its access log
    recorded in `access_log` when the test reads it."""
    app = GatewayApp(ROUTES, principals, idempotency=InMemoryIdempotency(),
                     access_log=access_log if access_log is not None else RecordingAccessLog(), health=FixedHealth())

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return app.handle(Request(environ), correlation_id="unit", rpc=service)(environ, start_response)

    return Client(wsgi)
