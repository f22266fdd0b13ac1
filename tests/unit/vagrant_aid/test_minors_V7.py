"""V-7: anyone under 18 goes to minors' protection and is referred to child welfare; a minor never leaves
on their own; self-departure only for people 16+ without mental or intellectual disability."""

import datetime as dt

import pytest

from services.vagrant_aid.domain import events as ev
from shared.errors import Refusal
from tests.unit.vagrant_aid.builders import (
    ADULT_MAN,
    BOY_2015,
    GIRL_2008,
    TEMPORARY_ID,
    TODAY,
    case_of,
    exited,
    id_number,
    identified_intake,
    intake,
    new_case,
    take_in,
)


def referral(drafts):
    return next((d for d in drafts if d.type == ev.MINOR_REFERRED), None)


@pytest.mark.parametrize("command", [
    identified_intake(BOY_2015),  # the ID number says 10
    intake(person={"estimated_age": 15}),  # estimated under 18
    intake(person={"estimated_age": 30}, flags=["minor"]),  # flagged by the staff
])
def test_anyone_under_18_is_referred_to_child_welfare_V7(command):
    drafts = take_in(command)
    assert case_of(*drafts).minor
    assert referral(drafts).payload["guardianship"] == "temporary_state"


def test_the_referral_carries_what_child_welfare_needs_V7():
    drafts = take_in(identified_intake(BOY_2015, flags=["minor"]))
    minor = referral(drafts)
    assert list(minor.subjects) == [(BOY_2015, "child")]
    assert minor.payload == {"case_id": drafts[0].payload["case_id"], "station": "RS-610500",
                             "station_division": "610500", "referred_on": "2025-06-10", "identified": True,
                             "birth_date": "2015-01-01", "sex": "male", "guardianship": "temporary_state"}
    unidentified = referral(take_in(intake(person={"estimated_age": 12, "sex": "female"})))
    assert unidentified.subjects[0][0] == TEMPORARY_ID and unidentified.payload["estimated_age"] == 12
    assert unidentified.payload["identified"] is False and "birth_date" not in unidentified.payload


def test_a_minor_needs_no_consent_of_their_own_V7():
    assert referral(take_in(intake(person={"estimated_age": 14}, consent=False)))


def test_adults_are_not_referred_V7():
    assert referral(take_in(identified_intake(ADULT_MAN))) is None
    assert referral(take_in(intake(person={"estimated_age": 18}))) is None


def test_the_id_number_wins_over_a_minor_flag_on_an_adult_V7():
    with pytest.raises(Refusal) as refused:
        take_in(identified_intake(ADULT_MAN, flags=["minor"]))
    assert refused.value.code == "id_number_disagrees"


def test_a_minors_birthday_the_day_after_arrival_still_makes_a_minor_V7():
    turns_18_tomorrow = id_number("20070611")
    assert case_of(*take_in(identified_intake(turns_18_tomorrow))).minor
    assert not case_of(*take_in(identified_intake(id_number("20070610")))).minor


def test_minor_cannot_leave_by_self_departure_V7():
    case = new_case(identified_intake(GIRL_2008))  # 17: old enough by age, but a minor
    with pytest.raises(Refusal) as refused:
        exited(case, kind="self_departure", declaration_signed=True)
    assert (refused.value.code, refused.value.status) == ("minor_cannot_self_depart", 422)


def test_a_minors_aid_is_not_simply_terminated_V7():
    with pytest.raises(Refusal) as refused:
        exited(new_case(intake(person={"estimated_age": 12})), kind="terminated", reason="x")
    assert refused.value.code == "minor_aid_cannot_be_terminated"


@pytest.mark.parametrize("kind_body", [
    {"kind": "collected", "relation": "母亲"},
    {"kind": "transferred", "transferred_to": "minors_protection"},
    {"kind": "escorted", "destination_division": "610528", "handed_to": "富平县民政局"},
    {"kind": "absconded"},
])
def test_a_minors_case_ends_by_collection_escort_transfer_or_absconding_V7(kind_body):
    case = exited(new_case(intake(person={"estimated_age": 12})), **kind_body)
    assert not case.is_open and case.exit["minor"] is True


@pytest.mark.parametrize(("person", "flags"), [
    ({"estimated_age": 30}, ["mental"]),
    ({"estimated_age": 30}, ["intellectual"]),
])
def test_self_departure_not_allowed_with_mental_or_intellectual_disability_V7(person, flags):
    case = new_case(intake(person=person, flags=flags, consent=True))
    with pytest.raises(Refusal) as refused:
        exited(case, kind="self_departure", declaration_signed=True)
    assert refused.value.code == "self_departure_not_allowed"


def test_self_departure_for_an_adult_by_signed_declaration_V7():
    case = new_case(identified_intake(ADULT_MAN))
    with pytest.raises(Refusal) as unsigned:
        exited(case, kind="self_departure", declaration_signed=False)
    assert unsigned.value.code == "declaration_required"
    left = exited(case, TODAY + dt.timedelta(days=0), kind="self_departure", declaration_signed=True)
    assert left.exit["kind"] == "self_departure"
