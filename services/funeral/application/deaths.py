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
    CorrectDeath,
    Cremate,
    GrantAssistance,
    IdentifyBody,
    RegisterDeath,
    SettleDeclarationReview,
)
from services.funeral.contract.refusals import DEATH_NOT_REGISTERED, DEATH_WITHDRAWN, DUPLICATE_CREMATION_CERTIFICATE
from services.funeral.domain import rules
from services.funeral.domain.assistance import decide_assistance
from services.funeral.domain.body import (
    CremationNumbers,
    decide_cremation,
)
from services.funeral.domain.death import DeathRecord
from services.funeral.domain.declarations import decide_settle_declaration_review
from services.funeral.domain.events import Draft, death_stream
from services.funeral.domain.registration import (
    NewDeath,
    decide_correction,
    decide_identification,
    decide_registration,
    person_of,
    review_D8,
)
from shared.actor import Actor
from shared.errors import Refusal
from shared.eventstore.base import NO_STREAM
from shared.unit_of_work import OnRecord, existing


def temporary_id(uow: UnitOfWork, place: str) -> str:
    """`TMP-FH610502-000017`: numbered per place (docs/events.md)."""
    compact = place.replace("-", "")
    return f"TMP-{compact}-{uow.read.next_number(f'tmp:{place}'):06d}"


def registration_result(events: list[Any]) -> dict[str, Any]:
    first = events[0]
    declared_on = first.payload.get("declared_died_on")
    review = review_D8(dt.date.fromisoformat(declared_on) if declared_on else None,
                       dt.date.fromisoformat(first.payload["died_on"]))
    return {"death_id": first.payload["death_id"], "subject_id": first.subjects[0].id,
            "identified": first.payload["identified"], "version": events[-1].stream_version,
            "declaration_id": first.payload.get("declaration_id"), "review": review}


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
        new = NewDeath(uow.ids.resource("death"), uow.read.death_of(person.value) is not None,
                       declared=uow.read.standing_death_declaration(person.value))
    drafts = decide_registration(command, actor, today, new)
    return registration_result(uow.record(death_stream(new.death_id), drafts, NO_STREAM))


def load_death(uow: UnitOfWork, death_id: str, *, referenced: bool = False) -> DeathRecord:
    """The record, or 404: `not_found` for the resource in the path, `death_not_registered` for a death a
    command refers to (F-2: nothing happens to a body without a registered death)."""
    record = existing(uow.death(death_id) if _plausible(death_id) else None, "death",
                      "death_id" if referenced else None, DEATH_NOT_REGISTERED)
    if record.withdrawn:  # D-11: registered in error; nothing more happens on it
        raise Refusal(DEATH_WITHDRAWN, "this death was withdrawn as registered in error", 409)
    return record


def _plausible(death_id: str) -> bool:
    return isinstance(death_id, str) and 0 < len(death_id) <= 64 and death_id.replace("-", "").isalnum()


def death_result(events: list[Any], **extra: Any) -> dict[str, Any]:
    last = events[-1]
    return {"death_id": last.payload["death_id"], "subject_id": last.subjects[0].id if last.subjects else None,
            "version": last.stream_version, **extra}


# A command on one death record: replay, load (refused once withdrawn, D-11), decide, record, answer the record.
on_death: OnRecord[DeathRecord] = OnRecord(
    load=load_death, stream=lambda record: death_stream(record.death_id),
    answer=lambda uow, outcome: death_result(outcome.stored))


def correct_death(uow: UnitOfWork, death_id: str, command: CorrectDeath, actor: Actor,
                  today: dt.date) -> dict[str, Any]:
    """F-7: POST /deaths/{id}/correction."""
    def decide(record: DeathRecord) -> list[Draft]:
        person = person_of(command, today)
        moved = person is not None and person.value != record.subject_id
        deceased = moved and uow.read.death_of(person.value) is not None
        return decide_correction(record, command, actor, today, deceased)
    return on_death.run(uow, death_id, decide, actor, today)


def identify_body(uow: UnitOfWork, death_id: str, command: IdentifyBody, actor: Actor,
                  today: dt.date) -> dict[str, Any]:
    """F-6: POST /deaths/{id}/identification."""
    def decide(record: DeathRecord) -> list[Draft]:
        person = person_of(command, today)
        assert person is not None
        return decide_identification(record, command, actor, today, uow.read.death_of(person.value) is not None,
                                     uow.read.standing_death_declaration(person.value))
    return on_death.run(uow, death_id, decide, actor, today)


def settle_declaration_review(uow: UnitOfWork, death_id: str, command: SettleDeclarationReview, actor: Actor,
                              today: dt.date) -> dict[str, Any]:
    """D-8: POST /deaths/{id}/declaration-review."""
    def decide(record: DeathRecord) -> list[Draft]:
        standing = record.declaration_id is not None and uow.read.declaration_ended_by(record.declaration_id) is None
        return decide_settle_declaration_review(record, command, actor, today, standing)
    return on_death.run(uow, death_id, decide, actor, today)


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
        raise Refusal(DUPLICATE_CREMATION_CERTIFICATE, "this cremation certificate number is already in use",
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
