"""The services whose events the timeline projects: every event-sourced service in `services.SERVICES` but
the timeline itself, so that a new service reaches timelines with no change here."""

from __future__ import annotations

from services import SERVICES

SOURCES: tuple[str, ...] = tuple(s.name for s in SERVICES if s.event_store and s.name != "timeline")
