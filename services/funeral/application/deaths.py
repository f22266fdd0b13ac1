"""Command handlers for death records: load, decide, append (F-1, F-2, F-5, F-6, F-7).

Two staff recording the same death at once (F-1): both may read "not deceased", but each registration
also inserts the person's row into `person_deaths` in its own transaction, whose primary key lets exactly
one commit; the other fails with `already_deceased` and writes nothing (adapters/read_models.py). The
appends themselves are serialised by the store's append lock, so the loser fails as soon as the winner
has committed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.funeral.application.unit_of_work import UnitOfWork
from services.funeral.contract.commands import (
    ApproveDisposal,
    CollectBody,
    CorrectDeath,
    Cremate,
    DisposeAshes,
    GrantAssistance,
    IdentifyBody,
    PublishClaimNotice,
    RegisterDeath,
    StoreBody,
)
from services.funeral.domain import rules
from services.funeral.domain.assistance import decide_assistance
from services.funeral.domain.body import (
    CremationNumbers,
    decide_ashes,
    decide_claim_notice,
    decide_collection,
    decide_cremation,
    decide_disposal_approval,
    decide_storage,
)
from services.funeral.domain.death import DeathRecord
from services.funeral.domain.events import Draft, death_stream
from services.funeral.domain.registration import (
    NewDeath,
    decide_correction,
    decide_identification,
    decide_registration,
    person_of,
)
from shared.actor import Actor
from shared.errors import NotFound, Refusal
from shared.eventstore.base import NO_STREAM


def temporary_id(uow: UnitOfWork, place: str) -> str:
    """`TMP-FH610502-000017`: numbered per place (docs/events.md)."""
    compact = place.replace("-", "")
    return f"TMP-{compact}-{uow.read.next_number(f'tmp:{place}'):06d}"


def registration_result(events: list[Any]) -> dict[str, Any]:
    first = events[0]
    return {"death_id": first.payload["death_id"], "subject_id": first.subjects[0].id,
            "identified": first.payload["identified"], "version": events[-1].stream_version}


def register_death(uow: UnitOfWork, command: RegisterDeath, actor: Actor, today: dt.date) -> dict[str, Any]:
    """F-1: POST /deaths."""
    if stored := uow.replayed():
        return registration_result(stored)
    person = person_of(command, today)
    if person is None:
        # An unidentified body gets the next temporary id of the funeral home (rolled back on refusal).
        rules.check_place(command.funeral_home, "funeral_home", "funeral_home")
        rules.check_acts_for_place(actor, command.funeral_home)
        new = NewDeath(uow.ids.resource("death"), False, temporary_id(uow, command.funeral_home))
    else:
        new = NewDeath(uow.ids.resource("death"), uow.read.death_of(person.value) is not None)
    drafts = decide_registration(command, actor, today, new)
    return registration_result(uow.record(death_stream(new.death_id), drafts, NO_STREAM))


def load_death(uow: UnitOfWork, death_id: str, *, referenced: bool = False) -> DeathRecord:
    """The record, or 404: `not_found` for the resource in the path, `death_not_registered` for a death a
    command refers to (F-2: nothing happens to a body without a registered death)."""
    record = uow.death(death_id) if _plausible(death_id) else None
    if record is None:
        if referenced:
            raise Refusal("death_not_registered", "no death is registered under this death_id", 404,
                          [{"loc": ["body", "death_id"], "msg": "no such death"}])
        raise NotFound("no such death record")
    if record.withdrawn:  # D-11: registered in error; nothing more happens on it
        raise Refusal("death_withdrawn", "this death was withdrawn as registered in error", 409)
    return record


def _plausible(death_id: str) -> bool:
    return isinstance(death_id, str) and 0 < len(death_id) <= 64 and death_id.replace("-", "").isalnum()


def death_result(events: list[Any], **extra: Any) -> dict[str, Any]:
    last = events[-1]
    return {"death_id": last.payload["death_id"], "subject_id": last.subjects[0].id if last.subjects else None,
            "version": last.stream_version, **extra}


def _on_record(uow: UnitOfWork, death_id: str, decide: Any) -> dict[str, Any]:
    if stored := uow.replayed():
        return death_result(stored)
    record = load_death(uow, death_id)
    drafts: list[Draft] = decide(record)
    return death_result(uow.record(death_stream(death_id), drafts, record.version))


def correct_death(uow: UnitOfWork, death_id: str, command: CorrectDeath, actor: Actor,
                  today: dt.date) -> dict[str, Any]:
    """F-7: POST /deaths/{id}/correction."""
    def decide(record: DeathRecord) -> list[Draft]:
        person = person_of(command, today)
        moved = person is not None and person.value != record.subject_id
        deceased = moved and uow.read.death_of(person.value) is not None
        return decide_correction(record, command, actor, today, deceased)
    return _on_record(uow, death_id, decide)


def identify_body(uow: UnitOfWork, death_id: str, command: IdentifyBody, actor: Actor,
                  today: dt.date) -> dict[str, Any]:
    """F-6: POST /deaths/{id}/identification."""
    def decide(record: DeathRecord) -> list[Draft]:
        person = person_of(command, today)
        assert person is not None
        return decide_identification(record, command, actor, today, uow.read.death_of(person.value) is not None)
    return _on_record(uow, death_id, decide)


def collect_body(uow: UnitOfWork, death_id: str, command: CollectBody, actor: Actor, today: dt.date) -> dict:
    """F-2: POST /deaths/{id}/collection."""
    return _on_record(uow, death_id, lambda record: decide_collection(record, command, actor, today))


def store_body(uow: UnitOfWork, death_id: str, command: StoreBody, actor: Actor, today: dt.date) -> dict:
    """F-2: POST /deaths/{id}/storage."""
    return _on_record(uow, death_id, lambda record: decide_storage(record, command, actor, today))


def publish_claim_notice(uow: UnitOfWork, death_id: str, command: PublishClaimNotice, actor: Actor,
                         today: dt.date) -> dict:
    """F-6: POST /deaths/{id}/claim-notice."""
    return _on_record(uow, death_id, lambda record: decide_claim_notice(record, command, actor, today))


def approve_disposal(uow: UnitOfWork, death_id: str, command: ApproveDisposal, actor: Actor,
                     today: dt.date) -> dict:
    """F-6: POST /deaths/{id}/disposal-approval."""
    return _on_record(uow, death_id, lambda record: decide_disposal_approval(record, command, actor, today))


def dispose_ashes(uow: UnitOfWork, death_id: str, command: DisposeAshes, actor: Actor, today: dt.date) -> dict:
    """F-2: POST /deaths/{id}/ashes."""
    return _on_record(uow, death_id, lambda record: decide_ashes(record, command, actor, today))


def cremation_result(events: list[Any]) -> dict[str, Any]:
    payload = events[0].payload
    return {"cremation_id": payload["cremation_id"], "cremation_certificate": payload["cremation_certificate"],
            "death_id": payload["death_id"], "ashes_number": payload["ashes_number"],
            "version": events[-1].stream_version}


def cremate(uow: UnitOfWork, command: Cremate, actor: Actor, today: dt.date) -> dict[str, Any]:
    """F-2, F-6: POST /cremations."""
    if stored := uow.replayed():
        return cremation_result(stored)
    record = load_death(uow, command.death_id, referenced=True)
    funeral_home = rules.check_place(command.funeral_home, "funeral_home", "funeral_home")
    rules.check_acts_for_place(actor, funeral_home)
    certificate = command.cremation_certificate
    if certificate is not None and uow.read.certificate_taken(certificate):
        raise Refusal("duplicate_cremation_certificate", "this cremation certificate number is already in use",
                      409, [{"loc": ["body", "cremation_certificate"], "msg": "already in use"}])
    cremated_on = command.cremated_on or today
    if certificate is None:
        compact = funeral_home.replace("-", "")
        serial = uow.read.next_number(f"cremation:{funeral_home}:{cremated_on.year}")
        certificate = f"CC-{compact}-{cremated_on.year}-{serial:06d}"
    ashes_number = None
    if not record.identified and record.cremation is None:
        ashes_number = f"ASH-{funeral_home.replace('-', '')}-{uow.read.next_number(f'ashes:{funeral_home}'):06d}"
    numbers = CremationNumbers(uow.ids.resource("cremation"), certificate, ashes_number)
    drafts = decide_cremation(record, command, actor, today, numbers)
    return cremation_result(uow.record(death_stream(record.death_id), drafts, record.version))


def grant_assistance(uow: UnitOfWork, command: GrantAssistance, actor: Actor, today: dt.date) -> dict[str, Any]:
    """F-5: POST /assistance."""
    if not (stored := uow.replayed()):
        record = load_death(uow, command.death_id, referenced=True)
        drafts = decide_assistance(record, command, actor, today, uow.ids.resource("assistance"))
        stored = uow.record(death_stream(record.death_id), drafts, record.version)
    payload = stored[0].payload
    return {"assistance_id": payload["assistance_id"], "death_id": payload["death_id"],
            "category": payload["category"], "items": payload["items"], "amount": payload["amount"],
            "version": stored[-1].stream_version}
