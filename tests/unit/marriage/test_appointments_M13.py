"""M-13: appointments — booked for a date ahead, cancelled, a no-show recorded once the day has come."""

from __future__ import annotations

import datetime as dt

import pytest

from services.marriage.contract.commands import BookAppointment, CancelAppointment, RecordNoShow
from services.marriage.domain import appointments
from services.marriage.domain import events as ev
from services.marriage.domain.parameters import slot_capacity
from shared.errors import Refusal
from tests.unit.marriage.given import CLERK, MAN, OTHER_CLERK, TODAY, WOMAN

APPOINTMENT_ID = "b0000000-0000-4000-8000-000000000001"


def book(day: dt.date = TODAY + dt.timedelta(days=3), actor=CLERK):
    command = BookAppointment(office="MR-610502", date=day, kind="marriage", id_numbers=[MAN, WOMAN])
    return appointments.decide_booking(command, actor, TODAY, APPOINTMENT_ID)


def test_a_booking_names_office_date_kind_and_the_applicants_M13():
    [booked] = book()

    assert booked.type == ev.APPOINTMENT_BOOKED
    assert booked.payload == {"appointment_id": APPOINTMENT_ID, "office": "MR-610502", "date": "2025-06-19",
                              "kind": "marriage", "id_numbers": [MAN, WOMAN]}


def test_slots_have_a_dated_capacity_per_kind_M13():
    assert slot_capacity("marriage", TODAY) == 40 and slot_capacity("divorce", TODAY) == 20


def test_bookings_are_for_today_or_later_within_the_horizon_and_at_the_clerks_office_M13():
    for day, code in ((TODAY - dt.timedelta(days=1), "date_in_past"), (TODAY + dt.timedelta(days=61), "date_too_far")):
        with pytest.raises(Refusal) as refused:
            book(day)
        assert refused.value.code == code
    with pytest.raises(Refusal) as elsewhere:
        book(actor=OTHER_CLERK)
    assert elsewhere.value.status == 403


def test_a_booking_is_cancelled_once_and_a_no_show_is_recorded_on_or_after_its_day_M13():
    state = appointments.fold(book())

    [cancelled] = appointments.decide_cancellation(state, CancelAppointment(), CLERK, TODAY)
    assert cancelled.type == ev.APPOINTMENT_CANCELLED
    with pytest.raises(Refusal) as twice:
        appointments.decide_cancellation(appointments.fold([*book(), cancelled]), CancelAppointment(), CLERK, TODAY)
    assert (twice.value.code, twice.value.status) == ("appointment_cancelled", 409)

    with pytest.raises(Refusal) as early:
        appointments.decide_no_show(state, RecordNoShow(), CLERK, TODAY)
    assert early.value.code == "appointment_not_due"
    [missed] = appointments.decide_no_show(state, RecordNoShow(), CLERK, TODAY + dt.timedelta(days=3))
    assert (missed.type, missed.occurred_on) == (ev.APPOINTMENT_MISSED, TODAY + dt.timedelta(days=3))
