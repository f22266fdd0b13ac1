"""D-2: civreg seeing a person alive — the one definition of which recorded events show the person present,
in person, on their business date, and the evidence a declaration is checked against.

A judgment "contradicted by civreg seeing the person alive" (a marriage or divorce registered, a relief station
taking the person in or identifying them, an adoption applied for or registered by them, after the date the
person went missing or the accident) is held for a registrar's confirmation, as one dated before the legal
minimum is. The gateway asks the timeline service's narrow read (`seen_alive`: the entries this module names,
after a date, as service and day) and hands them to the funeral service with the command; the evidence names
only the service and the date, never the record. That read covers every service whatever the declarer may read
of the timeline — a relief stay (`case`) or an adoption (`protected`) counts too — answers only who enters a
declaration, and is recorded in the person's access history with its purpose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

# The event types in which the person acts in person, and the person's role in them (the timeline entry's
# `roles`). Events that happen to a person (a death, a declaration, a child's file) are no sighting.
SEEN_ALIVE: Mapping[str, str] = {
    "marriage.MarriageRegistered": "party",
    "marriage.DivorceApplied": "party",
    "marriage.DivorceRegistered": "party",
    "marriage.CertificateReissued": "party",
    "vagrant_aid.PersonTakenIn": "person",
    "vagrant_aid.PersonIdentified": "identified",
    "adoption.ApplicationReceived": "adopter",
    "adoption.AdoptionRegistered": "adopter",
}


class SeenAlive(BaseModel):
    """One sighting: the service that recorded the person present, and the business date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service: str
    on: dt.date


def sightings(entries: Iterable[Mapping[str, Any]]) -> list[SeenAlive]:
    """The timeline entries (`{type, occurred_on, roles, …}`) that show the person alive, one per service and
    date, in date order."""
    found = {SeenAlive(service=str(e["type"]).split(".", 1)[0], on=dt.date.fromisoformat(str(e["occurred_on"])))
             for e in entries if SEEN_ALIVE.get(str(e.get("type"))) in (e.get("roles") or ())}
    return sorted(found, key=lambda s: (s.on, s.service))


def seen_after(seen: Iterable[SeenAlive], day: dt.date | None) -> list[SeenAlive]:
    """D-2: the sightings after the day the person went missing (or the accident): each contradicts the
    judgment. None: the judgment gives no such day, nothing to contradict."""
    return [] if day is None else [s for s in seen if s.on > day]
