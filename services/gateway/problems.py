"""Errors as `application/problem+json` (RFC 9457, api.md "Conventions").

Every refusal is a `Problem`: an HTTP status, a stable machine-readable `code` clients switch on, a human
`detail` and optional field `errors`. Whatever a client sent is never echoed back at length: texts that may
carry input are truncated, and the list of field errors is capped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

from werkzeug.datastructures import LanguageAccept
from werkzeug.wrappers import Request, Response

from shared.errors import Refusal

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:civreg:problem:"  # a URN: stable, and nobody mistakes it for a page to fetch

MAX_DETAIL = 500
MAX_MESSAGE = 200
MAX_LOC_PART = 64
MAX_ERRORS = 20


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class FieldError:
    """One offending field: `loc` is its path (`["body", "parties", 0, "id_number"]`)."""

    loc: tuple[str | int, ...]
    msg: str

    def to_dict(self) -> dict[str, Any]:
        loc = [part if isinstance(part, int) else truncate(str(part), MAX_LOC_PART) for part in self.loc]
        return {"loc": loc, "msg": truncate(self.msg, MAX_MESSAGE)}


class Problem(Exception):
    """A refusal with its HTTP status and stable code; raise it anywhere in the pipeline or a handler."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str = "",
        *,
        title: str | None = None,
        errors: Iterable[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.errors: Sequence[FieldError] = tuple(errors)
        self.headers = dict(headers or {})

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": TYPE_PREFIX + self.code,
            "title": self.title,
            "status": self.status,
            "detail": truncate(self.detail, MAX_DETAIL),
            "code": self.code,
            "errors": [error.to_dict() for error in self.errors[:MAX_ERRORS]],
        }

    def response(self) -> Response:
        body = json.dumps(self.to_dict(), ensure_ascii=False).encode()
        response = Response(body, status=self.status, mimetype=PROBLEM_MEDIA_TYPE)
        response.headers.update(self.headers)
        response.headers["Cache-Control"] = "no-store"
        return response


def refused(refusal: Refusal) -> Problem:
    """A domain refusal (raised in a service, carried over RPC) as the client sees it."""
    errors = [FieldError(tuple(e["loc"]), e["msg"]) for e in refusal.errors]
    return Problem(refusal.status, refusal.code, refusal.detail, errors=errors)


# -- Chinese problem text (api.md release 2: `Accept-Language: zh-CN`) ------------------------------------
# One catalogue for the server and the workbench (which imports it when it is built): code → title, detail and
# the rule it enforces. A test fails when a code the code base can raise has no entry.
CATALOGUE_FILE = Path(__file__).with_name("problems.zh-CN.json")
_LANGUAGES = ["en", "zh-CN"]  # English first: a client that states no preference keeps the English text


@cache
def catalogue() -> dict[str, dict[str, str]]:
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


def prefers_chinese(accept: LanguageAccept) -> bool:
    return accept.best_match(_LANGUAGES, default="en") == "zh-CN"


def localise(response: Response, request: Request) -> Response:
    """The problem's `title` and `detail` in Chinese when the client prefers it; `code` never changes. Every
    answer passes here: the status is looked at first, so that only a problem has its media type parsed and the
    request's `Accept-Language` read (issue 19: a registration's hot path)."""
    if (response.status_code < 400 or response.mimetype != PROBLEM_MEDIA_TYPE
            or not prefers_chinese(request.accept_languages)):
        return response
    body = json.loads(response.get_data())
    entry = catalogue().get(body.get("code", ""))
    if entry is None:
        return response
    body["title"], body["detail"] = entry["title"], entry["detail"]
    response.set_data(json.dumps(body, ensure_ascii=False).encode())
    response.headers["Content-Language"] = "zh-CN"
    response.vary.add("Accept-Language")
    return response


def internal_error() -> Problem:
    """What a client sees of an unexpected failure: nothing of its internals; the log has the rest."""
    return Problem(500, "internal_error", "the request failed unexpectedly; quote the correlation id")


# The JSON Schema of the error body, for the OpenAPI document.
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code", "errors"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "stable machine-readable reason"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "msg"],
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                },
            },
        },
    },
}


# -- faults: a dependency that is down is 503 with Retry-After, never a 500 (docs/operations.md, "Faults") ----
RETRY_AFTER_SECONDS = "2"


def unavailable(exc: BaseException) -> Problem | None:
    """503 `service_unavailable` (with `Retry-After`) when `exc` says a database or the broker is down, out of
    connections or timed out — the client may simply retry; 422 `value_too_large` when the request's own data
    ran into a database limit (bad input never gets a 500, and a retry would fail the same way); None for
    anything else (a bug: 500)."""
    from shared.faults import is_caused_by_the_work, is_slow_statement, is_transient  # importable without a driver

    if is_caused_by_the_work(exc):
        return Problem(422, "value_too_large", "a value of the request is too large to be stored")

    # A statement timeout is an overloaded service to a client, who may retry (not so to a subscription).
    transient = is_transient(exc) or is_slow_statement(exc)
    if not transient:
        return None
    return Problem(503, "service_unavailable", "a database or the message broker is not reachable; try again",
                   headers={"Retry-After": RETRY_AFTER_SECONDS})
