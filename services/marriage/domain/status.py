"""Marital status of a person on any date, derived from the events, never typed in (domain.md "Marital
status", docs/events.md).

A person's marriages are their `MarriageRegistered` events less those voided, annulled or revoked (they
never existed: M-9, M-10). Of the rest registered by the date, the latest decides: married from
`registered_on`; divorced from a `DivorceRegistered` or a court divorce; widowed from a `MarriageEndedByDeath`
in which the person survived — undone by `MarriageRevived`, as if the death had not ended it. No marriage:
unmarried.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from services.marriage.domain import events as ev


@dataclass(frozen=True)
class MaritalStatus:
    marital_status: str  # unmarried | married | divorced | widowed
    since: dt.date | None = None
    registration_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"marital_status": self.marital_status, "since": self.since.isoformat() if self.since else None,
                "registration_id": self.registration_id}


@dataclass
class _Marriage:
    registration_id: str
    registered_on: dt.date
    order: int
    ending: tuple[str, dt.date, str | None] | None = None  # (status, from, death_id)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def marital_status(person: str, events: Iterable[Any], as_of: dt.date) -> MaritalStatus:
    """`events`: marriage events in recorded order (drafts or stored envelopes); those not naming the person
    among their subjects are passed over."""
    marriages: dict[str, _Marriage] = {}
    never_existed: set[str] = set()
    endings: dict[str, list[tuple[str, dt.date, str | None]]] = {}
    for order, event in enumerate(events):
        if person not in _subject_ids(event):
            continue
        p = event.payload
        registration = p.get("registration_id")
        if event.type == ev.MARRIAGE_REGISTERED:
            marriages[registration] = _Marriage(registration, _date(p["registered_on"]), order)
        elif event.type == ev.REGISTRATION_REVOKED or (
                event.type == ev.COURT_OUTCOME_RECORDED and p["kind"] in ("void", "annulled")):
            never_existed.add(registration)
        elif event.type == ev.DIVORCE_REGISTERED:
            endings.setdefault(registration, []).append(("divorced", _date(p["registered_on"]), None))
        elif event.type == ev.COURT_OUTCOME_RECORDED:
            endings.setdefault(registration, []).append(("divorced", _date(p["effective_on"]), None))
        elif event.type == ev.MARRIAGE_ENDED_BY_DEATH:
            state = "widowed" if p.get("survivor_id_number", _survivor(event)) == person else "deceased"
            endings.setdefault(registration, []).append((state, _date(p["died_on"]), p["death_id"]))
        elif event.type == ev.DEATH_DATE_CORRECTED:
            endings[registration] = [(e[0], _date(p["died_on"]), e[2]) if e[2] == p["death_id"] else e
                                     for e in endings.get(registration, [])]
        elif event.type == ev.MARRIAGE_REVIVED:
            # As if the death had not ended it: the ending goes, whatever date is asked about.
            endings[registration] = [e for e in endings.get(registration, []) if e[2] != p.get("death_id")]
    candidates = [m for m in marriages.values() if m.registration_id not in never_existed
                  and m.registered_on <= as_of]
    if not candidates:
        return MaritalStatus("unmarried")
    latest = max(candidates, key=lambda m: (m.registered_on, m.order))
    ended = [e for e in endings.get(latest.registration_id, []) if e[1] <= as_of]
    if ended:
        status, since, _ = min(ended, key=lambda e: e[1])
        if status != "deceased":  # a deceased person's last status stays what it was at death
            return MaritalStatus(status, since, latest.registration_id)
    return MaritalStatus("married", latest.registered_on, latest.registration_id)


def _subject_ids(event: Any) -> set[str]:
    return {subject[0] if isinstance(subject, tuple) else subject.id for subject in event.subjects}


def _survivor(event: Any) -> str | None:
    for subject in event.subjects:
        subject_id, role = subject if isinstance(subject, tuple) else (subject.id, subject.role)
        if role == "survivor":
            return subject_id
    return None
