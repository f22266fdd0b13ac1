"""Rule 0.2 (Weinan's divisions, GB/T 2260) and the place codes of api.md."""

from __future__ import annotations

from datetime import date

import pytest

from shared.reference.divisions import (
    WEINAN,
    all_divisions,
    city_of,
    division,
    in_city,
    is_county_level,
    is_known_division,
    parse_divisions_yaml,
    province_of,
    weinan_counties,
)
from shared.reference.places import InvalidPlace, Place, development_places, parse_place

WEINAN_TODAY = {
    "610502": "临渭区",
    "610503": "华州区",
    "610522": "潼关县",
    "610523": "大荔县",
    "610524": "合阳县",
    "610525": "澄城县",
    "610526": "蒲城县",
    "610527": "白水县",
    "610528": "富平县",
    "610581": "韩城市",
    "610582": "华阴市",
}


# --- divisions ------------------------------------------------------------------------------------


def test_weinan_has_the_eleven_county_level_divisions_of_domain_0_2_today() -> None:
    counties = weinan_counties(date(2025, 11, 1))
    assert {d.code: d.name for d in counties} == WEINAN_TODAY


def test_weinan_had_huaxian_instead_of_huazhou_before_october_2015() -> None:
    codes = {d.code for d in weinan_counties(date(2015, 10, 12))}
    assert "610521" in codes and "610503" not in codes
    codes = {d.code for d in weinan_counties(date(2015, 10, 13))}
    assert "610503" in codes and "610521" not in codes


def test_weinan_counties_without_a_date_lists_every_one_it_ever_had() -> None:
    assert {d.code for d in weinan_counties()} == set(WEINAN_TODAY) | {"610521"}


def test_huaxian_610521_is_historical_with_huazhou_as_successor() -> None:
    huaxian = division("610521")
    assert huaxian is not None
    assert (huaxian.name, huaxian.valid_to, huaxian.successor) == ("华县", date(2015, 10, 12), "610503")
    assert not huaxian.in_force_on(date(2025, 1, 1))


def test_weinan_city_is_a_city_level_division_of_shaanxi() -> None:
    city = division(WEINAN)
    assert city is not None
    assert (city.name, city.level, city.parent) == ("渭南市", "city", "610000")


def test_historical_610521_is_known_and_lies_in_weinan() -> None:
    assert is_known_division("610521")
    assert is_county_level("610521")
    assert in_city("610521")


def test_county_of_the_former_weinan_prefecture_lies_in_weinan_today() -> None:
    assert in_city("612124")  # 华县 under 渭南地区, before 1995
    assert in_city("619002")  # 韩城市, administered by the province in 1994


def test_lintong_moved_from_the_weinan_prefecture_to_xian_in_1983_is_not_in_weinan() -> None:
    assert not in_city("612122")
    assert in_city("612122", city="610100")


def test_present_code_of_another_city_is_not_in_weinan() -> None:
    assert not in_city("610115")


def test_made_up_prefix_is_unknown() -> None:
    assert not is_known_division("990101")
    assert division("990101") is None
    assert not in_city("990101")


def test_province_and_city_of_a_code_are_its_leading_digits() -> None:
    assert (province_of("610521"), city_of("610521")) == ("610000", "610500")


def test_province_of_refuses_what_is_not_a_six_digit_code() -> None:
    with pytest.raises(ValueError):
        province_of("61052")
    with pytest.raises(ValueError):
        city_of("６１０５２１")


def test_every_shaanxi_prefecture_level_city_of_today_is_known() -> None:
    today = date(2025, 11, 1)
    cities = {d.code for d in all_divisions() if d.level == "city" and d.code.startswith("61")}
    in_force = {code for code in cities if (found := division(code, on=today)) and found.in_force_on(today)}
    assert in_force == {f"61{n:02d}00" for n in range(1, 11)}  # 西安 … 商洛


def test_reused_code_gives_the_period_in_force_on_a_day() -> None:
    then = division("610304", on=date(1982, 6, 1))
    now = division("610304", on=date(2025, 1, 1))
    assert then is not None and now is not None
    assert (then.name, now.name) == ("杨陵区", "陈仓区")


def test_division_data_with_a_bad_entry_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_divisions_yaml('latest_list: 2024\ncodes:\n  "610521": 华县 in 1994\n')


def test_code_still_listed_must_not_carry_an_end_year() -> None:
    with pytest.raises(ValueError):
        parse_divisions_yaml('latest_list: 2024\ncodes:\n  "610503": 华州区 2015-2024\n')


# --- places ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("MR-610502", Place("registry_office", "610502", None, "MR-610502")),
        ("RS-610500", Place("relief_station", "610500", None, "RS-610500")),
        ("RS-610528", Place("relief_station", "610528", None, "RS-610528")),
        ("FH-610502", Place("funeral_home", "610502", None, "FH-610502")),
        ("CEM-610502-1", Place("cemetery", "610502", 1, "CEM-610502-1")),
        ("CEM-610502-12", Place("cemetery", "610502", 12, "CEM-610502-12")),
    ],
)
def test_place_codes_of_the_api_parse_to_kind_and_division(code: str, expected: Place) -> None:
    assert parse_place(code) == expected


def test_office_of_a_historical_division_parses_for_paper_era_records() -> None:
    assert parse_place("MR-610521").division == "610521"


@pytest.mark.parametrize(
    "code",
    [
        "",
        "MR610502",
        "mr-610502",
        "XX-610502",
        "MR-61050",
        "MR-610502-1",
        "CEM-610502",
        "CEM-610502-0",
        "CEM-610502-01",
        " MR-610502",
        "MR-６１０５０２",
    ],
)
def test_malformed_place_code_is_refused(code: str) -> None:
    with pytest.raises(InvalidPlace):
        parse_place(code)


@pytest.mark.parametrize("code", ["MR-990101", "RS-610599", "FH-610000"])
def test_place_in_an_unknown_division_or_a_province_is_refused(code: str) -> None:
    with pytest.raises(InvalidPlace):
        parse_place(code)


def test_development_places_have_a_registry_office_in_every_current_weinan_division() -> None:
    offices = {p.division for p in development_places(date(2025, 11, 1)) if p.kind == "registry_office"}
    assert offices == set(WEINAN_TODAY)


def test_development_places_have_the_city_relief_station_and_one_per_county() -> None:
    stations = {p.code for p in development_places(date(2025, 11, 1)) if p.kind == "relief_station"}
    assert stations == {"RS-610500"} | {f"RS-{code}" for code in WEINAN_TODAY}


def test_development_places_have_a_funeral_home_and_a_cemetery_in_linwei() -> None:
    codes = {p.code for p in development_places(date(2025, 11, 1))}
    assert {"FH-610502", "CEM-610502-1"} <= codes
    assert len(codes) == 2 * len(WEINAN_TODAY) + 3


def test_township_and_village_relief_points_are_numbered_within_their_county_V1():
    point = parse_place("RS-610528-3")
    assert (point.kind, point.division, point.number) == ("relief_station", "610528", 3)
    assert parse_place("RS-610528").number is None
    for bad in ("RS-610528-0", "RS-610528-", "RS-610528-12345", "MR-610502-1", "FH-610502-1"):
        with pytest.raises(InvalidPlace):
            parse_place(bad)
