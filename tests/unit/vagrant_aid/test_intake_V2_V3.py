"""V-2 intake (identified and unidentified persons, consent, refusal) and V-3 screening."""

import pytest

from services.vagrant_aid.contract import commands as cmd
from services.vagrant_aid.domain import events as ev
from services.vagrant_aid.domain.decide import decide_refuse_aid, temporary_id
from services.vagrant_aid.domain.stations import standing_station
from shared.errors import Refusal
from tests.unit.vagrant_aid.builders import (
    ADULT_MAN,
    ADULT_WOMAN,
    CASE_ID,
    TEMPORARY_ID,
    TODAY,
    WRONG_CHECK_DIGIT,
    at,
    case_of,
    clock,
    identified_intake,
    intake,
    take_in,
)


def refused(command, on=TODAY) -> Refusal:
    with pytest.raises(Refusal) as caught:
        take_in(command, on)
    return caught.value


def test_identified_person_is_taken_in_under_the_id_number_V2():
    [taken_in] = take_in(identified_intake(ADULT_MAN, person={"name": "张三"}, reason="lost his wallet"))

    assert taken_in.type == ev.PERSON_TAKEN_IN
    assert list(taken_in.subjects) == [(ADULT_MAN, "person")]
    payload = taken_in.payload
    assert payload["identified"] is True and payload["minor"] is False
    assert payload["birth_date"] == "1990-01-01" and "estimated_age" not in payload
    assert payload["sex"] == "male"  # from the number (0.1)
    assert (payload["station"], payload["station_division"]) == ("RS-610500", "610500")
    assert payload["arrived_at"] == at(TODAY) and payload["arrived_on"] == "2025-06-10"


def test_unidentified_person_gets_a_temporary_subject_id_V2():
    [taken_in] = take_in(intake(person={"sex": "female", "estimated_age": 60, "description": "灰色外套"}))

    assert list(taken_in.subjects) == [(TEMPORARY_ID, "person")]
    assert taken_in.payload["identified"] is False
    assert taken_in.payload["estimated_age"] == 60 and "birth_date" not in taken_in.payload
    assert temporary_id("RS-610500", 123) == "TMP-RS610500-000123"
    assert temporary_id("RS-610502-3", 7) == "TMP-RS6105023-000007"


def test_source_belongings_and_relatives_contacts_are_recorded_V2():
    [taken_in] = take_in(intake(
        source="police", source_detail="临渭分局",
        belongings=[{"item": "身份证复印件"}, {"item": "现金", "quantity": 2}],
        relatives=[{"name": "李四", "relation": "儿子", "phone": "13800000000"}]))

    assert taken_in.payload["source"] == "police" and taken_in.payload["source_detail"] == "临渭分局"
    assert taken_in.payload["belongings"] == [{"item": "身份证复印件", "quantity": 1}, {"item": "现金", "quantity": 2}]
    assert taken_in.payload["relatives"] == [{"name": "李四", "relation": "儿子", "phone": "13800000000"}]


def test_invalid_id_number_is_refused_with_its_reason_V2():
    problem = refused(identified_intake(WRONG_CHECK_DIGIT))
    assert (problem.code, problem.status) == ("invalid_id_number", 422)
    assert problem.errors == [{"loc": ["body", "person", "id_number"], "msg": "check_digit"}]


def test_recorded_sex_must_agree_with_the_id_number_V2():
    assert refused(identified_intake(ADULT_WOMAN, person={"sex": "male"})).code == "id_number_disagrees"


def test_unidentified_person_needs_sex_and_estimated_age_V2():
    assert refused(intake(person={"sex": None})).code == "sex_required"
    assert refused(intake(person={"estimated_age": None})).code == "estimated_age_required"


def test_aid_is_voluntary_consent_required_V2():
    problem = refused(intake(consent=False))
    assert (problem.code, problem.status) == ("consent_required", 422)


def test_those_who_cannot_speak_for_themselves_are_aided_first_without_consent_V2():
    [taken_in, *_] = take_in(intake(consent=False, speaks_for_self=False, flags=["intellectual"]))
    assert taken_in.payload["consent"] is False and taken_in.payload["speaks_for_self"] is False


def test_cannot_speak_for_themselves_needs_a_reason_flag_V2():
    assert refused(intake(consent=False, speaks_for_self=False, flags=["pregnant"])).code == \
        "incapacity_reason_required"


def test_arrival_in_the_future_or_beyond_the_backdating_limit_is_refused_V2():
    assert refused(intake(arrived_at=at(TODAY, 23)), TODAY).code == "business_date_in_future"
    old = TODAY.replace(month=4)
    assert refused(intake(arrived_at=at(old)), TODAY).code == "business_date_too_old"


def test_ineligible_person_is_refused_with_a_reason_V2():
    command = cmd.RefuseAid.model_validate({
        "station": "RS-610500", "source": "walk_in", "reason": "self_sufficient", "detail": "有住处和收入",
        "person": {"id_number": ADULT_MAN}})
    [draft] = decide_refuse_aid(command, standing_station("RS-610500", TODAY), CASE_ID, clock())

    assert draft.type == ev.AID_REFUSED
    assert draft.payload["reason"] == "self_sufficient" and draft.payload["refused_on"] == "2025-06-10"
    assert list(draft.subjects) == [(ADULT_MAN, "person")]


@pytest.mark.parametrize("flag", ["mental", "infectious_suspected", "ill", "injured"])
def test_screening_flags_refer_to_hospital_V3(flag):
    drafts = take_in(intake(flags=[flag, "elderly"]))

    [referral] = [d for d in drafts if d.type == ev.HOSPITAL_REFERRED]
    assert referral.payload["reasons"] == [flag]
    assert case_of(*drafts).hospital_referral == (flag,)


@pytest.mark.parametrize("flags", [[], ["elderly", "pregnant", "disabled"]])
def test_no_hospital_referral_without_screening_flags_V3(flags):
    assert ev.HOSPITAL_REFERRED not in [d.type for d in take_in(intake(flags=flags))]
