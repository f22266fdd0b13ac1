"""Registering a marriage, rules M-1 to M-6: given what is known of both persons, when a clerk registers,
then `MarriageRegistered` — or an `ApplicationRefused` with every broken rule's code (M-5)."""

from __future__ import annotations

import datetime as dt

import pytest

from services.marriage.domain import events as ev
from services.marriage.domain.registration import decide_refusal_record, prepare
from services.marriage.domain.rules import ApplicationRefused, PersonFacts
from shared.errors import Refusal
from tests.unit.marriage.given import (
    CLERK,
    MAN,
    NEW,
    OFFICE,
    REGISTRAR,
    REGISTRATION_ID,
    TODAY,
    WOMAN,
    person,
    register,
    registration_command,
)


def reasons_of(action) -> list[str]:
    with pytest.raises(ApplicationRefused) as refused:
        action()
    return refused.value.reasons


def refusal_of(action) -> Refusal:
    with pytest.raises(Refusal) as refused:
        action()
    return refused.value


def test_a_man_and_a_woman_of_age_with_the_declaration_are_registered_with_two_certificates():
    [event] = register(WOMAN, MAN)

    assert (event.type, event.occurred_on) == (ev.MARRIAGE_REGISTERED, TODAY)
    p = event.payload
    assert (p["registration_id"], p["office"], p["office_division"], p["registered_on"]) == (
        REGISTRATION_ID, OFFICE, "610502", "2025-06-16")
    assert [(party["id_number"], party["sex"]) for party in p["parties"]] == [(MAN, "male"), (WOMAN, "female")]
    assert p["certificates"] == [{"number": NEW.certificate_number, "id_number": MAN},
                                 {"number": NEW.certificate_number, "id_number": WOMAN}]  # K-3: one 字号
    assert (p["cross_county"], p["imported"], p["jurisdiction"]) == (False, False, "national")
    assert event.subjects == ((MAN, "party"), (WOMAN, "party"))


# -- M-1 --------------------------------------------------------------------------------------------------------
def test_a_man_one_day_short_of_22_is_below_legal_age_and_22_on_the_day_is_of_age_M1():
    almost = person(dt.date(2003, 6, 17), "male")
    exactly = person(dt.date(2003, 6, 16), "male")

    assert reasons_of(lambda: register(almost, WOMAN)) == ["below_legal_age"]
    assert register(exactly, WOMAN)[0].type == ev.MARRIAGE_REGISTERED


def test_a_woman_one_day_short_of_20_is_below_legal_age_and_20_on_the_day_is_of_age_M1():
    almost = person(dt.date(2005, 6, 17), "female")
    exactly = person(dt.date(2005, 6, 16), "female")

    assert reasons_of(lambda: register(MAN, almost)) == ["below_legal_age"]
    assert register(MAN, exactly)[0].type == ev.MARRIAGE_REGISTERED


def test_a_woman_born_on_29_february_turns_20_on_1_march_in_a_common_year_M1():
    leap_born = "610528200002290042"  # domain.md 0.1: valid female, born 29 Feb 2000

    assert reasons_of(lambda: register(MAN, leap_born, registered_on=dt.date(2020, 2, 28),
                                       actor=REGISTRAR)) == ["below_legal_age"]
    assert register(MAN, leap_born, actor=REGISTRAR, registered_on=dt.date(2020, 3, 1))[0].type == (
        ev.MARRIAGE_REGISTERED)


def test_ages_are_judged_on_the_registration_date_not_today_M1():
    turns_22_next_week = person(dt.date(2003, 6, 23), "male")

    assert reasons_of(lambda: register(turns_22_next_week, WOMAN)) == ["below_legal_age"]
    assert register(turns_22_next_week, WOMAN, today=dt.date(2025, 6, 23))[0].type == ev.MARRIAGE_REGISTERED


