"""Command handlers of divorce by agreement (M-8) and appointments (M-13), and the scheduled check that
deems lapsed divorce applications withdrawn."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.marriage.application.registrations import (
    certificates_answer,
    issue_codes,
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
from services.marriage.domain import appointments, divorce, parameters, rules
from services.marriage.domain import events as ev
from services.marriage.domain.certificates import DIVORCE, DIVORCE_REISSUE
from services.marriage.domain.marriage import decide_divorce_reissue
from shared.actor import Actor
from shared.errors import NotFound, Refusal
from shared.eventstore.base import NO_STREAM


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


def withdraw_divorce(uow: UnitOfWork, divorce_id: str, command: WithdrawDivorce, actor: Actor,
                     today: dt.date) -> dict[str, Any]:
    """M-8: POST /divorces/{id}/withdrawal."""
    if not (stored := uow.replayed()):
        state, marriage = load_divorce(uow, divorce_id)
        person = rules.check_id_number(command.by_id_number, today, "by_id_number").value
        drafts = divorce.decide_withdrawal(state, marriage, command, person, actor, today)
        stored = uow.record(ev.divorce_stream(divorce_id), drafts, state.version)
    return divorce_result(stored) | {"status": "withdrawn"}


def register_divorce(uow: UnitOfWork, divorce_id: str, command: RegisterDivorce, actor: Actor,
                     today: dt.date) -> dict[str, Any]:
    """M-8: POST /divorces/{id}/registration — the marriage ends; two divorce certificates."""
    codes = None
    if not (stored := uow.replayed()):
        state, marriage = load_divorce(uow, divorce_id)
        on = command.registered_on or today
        number = take_number(uow, DIVORCE, state.office, on)  # K-4: one 字号, both copies (K-3)
        drafts = divorce.decide_registration(state, marriage, command, actor, today, number)
        stored = uow.record(ev.marriage_stream(marriage.registration_id), drafts, marriage.version)
        codes = issue_codes(uow, stored[-1].payload["certificates"])
    p = stored[-1].payload
    return {"divorce_id": p["divorce_id"], "registration_id": p["registration_id"],
            "certificates": certificates_answer(p["certificates"], codes), "registered_on": p["registered_on"],
            "version": stored[-1].stream_version}


def reissue_divorce_certificate(uow: UnitOfWork, divorce_id: str, command: ReissueDivorceCertificate, actor: Actor,
                                today: dt.date) -> dict[str, Any]:
    """M-7, K-2, K-6: POST /divorces/{id}/certificate-reissues — a `BL` number of the reissuing office, taken in
    this transaction (gap-free); the replaced copy is invalid from the reissue date."""
    codes = None
    if not (stored := uow.replayed()):
        _, marriage = load_divorce(uow, divorce_id)
        person = rules.check_id_number(command.party_id_number, today, "party_id_number").value
        on = command.reissued_on or today
        # A refusal below rolls the transaction back, and the serial with it (K-4).
        number = take_number(uow, DIVORCE_REISSUE, actor.office or marriage.office, on)
        drafts = decide_divorce_reissue(marriage, divorce_id, command, person, actor, today, number)
        stored = uow.record(ev.marriage_stream(marriage.registration_id), drafts, marriage.version)
        p = stored[-1].payload
        codes = issue_codes(uow, [{"number": p["new_number"], "id_number": p["id_number"]}])
    p = stored[-1].payload
    return {"divorce_id": p["divorce_id"], "registration_id": p["registration_id"], "certificate": p["new_number"],
            "old_number": p["old_number"], "reissued_on": p["reissued_on"],
            "certificates": certificates_answer([{"number": p["new_number"], "id_number": p["id_number"]}], codes),
            "version": stored[-1].stream_version}


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
            raise Refusal("slot_full", f"all {capacity} places of this slot are booked", 409)
        stored = uow.record(ev.appointment_stream(appointment_id), drafts, NO_STREAM)
    return appointment_result(stored)


def load_appointment(uow: UnitOfWork, appointment_id: str) -> appointments.Appointment:
    state = uow.appointment(appointment_id) if plausible_id(appointment_id) else None
    if state is None:
        raise NotFound("no such appointment")
    return state


def cancel_appointment(uow: UnitOfWork, appointment_id: str, command: CancelAppointment, actor: Actor,
                       today: dt.date) -> dict[str, Any]:
    """M-13: POST /appointments/{id}/cancellation."""
    if not (stored := uow.replayed()):
        state = load_appointment(uow, appointment_id)
        drafts = appointments.decide_cancellation(state, command, actor, today)
        stored = uow.record(ev.appointment_stream(appointment_id), drafts, state.version)
    return appointment_result(stored)


def record_no_show(uow: UnitOfWork, appointment_id: str, command: RecordNoShow, actor: Actor,
                   today: dt.date) -> dict[str, Any]:
    """M-13: POST /appointments/{id}/no-show."""
    if not (stored := uow.replayed()):
        state = load_appointment(uow, appointment_id)
        drafts = appointments.decide_no_show(state, command, actor, today)
        stored = uow.record(ev.appointment_stream(appointment_id), drafts, state.version)
    return appointment_result(stored)
