"""Rule 0.4: rule parameters change by date and are judged on the business date."""

from __future__ import annotations

from datetime import date

import pytest

from shared.reference.parameters import Dated, NoRuleInForce, RuleParameters, default_parameters

PARAMETERS = default_parameters()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2022, 3, 31), "household_county"),
        (date(2022, 4, 1), "city"),
        (date(2023, 5, 31), "city"),
        (date(2023, 6, 1), "province"),
        (date(2025, 5, 9), "province"),
        (date(2025, 5, 10), "national"),
        (date(1995, 7, 1), "household_county"),
    ],
)
def test_marriage_jurisdiction_on_boundary_dates(day: date, expected: str) -> None:
    assert PARAMETERS.value("marriage.jurisdiction", day) == expected


def test_divorce_cooling_off_is_30_days_from_2021() -> None:
    assert PARAMETERS.value("marriage.cooling_off_days", date(2021, 1, 1)) == 30
    assert PARAMETERS.value("marriage.registration_window_days", date(2025, 9, 5)) == 30


def test_no_cooling_off_rule_before_2021() -> None:
    with pytest.raises(NoRuleInForce):
        PARAMETERS.value("marriage.cooling_off_days", date(2020, 12, 31))
    assert PARAMETERS.value("marriage.cooling_off_days", date(2020, 12, 31), default=0) == 0


def test_minimum_marriage_ages_are_22_and_20() -> None:
    assert PARAMETERS.value("marriage.minimum_age.male", date(2025, 1, 1)) == 22
    assert PARAMETERS.value("marriage.minimum_age.female", date(1981, 1, 1)) == 20


def test_child_allowance_standards_of_2025() -> None:
    on = date(2025, 1, 1)
    assert PARAMETERS.value("child_welfare.allowance.orphan.dispersed", on) == 1200
    assert PARAMETERS.value("child_welfare.allowance.orphan.institution", on) == 1800
    assert PARAMETERS.value("child_welfare.allowance.de_facto_unattended.dispersed", on) == 1200
    with pytest.raises(NoRuleInForce):
        PARAMETERS.value("child_welfare.allowance.orphan.dispersed", date(2024, 12, 31))


def test_other_known_parameters_are_bundled() -> None:
    on = date(2025, 11, 1)
    assert PARAMETERS.value("vagrant_aid.max_cash_yuan", on) == 20
    assert PARAMETERS.value("vagrant_aid.stay_limit_days", on) == 10
    assert PARAMETERS.value("funeral.plot_term_years", on) == 20
    assert PARAMETERS.value("records.backdating_days", on) == 30


def test_unknown_parameter_name_is_a_key_error_not_a_gap() -> None:
    with pytest.raises(KeyError):
        PARAMETERS.value("marriage.cooling_off_dayz", date(2025, 1, 1))


def test_value_is_taken_on_both_boundary_days_of_a_closed_period() -> None:
    parameters = RuleParameters(
        {"x": [{"value": 1, "valid_from": date(2024, 1, 1), "valid_to": date(2024, 12, 31)}]}
    )
    assert parameters.value("x", date(2024, 1, 1)) == 1
    assert parameters.value("x", date(2024, 12, 31)) == 1
    for outside in (date(2023, 12, 31), date(2025, 1, 1)):
        with pytest.raises(NoRuleInForce):
            parameters.value("x", outside)


def test_gap_between_periods_has_no_rule_in_force() -> None:
    parameters = RuleParameters.from_yaml(
        "x:\n"
        "  - {value: 1, valid_from: 2024-01-01, valid_to: 2024-06-30}\n"
        "  - {value: 2, valid_from: 2024-08-01}\n"
    )
    with pytest.raises(NoRuleInForce):
        parameters.value("x", date(2024, 7, 15))
    assert parameters.value("x", date(2030, 1, 1)) == 2


def test_history_is_ordered_by_valid_from_whatever_the_input_order() -> None:
    parameters = RuleParameters(
        {
            "x": [
                {"value": 2, "valid_from": "2024-07-01"},
                {"value": 1, "valid_from": "2024-01-01", "valid_to": "2024-06-30"},
            ]
        }
    )
    assert parameters.history("x") == (
        Dated(1, date(2024, 1, 1), date(2024, 6, 30)),
        Dated(2, date(2024, 7, 1), None),
    )


@pytest.mark.parametrize(
    "periods",
    [
        # the first period is open-ended
        [{"value": 1, "valid_from": "2024-01-01"}, {"value": 2, "valid_from": "2025-01-01"}],
        [
            {"value": 1, "valid_from": "2024-01-01", "valid_to": "2024-12-31"},
            {"value": 2, "valid_from": "2024-12-31"},  # shares a day
        ],
        [{"value": 1, "valid_from": "2024-01-01"}, {"value": 1, "valid_from": "2024-01-01"}],
    ],
)
def test_overlapping_periods_of_one_parameter_are_refused(periods: list) -> None:
    with pytest.raises(ValueError, match="overlaps"):
        RuleParameters({"x": periods})


@pytest.mark.parametrize(
    "periods",
    [
        [],
        [{"value": 1}],
        [{"valid_from": "2024-01-01"}],
        [{"value": 1, "valid_from": "2024-01-01", "until": "2024-12-31"}],
        [{"value": 1, "valid_from": "2024-06-01", "valid_to": "2024-05-31"}],
        [{"value": 1, "valid_from": "June 2024"}],
    ],
)
def test_malformed_periods_are_refused(periods: list) -> None:
    with pytest.raises(ValueError):
        RuleParameters({"x": periods})


def test_bundled_parameters_are_the_documented_names() -> None:
    assert PARAMETERS.names() == sorted(
        [
            "child_welfare.allowance.de_facto_unattended.dispersed",
            "child_welfare.allowance.orphan.dispersed",
            "child_welfare.allowance.orphan.institution",
            "funeral.plot_term_years",
            "marriage.cooling_off_days",
            "marriage.jurisdiction",
            "marriage.minimum_age.female",
            "marriage.minimum_age.male",
            "marriage.registration_window_days",
            "records.backdating_days",
            "vagrant_aid.max_cash_yuan",
            "vagrant_aid.stay_limit_days",
        ]
    )