# -- M-2 --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("pair", [(MAN, person(dt.date(1991, 3, 3), "male")),
                                  (WOMAN, person(dt.date(1991, 3, 3), "female")),
                                  (MAN, MAN)], ids=["two men", "two women", "one person twice"])
def test_only_one_man_and_one_woman_by_their_id_numbers_may_marry_M2(pair):
    assert reasons_of(lambda: register(*pair)) == ["not_one_man_one_woman"]


# -- M-3 --------------------------------------------------------------------------------------------------------
def test_a_party_married_at_any_office_is_refused_already_married_M3():
    elsewhere = (PersonFacts(married_in="registered-at-MR-610528"), PersonFacts())

    assert reasons_of(lambda: register(facts=elsewhere)) == ["already_married"]


def test_a_party_recorded_as_deceased_cannot_marry_M3():
    dead = (PersonFacts(), PersonFacts(died_on=dt.date(2025, 1, 3)))

    assert reasons_of(lambda: register(facts=dead)) == ["deceased"]


# -- M-4 --------------------------------------------------------------------------------------------------------
def test_registration_without_the_signed_declaration_is_refused_M4():
    assert reasons_of(lambda: register(signed=False)) == ["missing_declaration"]


# -- M-5 --------------------------------------------------------------------------------------------------------
def test_every_broken_rule_is_a_reason_and_the_refusal_record_carries_them_all_M5():
    young = person(dt.date(2010, 1, 1), "male")
    facts = (PersonFacts(), PersonFacts(married_in="r-1"))

    with pytest.raises(ApplicationRefused) as refused:
        register(young, WOMAN, facts=facts, signed=False)

    assert refused.value.reasons == ["missing_declaration", "below_legal_age", "already_married"]
    [record] = decide_refusal_record(refused.value, "refusal-1")
    assert (record.type, record.occurred_on) == (ev.REGISTRATION_REFUSED, TODAY)
    assert record.payload == {"refusal_id": "refusal-1", "office": OFFICE, "refused_on": "2025-06-16",
                              "reasons": ["missing_declaration", "below_legal_age", "already_married"]}
    assert record.subjects == ((young, "applicant"), (WOMAN, "applicant"))


def test_a_refusal_answers_with_its_first_reason_422_for_input_and_409_for_state_only_M5():
    mixed = ApplicationRefused(["below_legal_age", "already_married"], (), OFFICE, TODAY).as_refusal("r")
    state_only = ApplicationRefused(["already_married", "deceased"], (), OFFICE, TODAY).as_refusal("r")

    assert (mixed.code, mixed.status) == ("below_legal_age", 422)
    assert (state_only.code, state_only.status) == ("already_married", 409)
    assert [e["msg"] for e in state_only.errors] == ["already_married", "deceased"]


# -- M-6 --------------------------------------------------------------------------------------------------------
BEFORE_CITYWIDE = dt.date(2022, 3, 31)
CITYWIDE = dt.date(2022, 4, 1)
PROVINCE_WIDE = dt.date(2023, 6, 1)
NATIONWIDE = dt.date(2025, 5, 10)
XIAN_MAN = person(dt.date(1990, 5, 5), "male", division="610102")  # 西安市新城区: Shaanxi, not Weinan
XIAN_WOMAN = person(dt.date(1990, 5, 5), "female", division="610102")
BEIJING_MAN = person(dt.date(1990, 5, 5), "male", division="110101")
BEIJING_WOMAN = person(dt.date(1990, 5, 5), "female", division="110101")


def at(day: dt.date, *ids: str, office: str = OFFICE, **changes) -> list:
    return register(*ids, office=office, registered_on=day, actor=REGISTRAR, today=TODAY, **changes)


def test_before_citywide_handling_only_an_office_of_a_partys_household_county_registers_M6():
    assert reasons_of(lambda: at(BEFORE_CITYWIDE, office="MR-610528")) == ["not_in_jurisdiction"]
    assert at(BEFORE_CITYWIDE)[0].payload["jurisdiction"] == "household_county"


