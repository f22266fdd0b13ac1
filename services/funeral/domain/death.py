"""The state of one death record (stream `death-<death_id>`) and how each event changes it (`evolve`).

A death record follows the body from registration through collection, storage, cremation, the ashes and
the burial, with the funeral assistance granted for it. The subject is the person the death belongs to:
the ID number, or the temporary id (TMP-…) of an unidentified body until it is identified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from services.funeral.contract import events as contract
from services.funeral.domain import events as ev
from shared.reference.events import Recorded


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
    withdrawn: bool = False  # D-11: registered in error; the record stays, marked
    declaration_id: str | None = None  # D-8: a body found later, linked to the standing death declaration
    declared_died_on: dt.date | None = None  # D-8: that declaration's date of death (art. 48)
    review_settled_for: dt.date | None = None  # D-8: the registered date of death the registrar settled
    version: int = 0

    @property
    def identified(self) -> bool:
        return self.id_number is not None


def registered(event: contract.DeathRegistered, subject: str) -> DeathRecord:
    return DeathRecord(
        death_id=event.death_id, subject_id=subject, id_number=subject if event.identified else None,
        temporary_id=event.temporary_id, died_on=event.died_on, place_division=event.place_division,
        natural=event.natural, certificate_no=event.certificate_no, issuer=event.issuer,
        police_case=event.police_case, funeral_home=event.funeral_home, source=event.source,
        relief_case_id=event.relief_case_id, description=event.description,
        declaration_id=event.declaration_id, declared_died_on=event.declared_died_on,
    )


def evolve(record: DeathRecord | None, event: contract.EventModel, subject: str | None = None) -> DeathRecord:
    """The record after one more event of its stream (its current model). `subject` is needed for the first
    event only."""
    match event:
        case contract.DeathRegistered():
            assert subject is not None
            return registered(event, subject)
    assert record is not None, f"{event.TYPE} before {ev.DEATH_REGISTERED}"
    match event:
        case contract.DeathCorrected():
            return _corrected(record, event)
        case contract.BodyIdentified():
            return replace(record, id_number=event.id_number, subject_id=event.id_number,
                           declaration_id=event.declaration_id, declared_died_on=event.declared_died_on)
        case contract.BodyCollected():
            return replace(record, collected_on=event.collected_on)
        case contract.BodyStored():
            return replace(record, stored_at=event.location)
        case contract.ClaimNoticePublished():
            return replace(record, claim_notice_on=event.published_on)
        case contract.DisposalApproved():
            return replace(record, disposal_approved_on=event.approved_on,
                           police_case=record.police_case or event.police_case)
        case contract.BodyCremated():
            return replace(record, cremation=Cremation(event.cremation_id, event.cremation_certificate,
                                                       event.cremated_on, event.funeral_home, event.ashes_number))
        case contract.AshesDisposed():
            return replace(record, ashes=event.disposition)
        case contract.BurialRecorded():
            return replace(record, burial_id=event.burial_id, burial_type=event.burial_type)
        case contract.DeathWithdrawn():
            return replace(record, withdrawn=True)
        case contract.DeclarationReviewSettled():
            return replace(record, review_settled_for=event.died_on)
        case contract.AssistanceGranted():
            return replace(record, waived_items=record.waived_items | frozenset(event.items))
    return record  # a type this version does not know changes nothing it decides on


def _corrected(record: DeathRecord, event: contract.DeathCorrected) -> DeathRecord:
    changes = {name: change["to"] for name, change in event.changes.items()}
    if "died_on" in changes:
        changes["died_on"] = _date(changes["died_on"])
    if "id_number" in changes:
        changes["subject_id"] = changes["id_number"]
    return replace(record, **changes, corrections=record.corrections + 1)


def fold(events: Iterable[Recorded], record: DeathRecord | None = None) -> DeathRecord | None:
    """The record after `events`: stored envelopes (with stream versions) or drafts (counted on)."""
    for event in events:
        version = getattr(event, "stream_version", (record.version if record else 0) + 1)
        record = replace(evolve(record, contract.CATALOGUE.read(event), _first_subject(event)), version=version)
    return record


def _first_subject(event: Any) -> str | None:
    if not event.subjects:
        return None
    first = event.subjects[0]
    return first[0] if isinstance(first, tuple) else first.id


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
