"""Every service's event catalogue (`services/<name>/contract/events.py`), found through `SERVICES`, so the
generated documents (docs/events.md, AsyncAPI) and cross-service tests cover a new service with no change here."""

from __future__ import annotations

import importlib
from functools import cache

from services import SERVICES
from shared.reference.events import EventCatalogue


@cache
def catalogues() -> tuple[EventCatalogue, ...]:
    found = []
    for service in SERVICES:
        if (service.directory / "contract" / "events.py").is_file():
            found.append(importlib.import_module(f"{service.package}.contract.events").CATALOGUE)
    return tuple(found)


def catalogue_of(event_type: str) -> EventCatalogue:
    """The catalogue of the service that publishes `event_type` (`<service>.<Type>`)."""
    service = event_type.split(".", 1)[0]
    for catalogue in catalogues():
        if catalogue.service == service:
            return catalogue
    raise KeyError(f"no event catalogue for {event_type}")
