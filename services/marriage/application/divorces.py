"""Command handlers of divorce by agreement (M-8) and appointments (M-13), and the scheduled check that
deems lapsed divorce applications withdrawn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from services.marriage.application.registrations import (
    certificates_answer,
    codes_of_new,
    load_marriage,
    plausible_id,
    take_number,
)
from services.marriage.application.unit_of_work import UnitOfWork
from services.marriage.contract.commands import (
    ApplyForDivorce,
    BookAppointment,
    CancelAppointment,
    RecordNoShow,
    RegisterDivorce,
    ReissueDivorceCertificate,
    WithdrawDivorce,
)
from services.marriage.contract.refusals import SLOT_FULL
from services.marriage.domain import appointments, divorce, parameters, rules
from services.marriage.domain import events as ev
from services.marriage.domain.certificates import DIVORCE, DIVORCE_REISSUE
from services.marriage.domain.marriage import decide_divorce_reissue
from shared.actor import Actor
from shared.errors import NotFound, Refusal
from shared.eventstore.base import NO_STREAM
from shared.unit_of_work import OnRecord, Outcome


def divorce_result(events: list[Any]) -> dict[str, Any]:
    first = events[0].payload
    result = {"divorce_id": first["divorce_id"], "registration_id": first["registration_id"],
              "version": events[-1].stream_version}
    if events[0].type == ev.DIVORCE_APPLIED:
        result |= {key: first[key] for key in ("withdraw_until", "register_from", "register_until")}
    return result


def apply_for_divorce(uow: UnitOfWork, command: ApplyForDivorce, actor: Actor, today: dt.date) -> dict[str, Any]:
    """M-8: POST /divorces."""
    if not (stored := uow.replayed()):
        marriage = load_marriage(uow, command.registration_id, referenced=True)
        divorce_id = uow.ids.resource("divorce")
        pending = uow.read.pending_divorce(marriage.registration_id)
        drafts = divorce.decide_application(marriage, command, actor, today, divorce_id, pending)
        stored = uow.record(ev.divorce_stream(divorce_id), drafts, NO_STREAM)
    return divorce_result(stored)


def load_divorce(uow: UnitOfWork, divorce_id: str) -> tuple[divorce.DivorceState, Any]:
    state = uow.divorce(divorce_id) if plausible_id(divorce_id) else None
    if state is None:
        raise NotFound("no such divorce application")
    marriage = load_marriage(uow, state.registration_id)
    return divorce.with_marriage(state, marriage), marriage


DivorceRead = tuple[divorce.DivorceState, Any]  # the application and the marriage it would end

# A command on one divorce application: replay, load it with its marriage, decide, record, answer.
on_divorce: OnRecord[DivorceRead] = OnRecord(
    load=load_divorce, stream=lambda read: ev.divorce_stream(read[0].divorce_id),
    version=lambda read: read[0].version, answer=lambda uow, outcome: divorce_result(outcome.stored))


def _on_its_marriage(uow: UnitOfWork, read: DivorceRead, drafts: Sequence[Any]) -> list[Any]:
    """A divorce registered, or its certificate reissued, is recorded on the marriage's stream."""
    return uow.record(ev.marriage_stream(read[1].registration_id), drafts, read[1].version)


def withdraw_divorce(uow: UnitOfWork, divorce_id: str, command: WithdrawDivorce, actor: Actor,
                     today: dt.date) -> dict[str, Any]:
    """M-8: POST /divorces/{id}/withdrawal."""
    def decide(read: DivorceRead) -> list[Any]:
        person = rules.check_id_number(command.by_id_number, today, "by_id_number").value
        return divorce.decide_withdrawal(*read, command, person, actor, today)

    return on_divorce.run(uow, divorce_id, decide, actor, today,
                          answer=lambda uow, outcome: divorce_result(outcome.stored) | {"status": "withdrawn"})


def register_divorce(uow: UnitOfWork, divorce_id: str, command: RegisterDivorce, actor: Actor,
                     today: dt.date) -> dict[str, Any]:
    """M-8: POST /divorces/{id}/registration — the marriage ends; two divorce certificates."""
    def decide(read: DivorceRead) -> list[Any]:
        number = take_number(uow, DIVORCE, read[0].office, command.registered_on or today)  # K-4, K-3: both copies
        return divorce.decide_registration(*read, command, actor, today, number)

    def answer(uow: UnitOfWork, outcome: Outcome[DivorceRead]) -> dict[str, Any]:
        p = outcome.stored[-1].payload
        codes = codes_of_new(uow, outcome, p["certificates"])
        return {"divorce_id": p["divorce_id"], "registration_id": p["registration_id"],
                "certificates": certificates_answer(p["certificates"], codes), "registered_on": p["registered_on"],
                "version": outcome.stored[-1].stream_version}

    return on_divorce.run(uow, divorce_id, decide, actor, today, record=_on_its_marriage, answer=answer)


