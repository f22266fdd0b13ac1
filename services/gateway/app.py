"""The gateway's request pipeline, free of nameko: a werkzeug `Request` in, a werkzeug `Response` out.

Order, each step refusing with a problem+json before the next runs:
body size by Content-Length (413) → route (404, 405) → bearer token (401) → role (403) → stated purpose for
bureau principals (400) → Idempotency-Key, required on every POST and PUT (400) → body: media type (415),
size while reading (413), UTF-8 JSON (400), the route's model (422) → the handler, once per idempotency key.
Every call that got past authentication is written to the access log, refusals included; when that write
fails the response is withheld (503), so that no personal data leaves without its audit record. Unexpected
exceptions become a 500 `internal_error` that tells the client nothing but the correlation id.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import urllib.parse
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python
from werkzeug.wrappers import Request, Response

from services.gateway.access_log import (
    AccessLog,
    AccessRecord,
    case_ref_of,
    disclosed_subjects,
    feed_detail,
    purpose_codes,
)
from services.gateway.auth import Authenticates, Principal
from services.gateway.body import (
    DEFAULT_MAX_BODY_BYTES,
    canonical_json,
    check_declared_length,
    check_media_type,
    parse_json,
    read_body,
    validate,
)
from services.gateway.health import HealthProbe
from services.gateway.held import HeldDocuments
from services.gateway.idempotency import (
    COMMAND_METHODS,
    IDEMPOTENCY_HEADER,
    REPLAY_HEADER,
    IdempotencyStore,
    StoredResponse,
    request_fingerprint,
    required_key,
)
from services.gateway.metrics import HttpMetrics
from services.gateway.openapi import build_document
from services.gateway.problems import Problem, internal_error, localise, refused, unavailable
from services.gateway.routing import Call, JsonText, Reply, Route, RouteTable
from services.gateway.static import Workbench
from shared.errors import Refusal
from shared.eventstore.base import ConcurrencyConflict
from shared.logging import enabled, get_logger, log_context
from shared.masking import may_hold_id_number
from shared.reference.idnumber import canonical_subject
from shared.reference.refusals import CONCURRENCY_CONFLICT, FORBIDDEN

log = get_logger(__name__)

CORRELATION_HEADER = "X-Correlation-Id"
PURPOSE_HEADER = "X-Purpose"
PURPOSE_CODE_HEADER = "X-Purpose-Code"
CASE_REF_HEADER = "X-Case-Ref"
MAX_PURPOSE = 500
_CORRELATION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
# Headers that belong to one response, not to the outcome an idempotency key replays.
_UNREPLAYED = frozenset({"content-type", "content-length", "cache-control", CORRELATION_HEADER.lower()})


def correlation_id_of(headers: Mapping[str, str]) -> str:
    """The caller's correlation id if it is a sane token (it goes into logs and headers), else a new one. A
    token with fifteen digits in a row may carry an ID number, which the logs' masking would not find when a
    letter touches it (shared/masking.py): a new one is made instead."""
    value = headers.get(CORRELATION_HEADER) or ""
    return value if _CORRELATION_ID.fullmatch(value) and not may_hold_id_number(value) else uuid.uuid4().hex


@dataclass(frozen=True)
class Ports:
    """What handlers reach through `call.ports`."""

    health: HealthProbe
    metrics: HttpMetrics
    openapi: dict[str, Any]
    routes: RouteTable
    access_log: AccessLog | None = None  # for oversight's reading of a person's access history
    rpc: Callable[..., Any] | None = None
    identity: Any = None  # services.gateway.identity.core.Identity: sign-in, tokens, accounts
    held: HeldDocuments | None = None  # documents a service need not send again (held.py)


@dataclass
class _Exchange:
    """What the pipeline has learnt about one request so far (for the access log, metrics and the log)."""

    request: Request
    correlation_id: str
    route: Route | None = None
    principal: Principal | None = None
    subject: str | None = None
    purpose: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    purpose_code: str | None = None
    case_ref: str | None = None
    disclosed: tuple[str, ...] = ()  # the persons the answer named (bulk reads, linked ids)
    detail: str | None = None  # what a bulk read covered
    audited: bool = False  # the access-log row was committed with the idempotency outcome


class GatewayApp:
    def __init__(
        self,
        routes: RouteTable,
        principals: Authenticates,
        *,
        idempotency: IdempotencyStore,
        access_log: AccessLog,
        health: HealthProbe,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        identity: Any = None,
        workbench: Workbench | None = None,
    ) -> None:
        self.routes = routes
        self.workbench = workbench
        self.principals = principals
        self.idempotency = idempotency
        self.access_log = access_log
        self.max_body_bytes = max_body_bytes
        self.metrics = HttpMetrics()
        self.ports = Ports(health, self.metrics, build_document(routes), routes, access_log, identity=identity,
                           held=HeldDocuments())

    # -- entry points -----------------------------------------------------------------------------------
    def handle(
        self, request: Request, *, correlation_id: str, rpc: Callable[..., Any] | None = None
    ) -> Response:
        started = time.perf_counter()
        exchange = _Exchange(request, correlation_id)
        with log_context(correlation_id=correlation_id):
            response = self._answer(exchange, replace(self.ports, rpc=rpc))
            response = self._audit(exchange, response)
            response = localise(response, request)
            response.headers[CORRELATION_HEADER] = correlation_id
            elapsed = time.perf_counter() - started
            route = exchange.route.path if exchange.route else None
            self.metrics.observe(request.method, route, response.status_code, elapsed)
            # The route template, never the path: paths carry person ids. A successful request is a DEBUG
            # line: at INFO it cost a tenth of the gateway's CPU per request, and it says nothing the access
            # log (who, what, outcome, correlation id) and /metrics (counts, latency) do not already keep.
            # Refusals and failures stay at INFO, where an operator looks.
            status = response.status_code
            if status >= 400 or enabled(__name__):  # the level asked first: a dropped line costs 10 µs
                (log.info if status >= 400 else log.debug)(
                    "http request", method=request.method, route=route, status=status, duration_ms=round(
                        elapsed * 1000, 1), principal=exchange.principal.name if exchange.principal else None)
        return response

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """The app as a plain WSGI application (tests, tools)."""
        request = Request(environ)
        response = self.handle(request, correlation_id=correlation_id_of(request.headers))
        return response(environ, start_response)

    # -- the pipeline -----------------------------------------------------------------------------------
    def _answer(self, exchange: _Exchange, ports: Ports) -> Response:
        try:
            if self.workbench is not None and (page := self.workbench.serve(exchange.request)) is not None:
                return page
            return self._pipeline(exchange, ports)
        except Problem as problem:
            return problem.response()
        except Exception as exc:  # noqa: BLE001 - the client gets a clean 500; the log gets the traceback
            if (down := unavailable(exc)) is not None:
                log.warning("request failed: a dependency is down", error=type(exc).__name__)
                return down.response()
            log.exception("request failed")
            return internal_error().response()

    def _pipeline(self, exchange: _Exchange, ports: Ports) -> Response:
        request = exchange.request
        check_declared_length(request, self.max_body_bytes)
        route, exchange.params = self.routes.match(request.method, request.path)
        exchange.route = route
        if route.subject is not None:
            # Any spelling that names the person reaches, and is audited under, the canonical subject.
            subject = canonical_subject(str(exchange.params[route.subject]))
            exchange.params[route.subject] = exchange.subject = subject
        if route.public:
            return self._execute(route, self._call(exchange, ports, None, None), exchange)
        principal = self.principals.authenticate(request.headers.get("Authorization"))
        if principal is None:
            raise unauthenticated(presented=bool(request.headers.get("Authorization")))
        exchange.principal = principal
        with log_context(principal=principal.name):
            return self._authorised(exchange, ports, route, principal)

    def _authorised(self, exchange: _Exchange, ports: Ports, route: Route, principal: Principal) -> Response:
        request = exchange.request
        if not route.allows(principal):
            raise Problem(403, FORBIDDEN, f"role {principal.role} may not {route.action}")
        exchange.purpose = purpose_of(request.headers.get(PURPOSE_HEADER), principal)
        exchange.purpose_code = purpose_code_of(request.headers.get(PURPOSE_CODE_HEADER))
        try:
            exchange.case_ref = case_ref_of(request.headers.get(CASE_REF_HEADER))
        except ValueError as exc:
            raise Problem(400, "invalid_case_ref", str(exc)) from None
        key = required_key(request.headers.get(IDEMPOTENCY_HEADER)) if request.method in COMMAND_METHODS else None
        body, canonical = self._body(route, request, exchange)
        call = self._call(exchange, ports, body, key)
        if key is None:
            return self._execute(route, call, exchange)
        fingerprint = request_fingerprint(request.method, request.path, canonical)
        return self._execute_once(exchange, route, call, fingerprint)

    def _execute_once(self, exchange: _Exchange, route: Route, call: Call, fingerprint: str) -> Response:
        """Execute under an Idempotency-Key: at most once per principal and key. The outcome takes the
        access-log row along into its transaction (one commit for both; idempotency.py)."""
        assert call.principal is not None and call.idempotency_key is not None
        with self.idempotency.claim(call.principal.name, call.idempotency_key, fingerprint) as claim:
            if claim.replay is not None:
                return replayed(claim.replay)
            response = self._execute(route, call, exchange)
            if response.status_code < 500:  # a failure is not an outcome: the client may retry
                claim.record(stored(response), audit=self._access_record(exchange, response.status_code))
        exchange.audited = claim.audited  # only now: the claim's transaction has committed
        return response

    def _body(self, route: Route, request: Request, exchange: _Exchange) -> tuple[BaseModel | None, str]:
        if route.body is None:
            return None, ""
        check_media_type(request)
        text, value = parse_json(read_body(request, self.max_body_bytes))
        body = validate(route.body, text)
        # The persons a valid command names are its subjects: what it answers, a refusal too ("a file exists",
        # "married already"), is about them, and it changes their records (the person's history, T-3).
        if route.finds_subjects:
            exchange.disclosed = tuple(dict.fromkeys(canonical_subject(s) for s in disclosed_subjects(value)))
        return body, canonical_json(value)

    def _call(self, exchange: _Exchange, ports: Ports, body: BaseModel | None, key: str | None) -> Call:
        return Call(
            principal=exchange.principal,
            params=exchange.params,
            query=exchange.request.args,
            body=body,
            purpose=exchange.purpose,
            correlation_id=exchange.correlation_id,
            idempotency_key=key,
            ports=ports,
            if_match=if_match_version(exchange.request.headers.get("If-Match")),
            request=exchange.request,
        )

    def _execute(self, route: Route, call: Call, exchange: _Exchange | None = None) -> Response:
        try:
            reply = route.handler(call)
            if exchange is not None:
                note_disclosure(exchange, route, reply, call.disclosed)
            return render(reply)
        except Problem as problem:
            return problem.response()
        except Refusal as refusal:
            return refused(refusal).response()
        except ConcurrencyConflict as conflict:
            return Problem(409, CONCURRENCY_CONFLICT, str(conflict)).response()
        except Exception as exc:  # noqa: BLE001
            if (down := unavailable(exc)) is not None:  # a database or the broker is down: the client retries
                log.warning("handler failed: a dependency is down", action=route.action, error=type(exc).__name__)
                return down.response()
            log.exception("handler failed", action=route.action)
            return internal_error().response()

    @staticmethod
    def _access_record(exchange: _Exchange, outcome: int) -> AccessRecord | None:
        principal, route, detail = exchange.principal, exchange.route, exchange.detail
        if route is not None and principal is None and route.public and (
                exchange.disclosed or (route.audited and outcome != 429)):
            # A public call that concerned persons (K-9: a certificate check) goes into their history too; an
            # audited route's every check is recorded, a miss with the path it tried (never the query: the
            # code). A check refused by the rate limit is not a check, and no write an attacker can multiply.
            principal = Principal("public", "public")
            detail = detail or exchange.request.path[:500]
        if principal is None or route is None:
            return None
        return AccessRecord(principal.name, principal.role, route.action, exchange.subject, exchange.purpose,
                            outcome, exchange.correlation_id, subjects=exchange.disclosed,
                            client_ip=exchange.request.remote_addr, purpose_code=exchange.purpose_code,
                            case_ref=exchange.case_ref, detail=detail)

    def _audit(self, exchange: _Exchange, response: Response) -> Response:
        entry = self._access_record(exchange, response.status_code)
        if entry is None or exchange.audited:
            return response
        try:
            self.access_log.record(entry)
        except Exception:  # noqa: BLE001
            log.exception("access log write failed; response withheld", action=entry.action)
            return Problem(503, "audit_unavailable", "the call could not be recorded; try again").response()
        return response


# -- helpers ------------------------------------------------------------------------------------------------
_IF_MATCH = re.compile(r'^\s*(?:W/)?"?([0-9]{1,9})"?\s*$')


def if_match_version(value: str | None) -> int | None:
    """api.md: a POST on an existing resource may send `If-Match: <version>` (bare or as an ETag)."""
    if value is None:
        return None
    match = _IF_MATCH.match(value)
    if not match:
        raise Problem(400, "invalid_if_match", "If-Match must be the resource's version, e.g. If-Match: 3")
    return int(match.group(1))


def unauthenticated(*, presented: bool) -> Problem:
    challenge = 'Bearer realm="civreg"' + (', error="invalid_token"' if presented else "")
    return Problem(401, "unauthenticated", "a valid bearer token is required",
                   headers={"WWW-Authenticate": challenge})


def purpose_of(header: str | None, principal: Principal) -> str | None:
    """The stated purpose (X-Purpose); bureau principals must state one (api.md)."""
    purpose = _header_text(header).strip() if header else ""
    if len(purpose) > MAX_PURPOSE:
        raise Problem(400, "invalid_purpose", f"{PURPOSE_HEADER} is longer than {MAX_PURPOSE} characters")
    if not purpose and principal.role == "bureau":
        raise Problem(400, "purpose_required", f"bureau principals state their purpose in {PURPOSE_HEADER}")
    return purpose or None


def purpose_code_of(header: str | None) -> str | None:
    """X-Purpose-Code: a code of the vocabulary in access.yaml (`purposes`), or none."""
    code = (header or "").strip()
    if not code:
        return None
    if code not in purpose_codes():
        raise Problem(400, "invalid_purpose_code", f"{PURPOSE_CODE_HEADER} is not a purpose code of the vocabulary")
    return code


_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _header_text(value: str) -> str:
    """The header's text. Browsers and most clients cannot send raw UTF-8 headers, so a purpose may come
    percent-encoded (api.md release 2: `%E6%A1%88…`); a raw UTF-8 header arrives from WSGI as latin-1."""
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("latin-1").decode("utf-8")
    if _PERCENT_ESCAPE.search(value):
        try:
            return urllib.parse.unquote(value, errors="strict")
        except UnicodeDecodeError:
            raise Problem(400, "invalid_purpose", f"{PURPOSE_HEADER} is not percent-encoded UTF-8") from None
    return value


def note_disclosure(exchange: _Exchange, route: Route, reply: Reply, reported: Sequence[str]) -> None:
    """The persons a call disclosed, for its access-log row: those its services reported, those the answer
    shows (a read's, or a command's: a registration's certificates name their holders) and those the handler
    names (a printed copy's). For a read that names no one in its path (payroll, lists, the feed), also what
    it covered, so that each person's history shows the bulk read as "included in"."""
    body = reply.body.text if isinstance(reply.body, JsonText) else reply.body
    shown: tuple[str, ...] = ()
    if not route.public and route.finds_subjects:  # as oversight looks them up: canonical
        shown = tuple(canonical_subject(s) for s in disclosed_subjects(body))
    named = (*shown, *reply.subjects, *reported)
    exchange.disclosed = tuple(dict.fromkeys((*exchange.disclosed, *named)))  # beside a command's own persons
    if reply.detail:
        exchange.detail = reply.detail
    elif exchange.subject is None and named and route.method == "GET":
        exchange.detail = feed_detail(body) or exchange.request.query_string.decode("latin-1")[:500] or None


def render(reply: Reply) -> Response:
    if isinstance(reply.body, JsonText):
        data: bytes | str = reply.body.data
    elif reply.content_type.endswith("json"):
        data = json_bytes(reply.body)
    else:
        data = reply.body
    response = Response(data, status=reply.status, content_type=reply.content_type)
    response.headers.update(reply.headers)
    response.headers["Cache-Control"] = "no-store"  # answers carry personal data: no cache keeps them
    return response


def json_bytes(body: Any) -> bytes:
    """A JSON-able body (dicts, lists, pydantic models, dates, …) as UTF-8 JSON. pydantic converts only what JSON
    cannot encode itself (a service's answer is plain JSON already: converting it all first cost a registration's
    answer 13.2 instead of 9.3 µs); a mapping keyed by such values is converted whole, as before."""
    try:
        return json.dumps(body, default=to_jsonable_python, ensure_ascii=False).encode()
    except TypeError:  # a key that is not a str, int, float, bool or None: only pydantic converts keys
        return json.dumps(to_jsonable_python(body), ensure_ascii=False).encode()


def stored(response: Response) -> StoredResponse:
    headers = {k: v for k, v in response.headers.items() if k.lower() not in _UNREPLAYED}
    return StoredResponse(response.status_code, response.content_type or "", response.get_data(), headers)


def replayed(outcome: StoredResponse) -> Response:
    response = Response(outcome.body, status=outcome.status, content_type=outcome.content_type)
    response.headers.update(outcome.headers)
    response.headers[REPLAY_HEADER] = "true"
    response.headers["Cache-Control"] = "no-store"
    return response
