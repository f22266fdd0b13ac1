"""Command handlers for children's files: load, decide, append (C-2 to C-7).

A file is addressed by its `child_id` or by the child's ID number or temporary id (api.md: persons are
addressed by ID number or temporary subject id). Every decision that may change what is due passes through
`with_adjustment`, so a change reaching into months already paid records the difference (C-5).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from services.child_welfare.application.unit_of_work import EventIds, UnitOfWork
from services.child_welfare.contract import events as contract
from services.child_welfare.contract.commands import (
    ChangeParentCondition,
    ChangePlacement,
    Decide,
    OpenFile,
    RecordStudentStatus,
    RecordTownshipCheck,
    RecordVisit,
    SetStandard,
    SignAgreement,
    Terminate,
)
from services.child_welfare.domain import decide as d
from services.child_welfare.domain import events as ev
from services.child_welfare.domain import rules
from services.child_welfare.domain.file import ChildFile
from services.child_welfare.domain.standards import CAUSE, decide_standard_adjustment, repriced_months
from services.funeral.contract.events import CourtDeclarationRecorded, DeathRegistered
from shared.actor import Actor
from shared.errors import NotFound, Refusal
from shared.eventstore.base import NO_STREAM
from shared.reference.refusals import FORBIDDEN
from shared.unit_of_work import OnRecord

_CHILD_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CENT = Decimal("0.01")
DECLARATION_RECORDED = CourtDeclarationRecorded.TYPE  # D-6: the cause of a declared parent's condition at opening
DEATH_REGISTERED = DeathRegistered.TYPE  # C-6: the cause of a dead parent's condition at opening
_SUBJECT = re.compile(r"[0-9]{17}[0-9X]|TMP-[A-Z0-9]{2,12}-[0-9A-Za-z-]{1,40}")


def child_id_of(uow: UnitOfWork, reference: str) -> str | None:
    """The file a path names: its child_id, or the child's ID number or temporary id."""
    if not isinstance(reference, str):
        return None
    if _CHILD_ID.fullmatch(reference):
        return reference
    reference = reference.upper() if reference[:1].isdigit() else reference
    return uow.read.file_of(reference) if _SUBJECT.fullmatch(reference) else None


def load_file(uow: UnitOfWork, reference: str) -> ChildFile:
    child_id = child_id_of(uow, reference)
    file = uow.file(child_id) if child_id else None
    if file is None:
        raise NotFound("no such child's file")
    return file


def result(recorded: list[Any]) -> dict[str, Any]:
    """The file, its version after the command and the events the command recorded (consequences too)."""
    last = recorded[-1]
    return {"child_id": last.payload["child_id"], "version": last.stream_version,
            "events": [event.type for event in recorded]}


def open_file(uow: UnitOfWork, command: OpenFile, actor: Actor, today: dt.date) -> dict[str, Any]:
    """C-2: POST /children."""
    if stored := uow.replayed():
        return result(stored)
    child = rules.check_id_number(command.child.id_number, today, "child.id_number")
    new = d.NewFile(uow.ids.resource("child"), uow.read.file_of(child.value))
    drafts = d.decide_open(command, actor, today, new)
    parents = [p["id_number"] for p in drafts[0].payload["parents"] if p["id_number"]]
    uow.read.lock_parent_conditions(parents, exclusive=False)  # a death or declaration applied now waits (D-6)
    drafts += d.declared_parents_on_open(drafts, uow.read.standing_declarations(parents), DECLARATION_RECORDED)
    drafts += d.dead_parents_on_open(drafts, uow.read.registered_deaths(parents), DEATH_REGISTERED)
    if command.carer is not None:
        carer = rules.check_id_number(command.carer.id_number, today, "carer.id_number")
        rules.check_foster_carer(carer, command.applied_on or today, uow.read.foster_children_locked(carer.value))
    return result(uow.record(ev.child_stream(new.child_id), drafts, NO_STREAM))


# A command on one child's file: replay, load, decide, record with the file's read models, answer the file.
on_file: OnRecord[ChildFile] = OnRecord(
    load=load_file, stream=lambda file: ev.child_stream(file.child_id),
    record=lambda uow, file, drafts: uow.record(ev.child_stream(file.child_id), drafts, file.version, file),
    answer=lambda uow, outcome: result(outcome.stored))


def _on_file(uow: UnitOfWork, reference: str, actor: Actor, today: dt.date, cause: str,
             decide: Callable[[ChildFile], list[ev.Draft]]) -> dict[str, Any]:
    """The decision, with the adjustment of months already paid that it causes (C-5, `cause`)."""
    return on_file.run(uow, reference, lambda file: d.with_adjustment(file, decide(file), today, uow.read.standards(),
                                                                      cause), actor, today)