def test_an_old_address_code_counts_as_its_present_county_M6():
    hua_county = "61052119750310005X"  # domain.md 0.1: 华县 (abolished 2015) → 华州区 610503

    [event] = at(BEFORE_CITYWIDE, hua_county, person(dt.date(1980, 1, 1), "female", "610528"), office="MR-610503")

    assert event.payload["cross_county"] is False


def test_from_2022_04_01_any_office_of_the_city_registers_if_one_party_lives_in_the_city_M6():
    [event] = at(CITYWIDE, MAN, WOMAN, office="MR-610528")

    assert (event.payload["jurisdiction"], event.payload["cross_county"]) == ("city", True)
    assert at(CITYWIDE, XIAN_MAN, WOMAN, office="MR-610528")[0].payload["cross_county"] is True
    assert reasons_of(lambda: at(CITYWIDE, XIAN_MAN, XIAN_WOMAN)) == ["not_in_jurisdiction"]


def test_from_2023_06_01_the_province_counts_and_from_2025_05_10_the_nation_M6():
    assert at(PROVINCE_WIDE, XIAN_MAN, XIAN_WOMAN)[0].payload["jurisdiction"] == "province"
    assert reasons_of(lambda: at(PROVINCE_WIDE, BEIJING_MAN, BEIJING_WOMAN)) == ["not_in_jurisdiction"]
    assert reasons_of(lambda: at(NATIONWIDE - dt.timedelta(days=1), BEIJING_MAN, BEIJING_WOMAN)) == [
        "not_in_jurisdiction"]
    assert at(NATIONWIDE, BEIJING_MAN, BEIJING_WOMAN)[0].payload["jurisdiction"] == "national"


def test_the_household_division_given_overrides_the_id_numbers_address_code_M6():
    moved = at(BEFORE_CITYWIDE, XIAN_MAN, XIAN_WOMAN, households=("610502", None))

    assert moved[0].payload["parties"][0]["household_division"] == "610502"
    assert moved[0].payload["cross_county"] is False


def test_cross_county_is_recorded_when_the_office_is_in_neither_partys_county_M6():
    assert register(office="MR-610502")[0].payload["cross_county"] is False
    assert register(office="MR-610528", actor=REGISTRAR)[0].payload["cross_county"] is True


# -- what is refused before any rule (no refusal record) ------------------------------------------------------
def test_a_clerk_registers_only_at_the_clerks_own_office():
    assert refusal_of(lambda: prepare(registration_command(office="MR-610528"), CLERK, TODAY)).status == 403


@pytest.mark.parametrize(("number", "reason"), [("610502199001010012", "check_digit"),
                                                ("61052219990229001X", "birth_date"),
                                                ("610502900101001", "first_generation")])
def test_invalid_id_numbers_are_422_invalid_id_number_with_the_reason(number, reason):
    refused = refusal_of(lambda: prepare(registration_command(number, WOMAN), CLERK, TODAY))

    assert (refused.code, refused.status) == ("invalid_id_number", 422)
    assert reason in refused.detail and refused.errors[0]["loc"] == ["body", "parties.0.id_number"]


def test_business_dates_are_never_in_the_future_and_clerks_go_back_30_days_at_most():
    tomorrow = registration_command(registered_on=TODAY + dt.timedelta(days=1))
    long_ago = registration_command(registered_on=TODAY - dt.timedelta(days=31))

    assert refusal_of(lambda: prepare(tomorrow, CLERK, TODAY)).code == "business_date_in_future"
    assert refusal_of(lambda: prepare(long_ago, CLERK, TODAY)).code == "business_date_too_old"
    assert prepare(long_ago, REGISTRAR, TODAY).registered_on == TODAY - dt.timedelta(days=31)


def test_an_unknown_household_division_is_refused():
    command = registration_command(households=("999999", None))

    assert refusal_of(lambda: prepare(command, CLERK, TODAY)).code == "invalid_division"
