"""The state of one death record (stream `death-<death_id>`) and how each event changes it (`evolve`).

A death record follows the body from registration through collection, storage, cremation, the ashes and
the burial, with the funeral assistance granted for it. The subject is the person the death belongs to:
the ID number, or the temporary id (TMP-…) of an unidentified body until it is identified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from services.funeral.domain import events as ev


class Recorded(Protocol):
    """What evolve needs of an event: a draft, or a stored envelope."""

    type: str
    occurred_on: dt.date
    payload: dict[str, Any]


@dataclass(frozen=True)
class Cremation:
    cremation_id: str
    certificate: str
    cremated_on: dt.date
    funeral_home: str
    ashes_number: str | None


@dataclass(frozen=True)
class DeathRecord:
    death_id: str
    subject_id: str
    id_number: str | None
    temporary_id: str | None
    died_on: dt.date
    place_division: str
    natural: bool
    certificate_no: str | None
    issuer: str | None
    police_case: str | None
    funeral_home: str
    source: str
    relief_case_id: str | None = None
    description: str | None = None
    collected_on: dt.date | None = None
    stored_at: str | None = None
    claim_notice_on: dt.date | None = None
    disposal_approved_on: dt.date | None = None
    cremation: Cremation | None = None
    ashes: str | None = None  # family | deposit
    burial_id: str | None = None
    burial_type: str | None = None
    waived_items: frozenset[str] = field(default_factory=frozenset)
    corrections: int = 0
    version: int = 0

    @property
    def identified(self) -> bool:
        return self.id_number is not None


def registered(payload: dict[str, Any], subject: str) -> DeathRecord:
    return DeathRecord(
        death_id=payload["death_id"],
        subject_id=subject,
        id_number=subject if payload["identified"] else None,
        temporary_id=payload.get("temporary_id"),
        died_on=_date(payload["died_on"]),
        place_division=payload["place_division"],
        natural=payload["natural"],
        certificate_no=payload.get("certificate_no"),
        issuer=payload.get("issuer"),
        police_case=payload.get("police_case"),
        funeral_home=payload["funeral_home"],
        source=payload["source"],
        relief_case_id=payload.get("relief_case_id"),
        description=payload.get("description"),
    )


def evolve(record: DeathRecord | None, event: Recorded, subject: str | None = None) -> DeathRecord:
    """The record after one more event of its stream. `subject` is needed for the first event only."""
    p = event.payload
    if event.type == ev.DEATH_REGISTERED:
        assert subject is not None
        return registered(p, subject)
    assert record is not None, f"{event.type} before {ev.DEATH_REGISTERED}"
    if event.type == ev.DEATH_CORRECTED:
        return _corrected(record, p)
    if event.type == ev.BODY_IDENTIFIED:
        return replace(record, id_number=p["id_number"], subject_id=p["id_number"])
    if event.type == ev.BODY_COLLECTED:
        return replace(record, collected_on=_date(p["collected_on"]))
    if event.type == ev.BODY_STORED:
        return replace(record, stored_at=p["location"])
    if event.type == ev.CLAIM_NOTICE_PUBLISHED:
        return replace(record, claim_notice_on=_date(p["published_on"]))
    if event.type == ev.DISPOSAL_APPROVED:
        return replace(record, disposal_approved_on=_date(p["approved_on"]),
                       police_case=record.police_case or p["police_case"])
    if event.type == ev.BODY_CREMATED:
        return replace(record, cremation=Cremation(p["cremation_id"], p["cremation_certificate"],
                                                   _date(p["cremated_on"]), p["funeral_home"], p.get("ashes_number")))
    if event.type == ev.ASHES_DISPOSED:
        return replace(record, ashes=p["disposition"])
    if event.type == ev.BURIAL_RECORDED:
        return replace(record, burial_id=p["burial_id"], burial_type=p["burial_type"])
    if event.type == ev.ASSISTANCE_GRANTED:
        return replace(record, waived_items=record.waived_items | frozenset(p["items"]))
    return record  # a type this version does not know changes nothing it decides on


def _corrected(record: DeathRecord, payload: dict[str, Any]) -> DeathRecord:
    changes = {name: change["to"] for name, change in payload["changes"].items()}
    if "died_on" in changes:
        changes["died_on"] = _date(changes["died_on"])
    if "id_number" in changes:
        changes["subject_id"] = changes["id_number"]
    return replace(record, **changes, corrections=record.corrections + 1)


def fold(events: Iterable[Any], record: DeathRecord | None = None) -> DeathRecord | None:
    """The record after `events`: stored envelopes (with stream versions) or drafts (counted on)."""
    for event in events:
        version = getattr(event, "stream_version", (record.version if record else 0) + 1)
        record = replace(evolve(record, event, _first_subject(event)), version=version)
    return record


def _first_subject(event: Any) -> str | None:
    if not event.subjects:
        return None
    first = event.subjects[0]
    return first[0] if isinstance(first, tuple) else first.id


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