def reissue_divorce_certificate(uow: UnitOfWork, divorce_id: str, command: ReissueDivorceCertificate, actor: Actor,
                                today: dt.date) -> dict[str, Any]:
    """M-7, K-2, K-6: POST /divorces/{id}/certificate-reissues — a `BL` number of the reissuing office, taken in
    this transaction (gap-free); the replaced copy is invalid from the reissue date."""
    def decide(read: DivorceRead) -> list[Any]:
        marriage = read[1]
        rules.check_version(command.version, read[0].version)  # If-Match: the application's, as on its other commands
        person = rules.check_id_number(command.party_id_number, today, "party_id_number").value
        # A refusal below rolls the transaction back, and the serial with it (K-4).
        number = take_number(uow, DIVORCE_REISSUE, actor.office or marriage.office, command.reissued_on or today)
        return decide_divorce_reissue(marriage, divorce_id, command, person, actor, today, number)

    def answer(uow: UnitOfWork, outcome: Outcome[DivorceRead]) -> dict[str, Any]:
        p = outcome.stored[-1].payload
        copies = [{"number": p["new_number"], "id_number": p["id_number"]}]
        return {"divorce_id": p["divorce_id"], "registration_id": p["registration_id"],
                "certificate": p["new_number"], "old_number": p["old_number"], "reissued_on": p["reissued_on"],
                "certificates": certificates_answer(copies, codes_of_new(uow, outcome, copies)),
                "version": outcome.stored[-1].stream_version}

    return on_divorce.run(uow, divorce_id, decide, actor, today, record=_on_its_marriage, answer=answer)


def deem_withdrawn(uow: UnitOfWork, divorce_id: str, today: dt.date) -> bool:
    """M-8: one lapsed application deemed withdrawn (the scheduled check calls it per application)."""
    state, marriage = load_divorce(uow, divorce_id)
    drafts = divorce.decide_lapse(state, marriage.id_numbers, today)
    if drafts:
        uow.record(ev.divorce_stream(divorce_id), drafts, state.version)
    return bool(drafts)


# -- M-13 appointments ----------------------------------------------------------------------------------------
def appointment_result(events: list[Any]) -> dict[str, Any]:
    p = events[-1].payload
    return {"appointment_id": p["appointment_id"], "office": p["office"], "date": p["date"], "kind": p["kind"],
            "status": {ev.APPOINTMENT_BOOKED: "booked", ev.APPOINTMENT_CANCELLED: "cancelled",
                       ev.APPOINTMENT_MISSED: "missed"}[events[-1].type],
            "version": events[-1].stream_version}


def book_appointment(uow: UnitOfWork, command: BookAppointment, actor: Actor, today: dt.date) -> dict[str, Any]:
    """M-13: POST /appointments — a place in the slot, if one is left."""
    if not (stored := uow.replayed()):
        appointment_id = uow.ids.resource("appointment")
        drafts = appointments.decide_booking(command, actor, today, appointment_id)
        capacity = parameters.slot_capacity(command.kind, command.date)
        if not uow.read.book_slot(command.office, command.date, command.kind, capacity):
            raise Refusal(SLOT_FULL, f"all {capacity} places of this slot are booked", 409)
        stored = uow.record(ev.appointment_stream(appointment_id), drafts, NO_STREAM)
    return appointment_result(stored)


def load_appointment(uow: UnitOfWork, appointment_id: str) -> appointments.Appointment:
    state = uow.appointment(appointment_id) if plausible_id(appointment_id) else None
    if state is None:
        raise NotFound("no such appointment")
    return state


# A command on one appointment: replay, load, decide, record, answer the appointment.
on_appointment: OnRecord[appointments.Appointment] = OnRecord(
    load=load_appointment, stream=lambda state: ev.appointment_stream(state.appointment_id),
    answer=lambda uow, outcome: appointment_result(outcome.stored))


def cancel_appointment(uow: UnitOfWork, appointment_id: str, command: CancelAppointment, actor: Actor,
                       today: dt.date) -> dict[str, Any]:
    """M-13: POST /appointments/{id}/cancellation."""
    return on_appointment.run(uow, appointment_id, lambda state: appointments.decide_cancellation(
        state, command, actor, today), actor, today)


def record_no_show(uow: UnitOfWork, appointment_id: str, command: RecordNoShow, actor: Actor,
                   today: dt.date) -> dict[str, Any]:
    """M-13: POST /appointments/{id}/no-show."""
    return on_appointment.run(uow, appointment_id, lambda state: appointments.decide_no_show(
        state, command, actor, today), actor, today)
