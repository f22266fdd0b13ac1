"""Rule 0.1: resident ID numbers (GB 11643), with the synthetic numbers of domain.md."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.reference.divisions import all_divisions
from shared.reference.idnumber import (
    WEIGHTS,
    IdNumber,
    InvalidIdNumber,
    check_agrees,
    check_digit,
    is_valid_id_number,
    mask_id_number,
    parse_id_number,
)

TODAY = date(2025, 11, 1)


def refusal(text: str, **kwargs: object) -> str:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(text, today=TODAY, **kwargs)
    return caught.value.reason


# --- the synthetic numbers of domain.md 0.1 -------------------------------------------------------


def test_synthetic_male_number_of_linwei_is_valid() -> None:
    parsed = parse_id_number("610502199001010011", today=TODAY)
    assert parsed == IdNumber("610502199001010011", "610502", date(1990, 1, 1), "male")


def test_synthetic_female_number_with_x_check_character_is_valid() -> None:
    parsed = parse_id_number("61050219900101002X", today=TODAY)
    assert (parsed.sex, parsed.birth_date) == ("female", date(1990, 1, 1))


def test_female_born_on_29_february_of_a_leap_year_is_valid() -> None:
    parsed = parse_id_number("610528200002290042", today=TODAY)
    assert (parsed.division, parsed.birth_date, parsed.sex) == ("610528", date(2000, 2, 29), "female")


def test_number_with_abolished_huaxian_code_610521_is_still_valid() -> None:
    parsed = parse_id_number("61052119750310005X", today=TODAY)
    assert (parsed.division, parsed.birth_date) == ("610521", date(1975, 3, 10))


def test_29_february_of_a_common_year_is_refused_as_birth_date_although_check_digit_fits() -> None:
    assert check_digit("61052219990229001") == "X"
    assert refusal("61052219990229001X") == "birth_date"


def test_wrong_check_digit_is_refused_as_check_digit() -> None:
    assert refusal("610502199001010012") == "check_digit"


# --- check character ------------------------------------------------------------------------------


def test_check_digit_of_synthetic_male_number_matches() -> None:
    assert check_digit("61050219900101001") == "1"


def test_check_digit_is_x_when_the_weighted_sum_leaves_2() -> None:
    assert check_digit("61050219900101002") == "X"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_is_the_weighted_sum_of_the_standard_modulo_11(first17: str) -> None:
    # GB 11643's own definition, digit by digit: the weights 2^(18 - i) mod 11, the sum's remainder indexing
    # "10X98765432" (the code computes it another way: shared/reference/idnumber.py, _check_character).
    weights = [2 ** (18 - i) % 11 for i in range(1, 18)]
    assert tuple(weights) == WEIGHTS
    remainder = sum(int(digit) * weight for digit, weight in zip(first17, weights, strict=True)) % 11
    assert check_digit(first17) == "10X98765432"[remainder]


def test_check_digit_refuses_anything_but_17_ascii_digits() -> None:
    for bad in (
        "6105021990010100",
        "610502199001010011",
        "6105021990010100X",
        "６１０５０２１９９００１０１００１",
    ):
        with pytest.raises(InvalidIdNumber):
            check_digit(bad)


# --- input forms ----------------------------------------------------------------------------------


def test_lower_case_x_is_accepted_and_stored_as_upper_case() -> None:
    assert parse_id_number("61050219900101002x", today=TODAY).value == "61050219900101002X"


def test_surrounding_spaces_tabs_and_line_ends_are_stripped() -> None:
    assert parse_id_number(" \t610502199001010011\r\n", today=TODAY).value == "610502199001010011"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "610502 199001010011",
        "610502-199001010011",
        "610502199001010011\x00",
        "\x1f610502199001010011",
        "\u00a0610502199001010011",  # no-break space is not stripped
        "610502199001010011\u200b",  # zero-width space
        "６１０５０２１９９００１０１００１１",  # full-width digits
        "٦١٠٥٠٢١٩٩٠٠١٠١٠٠١١",  # Arabic-Indic digits
        "६१०५०२१९९००१०१००११",  # Devanagari digits
        "61050219900101001Ｘ",  # full-width X
        "6105021990010100111",
        "61050219900101001",
        "X10502199001010011",
        "61050219900101001x0",
    ],
)
def test_anything_but_ascii_digits_and_a_final_x_is_refused_as_format(text: str) -> None:
    assert refusal(text) == "format"


def test_lower_case_x_anywhere_but_the_end_is_refused_as_format() -> None:
    assert refusal("6105021990010100x1") == "format"


# --- birth date and address code ------------------------------------------------------------------


def test_birth_date_after_today_is_refused() -> None:
    body = "61050220251102001"
    assert refusal(body + check_digit(body)) == "birth_date"


def test_birth_date_today_is_accepted() -> None:
    body = "61050220251101001"
    assert parse_id_number(body + check_digit(body), today=TODAY).birth_date == TODAY


def test_birth_date_before_1900_is_refused() -> None:
    body = "61050218991231001"
    assert refusal(body + check_digit(body)) == "birth_date"


def test_birth_on_1900_01_01_is_accepted() -> None:
    body = "61050219000101001"
    assert is_valid_id_number(body + check_digit(body), today=TODAY)


def test_month_13_is_refused_as_birth_date() -> None:
    body = "61050219901301001"
    assert refusal(body + check_digit(body)) == "birth_date"


def test_made_up_address_code_990101_is_refused_as_division() -> None:
    body = "99010119900101001"
    assert refusal(body + check_digit(body)) == "division"


def test_city_level_code_610500_is_not_an_address_code() -> None:
    body = "61050019900101001"
    assert refusal(body + check_digit(body)) == "division"


def test_code_of_the_former_weinan_prefecture_612124_is_a_valid_address_code() -> None:
    body = "61212419750310001"
    assert parse_id_number(body + check_digit(body), today=TODAY).division == "612124"


def test_address_code_of_another_province_is_accepted_for_nationwide_handling() -> None:
    body = "11010519880808002"  # 北京市朝阳区
    assert parse_id_number(body + check_digit(body), today=TODAY).sex == "female"


# --- first generation -----------------------------------------------------------------------------


def test_15_digit_number_is_refused_for_new_registrations() -> None:
    assert refusal("610502900101001") == "first_generation"
    assert not is_valid_id_number("610502900101001", today=TODAY)


def test_15_digit_number_is_parsed_for_historical_imports_when_allowed() -> None:
    parsed = parse_id_number("610502900101002", allow_first_generation=True, today=TODAY)
    assert parsed == IdNumber("610502900101002", "610502", date(1990, 1, 1), "female")
    assert parsed.first_generation


def test_15_digit_number_still_needs_a_real_date_and_known_division() -> None:
    assert refusal("610502900230001", allow_first_generation=True) == "birth_date"
    assert refusal("990101900101001", allow_first_generation=True) == "division"


# --- agreement, masking ---------------------------------------------------------------------------


def test_record_sex_and_birth_date_that_agree_with_the_number_pass() -> None:
    parsed = parse_id_number("610502199001010011", today=TODAY)
    check_agrees(parsed, sex="male", birth_date=date(1990, 1, 1))


@pytest.mark.parametrize("record", [{"sex": "female"}, {"birth_date": date(1990, 1, 2)}])
def test_record_sex_or_birth_date_that_disagrees_with_the_number_is_refused(record: dict) -> None:
    parsed = parse_id_number("610502199001010011", today=TODAY)
    with pytest.raises(InvalidIdNumber) as caught:
        check_agrees(parsed, **record)
    assert caught.value.reason == "disagrees"


def test_mask_keeps_first_six_and_last_four() -> None:
    assert mask_id_number("610502199001010011") == "610502********0011"


def test_repr_of_a_parsed_number_is_masked() -> None:
    assert "19900101" not in repr(parse_id_number("610502199001010011", today=TODAY))


def test_mask_of_short_junk_reveals_nothing() -> None:
    assert mask_id_number("1234567") == "*******"


# --- properties (ISO 7064 MOD 11-2) ---------------------------------------------------------------

COUNTY_CODES = [d.code for d in all_divisions() if d.level == "county"]


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    division = draw(st.sampled_from(COUNTY_CODES))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(min_value=0, max_value=999))
    body = f"{division}{born:%Y%m%d}{sequence:03d}"
    return body + check_digit(body)


@given(valid_numbers())
def test_any_body_with_known_division_and_real_date_plus_its_check_digit_is_valid(number: str) -> None:
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.value == number
    assert parsed.sex == ("male" if int(number[16]) % 2 else "female")


@given(valid_numbers(), st.data())
def test_changing_any_single_character_makes_a_valid_number_invalid(number: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=17))
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    assert refusal(changed) == "check_digit"


@given(valid_numbers())
def test_mask_never_reveals_the_birth_date_or_sequence(number: str) -> None:
    masked = mask_id_number(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:]
    assert set(masked[6:14]) == {"*"}


def test_a_number_that_is_not_text_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parse_id_number(610502199001010011)  # type: ignore[arg-type]


def test_the_sequence_digit_gives_the_sex_odd_male_even_female_in_both_generations() -> None:
    for digit in "0123456789":
        sex = "male" if int(digit) % 2 else "female"
        body = f"6105021990010100{digit}"
        assert parse_id_number(body + check_digit(body), today=TODAY).sex == sex
        first = f"61050290010100{digit}"
        assert parse_id_number(first, allow_first_generation=True, today=TODAY).sex == sex
