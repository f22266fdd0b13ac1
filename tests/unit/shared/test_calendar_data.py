"""Rule 0.3: the holiday calendar as data — the validator an administrator's file goes through, years added
to a calendar, and the shipped years checked against the independently kept `chinese_calendar` package."""

from __future__ import annotations

import json
from datetime import date, timedelta

import chinese_calendar
import pytest

from shared.errors import Refusal
from shared.reference.calendar import (
    CalendarYear,
    CalendarYearMissing,
    InvalidCalendar,
    parse_calendar,
    parse_calendar_text,
    shipped_calendar,
)

YEAR_2027 = """
2027:
  rest_days:
    - 2027-01-01
    - [2027-02-06, 2027-02-13]
  working_weekends: [2027-02-14]
"""


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("year", sorted(shipped_calendar().years))
def test_shipped_years_agree_with_the_chinese_calendar_package_day_by_day(year: int) -> None:
    calendar = shipped_calendar()
    differences = [d for d in days_of(year) if calendar.is_rest_day(d) != chinese_calendar.is_holiday(d)]
    assert differences == []


def test_yaml_and_json_give_the_same_year() -> None:
    from_yaml = parse_calendar_text(YEAR_2027)
    as_json = json.dumps({"2027": {"rest_days": ["2027-01-01", ["2027-02-06", "2027-02-13"]],
                                   "working_weekends": ["2027-02-14"]}})
    assert parse_calendar_text(as_json) == from_yaml
    [year] = from_yaml
    assert year.year == 2027 and len(year.rest_days) == 9 and year.working_weekends == {date(2027, 2, 14)}


def test_canonical_data_reads_back_to_the_same_year() -> None:
    [year] = parse_calendar_text(YEAR_2027)
    assert parse_calendar({2027: year.as_data()}) == [year]


def test_a_loaded_year_fills_the_gap_and_replaces_the_same_shipped_year() -> None:
    [y2027] = parse_calendar_text(YEAR_2027)
    calendar = shipped_calendar().with_years([y2027, CalendarYear(2026, frozenset())])
    assert calendar.years == {2025, 2026, 2027}
    assert calendar.is_rest_day(date(2027, 2, 8)) and calendar.is_working_day(date(2027, 2, 14))
    assert calendar.is_working_day(date(2026, 10, 1))  # 2026 replaced by a year without holidays
    assert calendar.is_rest_day(date(2025, 10, 1))  # 2025 kept


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[2027]", "mapping"),
        ("20x7:\n  rest_days: []\n", "not a year"),
        ("20027:\n  rest_days: []\n", "between"),
        ("2027: [2027-01-01]\n", "expected"),
        ("2027:\n  holidays: [2027-01-01]\n", "unknown keys"),
        ("2027:\n  rest_days: 2027-01-01\n", "list"),
        ("2027:\n  rest_days: [2027-13-01]\n", "not a date"),
        ("2027:\n  rest_days: [\"2027-02-30\"]\n", "not a date"),
        ("2027:\n  rest_days: [[2027-02-06]]\n", "[first, last]"),
        ("2027:\n  rest_days: [[2027-02-13, 2027-02-06]]\n", "ends before"),
        ("2027:\n  rest_days: [2028-01-01]\n", "outside 2027"),
        ("2027:\n  rest_days: [2026-12-01]\n", "outside 2027"),
        ("2027:\n  working_weekends: [2027-02-15]\n", "not weekends"),
        ("2027:\n  rest_days: [2027-02-14]\n  working_weekends: [2027-02-14]\n", "both rest and working"),
        ('{"2027": {}, "2027 ": {}}', "twice"),
        ("2027: [unclosed\n", "not YAML or JSON"),
    ],
)
def test_calendar_data_that_does_not_validate_is_refused_saying_why(text: str, says: str) -> None:
    with pytest.raises(InvalidCalendar, match=says.replace("[", r"\[")):
        parse_calendar_text(text)


def test_a_new_year_holiday_may_start_in_the_last_week_of_the_december_before() -> None:
    [year] = parse_calendar_text("2031:\n  rest_days: [[2030-12-30, 2031-01-01]]\n")
    assert date(2030, 12, 30) in year.rest_days


def test_the_refusal_is_a_422_with_a_stable_code_and_survives_being_rebuilt_from_its_args() -> None:
    refusal = CalendarYearMissing(2031)
    assert isinstance(refusal, Refusal)
    assert (refusal.code, refusal.status, refusal.year) == ("calendar_year_missing", 422, 2031)
    # nameko carries exceptions as their args, turned into strings on the way.
    rebuilt = CalendarYearMissing(*[str(a) for a in refusal.args])
    assert (rebuilt.code, rebuilt.detail, rebuilt.year, rebuilt.errors) == (
        refusal.code, refusal.detail, 2031, refusal.errors)