def record_township_check(uow: UnitOfWork, reference: str, command: RecordTownshipCheck, actor: Actor,
                          today: dt.date) -> dict[str, Any]:
    """C-3: POST /children/{id}/township-check."""
    return _on_file(uow, reference, actor, today, "township_check",
                    lambda file: d.decide_township_check(file, command, actor, today))


def decide(uow: UnitOfWork, reference: str, command: Decide, actor: Actor, today: dt.date) -> dict[str, Any]:
    """C-1, C-3: POST /children/{id}/decision."""
    return _on_file(uow, reference, actor, today, "decision",
                    lambda file: d.decide_decision(file, command, actor, today))


def change_parent_condition(uow: UnitOfWork, reference: str, command: ChangeParentCondition, actor: Actor,
                            today: dt.date) -> dict[str, Any]:
    """C-6: POST /children/{id}/parent-changes."""
    return _on_file(uow, reference, actor, today, "parent_condition_changed",
                    lambda file: d.decide_parent_change(file, command, actor, today))


def change_placement(uow: UnitOfWork, reference: str, command: ChangePlacement, actor: Actor,
                     today: dt.date) -> dict[str, Any]:
    """C-4: POST /children/{id}/placements."""
    def decide_it(file: ChildFile) -> list[ev.Draft]:
        carer_children = 0
        if command.carer is not None:
            carer = rules.check_id_number(command.carer.id_number, today, "carer.id_number")
            carer_children = uow.read.foster_children_locked(carer.value)
        return d.decide_placement(file, command, actor, today, carer_children)
    return _on_file(uow, reference, actor, today, "placement_changed", decide_it)


def sign_agreement(uow: UnitOfWork, reference: str, command: SignAgreement, actor: Actor,
                   today: dt.date) -> dict[str, Any]:
    """C-7: POST /children/{id}/agreements."""
    return _on_file(uow, reference, actor, today, "agreement",
                    lambda file: d.decide_agreement(file, command, actor, today))


def record_visit(uow: UnitOfWork, reference: str, command: RecordVisit, actor: Actor,
                 today: dt.date) -> dict[str, Any]:
    """C-7: POST /children/{id}/visits."""
    return _on_file(uow, reference, actor, today, "visit", lambda file: d.decide_visit(file, command, actor, today))


def record_student_status(uow: UnitOfWork, reference: str, command: RecordStudentStatus, actor: Actor,
                          today: dt.date) -> dict[str, Any]:
    """C-6: POST /children/{id}/student-status."""
    return _on_file(uow, reference, actor, today, "student_status",
                    lambda file: d.decide_student_status(file, command, actor, today))


def terminate(uow: UnitOfWork, reference: str, command: Terminate, actor: Actor, today: dt.date) -> dict[str, Any]:
    """C-6: POST /children/{id}/termination."""
    return _on_file(uow, reference, actor, today, "terminated",
                    lambda file: d.decide_termination(file, command, actor, today))


def set_standard(uow: UnitOfWork, command: SetStandard, actor: Actor, today: dt.date) -> dict[str, Any]:
    """C-5: PUT /standards (admin). A standard applies from its month on; one starting in a month already
    paid re-prices the months paid since, child by child, as adjustments (domain/standards.py)."""
    if not actor.is_admin:
        raise Refusal(FORBIDDEN, "standards are set by admins", 403)
    adjusted = 0
    if not uow.replayed():
        before = uow.read.standards()
        payload = {"category": command.category, "care": command.care, "from_month": command.from_month,
                   "amount": str(command.amount.quantize(_CENT)), "set_on": today.isoformat()}
        [recorded] = uow.record(ev.STANDARDS_STREAM, [ev.Draft.of(contract.StandardSet(**payload), today)], None)
        adjusted = _reprice_paid_months(uow, recorded, command, before, today)
    return {"category": command.category, "care": command.care, "from_month": command.from_month,
            "amount": str(command.amount.quantize(_CENT)), "adjusted_children": adjusted}


def _reprice_paid_months(uow: UnitOfWork, recorded: Any, command: SetStandard, before: Any, today: dt.date) -> int:
    """C-5: each child paid in the months the standard re-prices gets its adjustment, recorded by the service
    (caused by the `StandardSet`, ids derived from it and the child: written once)."""
    months = repriced_months(command.from_month, today)
    if months is None:
        return 0
    after = uow.read.standards()
    metadata = uow.metadata.model_copy(update={"actor": "child_welfare.standards", "office": None,
                                               "causation_id": str(recorded.event_id)})
    adjusted = 0
    for child_id in uow.read.children_paid(command.category, *months):
        child = UnitOfWork(uow.store, uow.tx, metadata, EventIds.for_reaction(CAUSE, recorded.event_id, child_id))
        file = child.file(child_id)
        drafts = decide_standard_adjustment(file, before, after, *months, today) if file else []
        if drafts:
            child.record(ev.child_stream(child_id), drafts, file.version, file)
            adjusted += 1
    return adjusted
