"""V-8: seven ways a case ends, each with its own facts (docs/events.md `PersonExited`)."""

import datetime as dt

import pytest
from pydantic import ValidationError

from services.vagrant_aid.domain import events as ev
from services.vagrant_aid.domain.decide import decide_record_exit
from shared.errors import Refusal
from tests.unit.vagrant_aid.builders import (
    ADULT_MAN,
    TEMPORARY_ID,
    TODAY,
    at,
    clock,
    exit_command,
    exited,
    identified_intake,
    intake,
    new_case,
)

YESTERDAY = TODAY - dt.timedelta(days=1)


def exit_event(case, **body):
    [draft] = decide_record_exit(exit_command(**body), case, clock())
    assert draft.type == ev.PERSON_EXITED
    return draft


def test_escorted_home_records_destination_and_whom_the_person_was_handed_to_V8():
    draft = exit_event(new_case(identified_intake(ADULT_MAN)), kind="escorted", destination_division="410102",
                       handed_to="中原区民政局")
    assert draft.payload["destination_division"] == "410102" and draft.payload["handed_to"] == "中原区民政局"
    assert list(draft.subjects) == [(ADULT_MAN, "person")]


def test_escort_to_an_unknown_division_is_refused_V8():
    with pytest.raises(Refusal) as refused:
        exit_event(new_case(), kind="escorted", destination_division="999999", handed_to="x")
    assert refused.value.code == "unknown_division"


@pytest.mark.parametrize(("body", "fields"), [
    ({"kind": "collected", "collected_by": "王五", "relation": "儿子"}, {"collected_by": "王五", "relation": "儿子"}),
    ({"kind": "transferred", "transferred_to": "care_home", "institution": "市福利院"},
     {"transferred_to": "care_home", "institution": "市福利院"}),
    ({"kind": "absconded"}, {}),
    ({"kind": "terminated", "reason": "提供虚假情况"}, {"reason": "提供虚假情况"}),
    ({"kind": "self_departure", "declaration_signed": True}, {"declaration_signed": True}),
])
def test_every_kind_of_exit_records_its_facts_V8(body, fields):
    draft = exit_event(new_case(), **body)
    assert draft.payload["kind"] == body["kind"] and draft.payload["exited_on"] == "2025-06-10"
    assert draft.payload.items() >= fields.items()


def test_death_carries_what_the_funeral_service_needs_V8():
    case = new_case(intake(arrived_at=at(YESTERDAY)), on=YESTERDAY)
    draft = exit_event(case, kind="died", died_on=TODAY.isoformat(), place_division="610502", natural=True,
                       certificate_no="D-2025-001", issuer="渭南市中心医院", police_case="P-77")
    assert draft.payload.items() >= {
        "kind": "died", "died_on": "2025-06-10", "exited_on": "2025-06-10", "place_division": "610502",
        "natural": True, "certificate_no": "D-2025-001", "issuer": "渭南市中心医院", "identified": False,
        "temporary_id": TEMPORARY_ID, "police_case": "P-77", "station": "RS-610500"}.items()
    assert draft.subjects[0][0] == TEMPORARY_ID  # funeral: the unidentified-body procedure


@pytest.mark.parametrize(("arrived", "died", "left"), [
    (TODAY, YESTERDAY, TODAY),  # died before arrival
    (YESTERDAY, TODAY, YESTERDAY),  # died after the exit it ends the case with
])
def test_a_death_outside_the_stay_is_refused_V8(arrived, died, left):
    case = new_case(intake(arrived_at=at(arrived)), on=arrived)
    with pytest.raises(Refusal) as refused:
        exit_event(case, kind="died", died_on=died.isoformat(), exited_on=left.isoformat(), place_division="610502",
                   natural=True, certificate_no="D1", issuer="x")
    assert refused.value.code == "invalid_date_of_death"


def test_a_case_ends_once_V8():
    case = exited(new_case(), kind="absconded")
    with pytest.raises(Refusal) as refused:
        exited(case, kind="absconded")
    assert (refused.value.code, refused.value.status) == ("case_closed", 409)


def test_an_exit_before_arrival_is_refused_V8():
    with pytest.raises(Refusal) as refused:
        exited(new_case(), kind="absconded", exited_on=YESTERDAY.isoformat())
    assert refused.value.code == "date_before_arrival"


def test_each_kind_takes_only_its_own_fields_V8():
    with pytest.raises(ValidationError):
        exit_command(kind="absconded", handed_to="x")
    with pytest.raises(ValidationError):
        exit_command(kind="escorted", destination_division="610502")  # whom was the person handed to?
    with pytest.raises(ValidationError):
        exit_command(kind="vanished")
