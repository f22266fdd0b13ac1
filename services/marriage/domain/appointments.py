"""M-13: online appointments (网上预约) — a slot at an office on a date for a marriage or a divorce.

A slot's capacity is a dated parameter; that it is not exceeded under concurrent bookings is the read
model's conditional update (adapters/read_models.py), not a check here. Bookings can be cancelled; a
no-show is recorded once the day has come.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from services.marriage.contract import events as contract
from services.marriage.contract.commands import BookAppointment, CancelAppointment, RecordNoShow
from services.marriage.contract.refusals import APPOINTMENT_NOT_DUE, DATE_IN_PAST, DATE_TOO_FAR
from services.marriage.domain import events as ev
from services.marriage.domain import parameters, rules
from services.marriage.domain.events import Draft, parties
from shared.actor import Actor
from shared.errors import Refusal


@dataclass(frozen=True)
class Appointment:
    appointment_id: str
    office: str
    date: dt.date
    kind: str
    id_numbers: tuple[str, ...]
    status: str = "booked"  # booked | cancelled | missed
    version: int = 0


def evolve(state: Appointment | None, event: contract.EventModel) -> Appointment:
    match event:
        case contract.AppointmentBooked():
            return Appointment(event.appointment_id, event.office, event.date, event.kind, event.id_numbers)
    assert state is not None, f"{event.TYPE} before {ev.APPOINTMENT_BOOKED}"
    match event:
        case contract.AppointmentCancelled():
            return replace(state, status="cancelled")
        case contract.AppointmentMissed():
            return replace(state, status="missed")
    return state


def fold(events: Iterable[Any]) -> Appointment | None:
    state = None
    for event in events:
        state = replace(evolve(state, contract.CATALOGUE.read(event)), version=getattr(event, "stream_version", 0))
    return state


def decide_booking(command: BookAppointment, actor: Actor, today: dt.date, appointment_id: str) -> list[Draft]:
    office = rules.check_office(command.office)
    rules.check_acts_for_office(actor, office)
    if command.date < today:
        raise rules.refusal(DATE_IN_PAST, "appointments are booked for today or later", field="date")
    horizon = parameters.appointment_horizon_days(today)
    if command.date > today + dt.timedelta(days=horizon):
        raise rules.refusal(DATE_TOO_FAR, f"appointments are booked at most {horizon} days ahead", field="date")
    persons = [rules.check_id_number(n, today, f"id_numbers.{i}").value for i, n in enumerate(command.id_numbers)]
    payload = {"appointment_id": appointment_id, "office": office, "date": command.date.isoformat(),
               "kind": command.kind, "id_numbers": persons}
    return [Draft.of(contract.AppointmentBooked(**payload), today, parties(*dict.fromkeys(persons), role="applicant"))]


def _check_booked(state: Appointment) -> None:
    if state.status != "booked":
        raise Refusal(f"appointment_{state.status}", f"the appointment is {state.status}", 409)


def decide_cancellation(state: Appointment, command: CancelAppointment, actor: Actor, today: dt.date) -> list[Draft]:
    rules.check_acts_for_office(actor, state.office)
    _check_booked(state)
    on = command.cancelled_on or today
    rules.check_business_day(on, actor, today, "cancelled_on")
    payload = {"appointment_id": state.appointment_id, "office": state.office, "date": state.date.isoformat(),
               "kind": state.kind, "cancelled_on": on.isoformat()}
    return [Draft.of(contract.AppointmentCancelled(**payload), on, parties(*state.id_numbers, role="applicant"))]


def decide_no_show(state: Appointment, command: RecordNoShow, actor: Actor, today: dt.date) -> list[Draft]:
    rules.check_acts_for_office(actor, state.office)
    rules.check_version(command.version, state.version)
    _check_booked(state)
    if today < state.date:
        raise Refusal(APPOINTMENT_NOT_DUE, f"the appointment is on {state.date}", 409)
    payload = {"appointment_id": state.appointment_id, "office": state.office, "date": state.date.isoformat(),
               "kind": state.kind}
    return [Draft.of(contract.AppointmentMissed(**payload), state.date, parties(*state.id_numbers, role="applicant"))]
