"""Every POST and PUT a test sends carries a fresh `Idempotency-Key`, unless the test says otherwise.

api.md (release 2) makes the key required on every POST and PUT of a command; most tests are about something
else and should not each invent keys. This module gives the suite's HTTP clients — `requests` (end-to-end
tests, `tests/support/stack.Api`) and werkzeug's test `Client` (the gateway's unit tests) — a fresh key per
request when the request names none. A test that sends its own key keeps it (replays stay replays); a test
that means to send no key at all passes the header with the value None (`NO_KEY`).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import requests
from werkzeug.datastructures import Headers
from werkzeug.test import Client

HEADER = "Idempotency-Key"
NO_KEY: dict[str, None] = {HEADER: None}  # headers=NO_KEY (or merged in): send the request without a key
_METHODS = frozenset({"POST", "PUT"})


def keyed(method: str | None, headers: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The headers with a fresh key added when a POST or PUT names none; a None value means "send none"."""
    if (method or "").upper() not in _METHODS:
        return dict(headers) if headers is not None else None
    result = dict(headers.items() if isinstance(headers, Headers) else (headers or {}).items())
    if not any(name.lower() == HEADER.lower() for name in result):
        result[HEADER] = uuid.uuid4().hex
    return result


def _requests_with_keys(request: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(request)
    def wrapped(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        kwargs["headers"] = keyed(method, kwargs.get("headers"))  # requests drops headers whose value is None
        return request(self, method, url, *args, **kwargs)

    return wrapped


def _client_with_keys(open_: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(open_)
    def wrapped(self: Client, *args: Any, **kwargs: Any) -> Any:
        if "method" in kwargs:
            headers = keyed(kwargs["method"], kwargs.get("headers"))
            if headers is not None:
                kwargs["headers"] = {name: value for name, value in headers.items() if value is not None}
        return open_(self, *args, **kwargs)

    return wrapped


def install() -> None:
    """Patch the two clients once per test process (tests/conftest.py)."""
    if getattr(requests.Session.request, "__wrapped__", None) is None:
        requests.Session.request = _requests_with_keys(requests.Session.request)
    if getattr(Client.open, "__wrapped__", None) is None:
        Client.open = _client_with_keys(Client.open)
