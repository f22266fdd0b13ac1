"""Command handlers for court declarations (D-1..D-5) and the withdrawal of a death registered in error
(D-11): load, decide, append in one unit of work.

Two registrars entering declarations of one person at once (D-1: a second death declaration while one stands
is refused): both may read "none stands", but each inserts the declaration's row into `declarations`, whose
partial unique index on the standing declarations lets exactly one commit; the other is refused with
`declaration_exists` and writes nothing. The same court and case number is the same declaration: entered again,
it is answered as it stands.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.funeral.application.unit_of_work import UnitOfWork
from services.funeral.contract import refusals as r
from services.funeral.contract.commands import DeclareByCourt, FileSpouseStatement, RevokeDeclaration
from services.funeral.domain import declarations as d
from services.funeral.domain import rules
from services.funeral.domain.events import declaration_stream
from shared.actor import Actor
from shared.errors import NotFound, Refusal
from shared.eventstore.base import NO_STREAM
from shared.unit_of_work import OnRecord


def declaration_result(events: list[Any]) -> dict[str, Any]:
    return {"declaration_id": events[-1].payload["declaration_id"], "version": events[-1].stream_version}


def declare_by_court(uow: UnitOfWork, command: DeclareByCourt, actor: Actor, today: dt.date) -> dict[str, Any]:
    """D-1..D-3: POST /v1/court-declarations."""
    if stored := uow.replayed():
        return declaration_result(stored)
    d.check_declarer(actor)
    person = rules.check_id_number(command.id_number, today)
    entered = uow.read.declaration_by_judgment(command.court, command.judgment_ref)
    if entered is not None:
        declaration_id, subject, kind = entered
        if (subject, kind) != (person.value, command.kind):
            raise Refusal(r.JUDGMENT_REF_TAKEN, "this court's case number is another declaration", 409)
        existing = load_declaration(uow, declaration_id)
        return {"declaration_id": declaration_id, "version": existing.version}
    standing = uow.read.standing_declarations(person.value)
    known = d.Standing(uow.read.death_of(person.value) is not None, standing.get("death"), standing.get("missing"))
    declaration_id = uow.ids.resource("declaration")
    drafts = d.decide_declaration(command, actor, today, declaration_id, known)
    return declaration_result(uow.record(declaration_stream(declaration_id), drafts, NO_STREAM))


def load_declaration(uow: UnitOfWork, declaration_id: str) -> d.Declaration:
    plausible = isinstance(declaration_id, str) and 0 < len(declaration_id) <= 64
    found = d.fold(uow.store.read_stream(declaration_stream(declaration_id), tx=uow.tx)) if plausible else None
    if found is None:
        raise NotFound("no such court declaration")
    return found


def _load_standing(uow: UnitOfWork, declaration_id: str) -> tuple[d.Declaration, bool]:
    """The declaration, and whether a death declaration of the person superseded it (D-4)."""
    declaration = load_declaration(uow, declaration_id)
    return declaration, uow.read.declaration_ended_by(declaration_id) == "death_declaration"


# A command on one declaration: replay, load, decide, record, answer the declaration.
on_declaration: OnRecord[tuple[d.Declaration, bool]] = OnRecord(
    load=_load_standing, stream=lambda read: declaration_stream(read[0].declaration_id),
    version=lambda read: read[0].version, answer=lambda uow, outcome: declaration_result(outcome.stored),
    decides=lambda decide, read, command, actor, today: decide(read[0], command, actor, today, read[1]))


def revoke_declaration(uow: UnitOfWork, declaration_id: str, command: RevokeDeclaration, actor: Actor,
                       today: dt.date) -> dict[str, Any]:
    """D-5: POST /v1/court-declarations/{id}/revocation."""
    return on_declaration(d.decide_revocation)(uow, declaration_id, command, actor, today)


def file_spouse_statement(uow: UnitOfWork, declaration_id: str, command: FileSpouseStatement, actor: Actor,
                          today: dt.date) -> dict[str, Any]:
    """D-5: POST /v1/court-declarations/{id}/spouse-statement."""
    return on_declaration(d.decide_spouse_statement)(uow, declaration_id, command, actor, today)
