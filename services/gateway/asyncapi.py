"""`GET /asyncapi.json` (public, like /openapi.json): the AsyncAPI 3.0 document of every service's events,
generated once per process from the event models (services/asyncapi.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

from services.asyncapi import build_document
from services.gateway.routing import Call, Reply


@cache
def _document() -> dict[str, Any]:
    return build_document()


def document(call: Call) -> Reply:
    """The AsyncAPI 3.0 document: one channel per service exchange, one message per event type and version."""
    return Reply(_document())
