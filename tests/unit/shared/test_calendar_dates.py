"""Rule 0.3: the working-day calendar, ages (周岁) and legal periods (Civil Code Art. 201-203)."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.reference.calendar import CalendarYear, CalendarYearMissing, HolidayCalendar, shipped_calendar
from shared.reference.dates import (
    Period,
    add_months,
    add_years,
    age_on,
    is_adult,
    period_of_days,
    period_of_months,
    period_of_years,
)

# The shipped years, not default_calendar(): a test stack in this process may have installed loaded years.
CALENDAR = shipped_calendar()
# The shipped years plus years with weekends only around them, for properties over many years.
WIDE = CALENDAR.with_years(CalendarYear(y, frozenset()) for y in range(2020, 2036) if y not in CALENDAR.years)


# --- calendar -------------------------------------------------------------------------------------


def test_national_day_holiday_2025_is_rest_from_1_to_8_october() -> None:
    assert all(CALENDAR.is_rest_day(date(2025, 10, day)) for day in range(1, 9))
    assert CALENDAR.is_working_day(date(2025, 10, 9))


def test_sunday_28_september_2025_is_an_adjusted_working_day() -> None:
    assert date(2025, 9, 28).weekday() == 6
    assert CALENDAR.is_working_day(date(2025, 9, 28))


def test_saturday_11_october_2025_is_an_adjusted_working_day() -> None:
    assert CALENDAR.is_working_day(date(2025, 10, 11))


def test_spring_festival_2026_is_rest_and_the_saturday_before_is_worked() -> None:
    assert all(CALENDAR.is_rest_day(date(2026, 2, day)) for day in range(15, 24))
    assert CALENDAR.is_working_day(date(2026, 2, 14))


def test_ordinary_weekend_is_rest_and_weekday_is_working() -> None:
    assert CALENDAR.is_rest_day(date(2025, 11, 8))
    assert CALENDAR.is_working_day(date(2025, 11, 7))


def test_a_day_of_a_year_missing_from_the_data_is_refused_naming_the_year() -> None:
    assert 2027 not in CALENDAR.years
    for ask in (CALENDAR.is_working_day, CALENDAR.is_rest_day, CALENDAR.next_working_day):
        with pytest.raises(CalendarYearMissing) as refused:
            ask(date(2027, 10, 1))  # a Friday, and likely 国庆节: no weekends-only guess
        assert refused.value.year == 2027
        assert refused.value.code == "calendar_year_missing" and refused.value.status == 422
        assert "2027" in refused.value.detail


def test_a_period_reaching_into_a_missing_year_is_refused() -> None:
    with pytest.raises(CalendarYearMissing, match="2027"):
        period_of_days(date(2026, 12, 20), 30, CALENDAR)  # ends 19 January 2027
    with pytest.raises(CalendarYearMissing, match="2027"):
        CALENDAR.add_working_days(date(2026, 12, 28), 5)


def test_only_the_days_a_period_consults_need_the_calendar() -> None:
    # Triggered in 2024 (not in the data), ending in 2025: only the last day is looked up.
    assert period_of_days(date(2024, 12, 2), 30, CALENDAR).last_day == date(2025, 1, 2)


def test_next_working_day_is_the_day_itself_when_working() -> None:
    assert CALENDAR.next_working_day(date(2025, 10, 9)) == date(2025, 10, 9)


def test_next_working_day_skips_the_national_day_holiday() -> None:
    assert CALENDAR.next_working_day(date(2025, 10, 4)) == date(2025, 10, 9)


def test_add_working_days_counts_from_the_day_after() -> None:
    assert CALENDAR.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert CALENDAR.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert CALENDAR.add_working_days(date(2025, 9, 26), 5) == date(2025, 10, 10)
    assert CALENDAR.add_working_days(date(2025, 10, 4), 0) == date(2025, 10, 4)


def test_add_working_days_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError):
        CALENDAR.add_working_days(date(2025, 10, 4), -1)


def test_calendar_from_yaml_reads_single_days_and_ranges() -> None:
    calendar = HolidayCalendar.from_yaml(
        "2030:\n  rest_days: [2030-01-01, [2030-02-04, 2030-02-06]]\n  working_weekends: [2030-02-09]\n"
    )
    assert calendar.rest_days == {date(2030, 1, 1), date(2030, 2, 4), date(2030, 2, 5), date(2030, 2, 6)}
    assert calendar.is_working_day(date(2030, 2, 9))
    assert calendar.years == {2030}


def test_new_year_holiday_may_start_in_december_of_the_year_before() -> None:
    calendar = HolidayCalendar.from_yaml("2030:\n  rest_days: [[2029-12-30, 2030-01-01]]\n")
    assert calendar.is_rest_day(date(2029, 12, 31))


@pytest.mark.parametrize(
    "text",
    [
        "2030:\n  rest_days: [2030-02-09]\n  working_weekends: [2030-02-09]\n",  # both rest and working
        "2030:\n  working_weekends: [2030-02-04]\n",  # a Monday
        "2030:\n  rest_days: [[2030-02-06, 2030-02-04]]\n",  # reversed range
        "2030:\n  rest_days: [[2030-02-04, 2030-02-05, 2030-02-06]]\n",
        "2030:\n  holidays: [2030-02-04]\n",
    ],
)
def test_inconsistent_calendar_data_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        HolidayCalendar.from_yaml(text)


# --- ages -----------------------------------------------------------------------------------------


def test_age_goes_up_on_the_birthday() -> None:
    assert age_on(date(2000, 1, 15), date(2018, 1, 14)) == 17
    assert age_on(date(2000, 1, 15), date(2018, 1, 15)) == 18


def test_adult_from_the_18th_birthday() -> None:
    assert not is_adult(date(2007, 11, 2), date(2025, 11, 1))
    assert is_adult(date(2007, 11, 1), date(2025, 11, 1))


def test_born_29_february_turns_a_year_older_on_1_march_in_common_years() -> None:
    born = date(2000, 2, 29)
    assert age_on(born, date(2018, 2, 28)) == 17
    assert age_on(born, date(2018, 3, 1)) == 18
    assert not is_adult(born, date(2018, 2, 28))


def test_born_29_february_turns_a_year_older_on_29_february_in_leap_years() -> None:
    assert age_on(date(2000, 2, 29), date(2020, 2, 28)) == 19
    assert age_on(date(2000, 2, 29), date(2020, 2, 29)) == 20


def test_age_on_the_birth_date_is_zero_and_before_it_is_an_error() -> None:
    assert age_on(date(2025, 5, 1), date(2025, 5, 1)) == 0
    with pytest.raises(ValueError):
        age_on(date(2025, 5, 1), date(2025, 4, 30))


# --- periods --------------------------------------------------------------------------------------


def test_divorce_cooling_off_of_application_received_5_september_2025_runs_to_9_october() -> None:
    # Day 0 is the receipt; day 30 (5 October) falls in the National Day holiday, so it ends on 9 October.
    cooling_off = period_of_days(date(2025, 9, 5), 30, CALENDAR)
    assert cooling_off == Period(start=date(2025, 9, 6), last_day=date(2025, 10, 9))
    assert not cooling_off.contains(date(2025, 9, 5))
    assert cooling_off.contains(date(2025, 10, 9))
    assert not cooling_off.contains(date(2025, 10, 10))


def test_period_ending_on_an_ordinary_saturday_rolls_to_monday() -> None:
    assert period_of_days(date(2025, 11, 1), 7).last_day == date(2025, 11, 10)


def test_period_ending_on_an_adjusted_working_sunday_does_not_roll() -> None:
    assert period_of_days(date(2025, 8, 29), 30).last_day == date(2025, 9, 28)


def test_period_uses_the_calendar_it_is_given() -> None:
    calendar = HolidayCalendar.from_yaml("2025:\n  rest_days: [2025-11-07]\n")
    assert period_of_days(date(2025, 11, 6), 1, calendar).last_day == date(2025, 11, 10)


def test_period_of_months_ends_on_the_last_day_of_a_shorter_month() -> None:
    assert period_of_months(date(2025, 1, 31), 1) == Period(date(2025, 2, 1), date(2025, 2, 28))


def test_period_of_months_ending_in_a_holiday_rolls_to_the_next_working_day() -> None:
    assert period_of_months(date(2025, 9, 1), 1).last_day == date(2025, 10, 9)


def test_period_of_years_from_29_february_ends_on_28_february() -> None:
    assert period_of_years(date(2024, 2, 29), 1).last_day == date(2025, 2, 28)


def test_plot_term_of_20_years_ending_on_a_sunday_rolls_to_monday() -> None:
    with pytest.raises(CalendarYearMissing, match="2045"):
        period_of_years(date(2025, 10, 1), 20, CALENDAR)
    calendar = CALENDAR.with_years([CalendarYear(2045, frozenset())])
    assert period_of_years(date(2025, 10, 1), 20, calendar) == Period(date(2025, 10, 2), date(2045, 10, 2))


@pytest.mark.parametrize("period", [period_of_days, period_of_months, period_of_years])
def test_period_of_zero_units_is_refused(period) -> None:
    with pytest.raises(ValueError):
        period(date(2025, 1, 1), 0)


def test_add_months_keeps_the_day_or_takes_the_last_day_of_the_month() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert add_months(date(2025, 1, 15), -13) == date(2023, 12, 15)


def test_add_years_from_29_february() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


# --- properties -----------------------------------------------------------------------------------

days_around_the_data = st.dates(min_value=date(2023, 1, 1), max_value=date(2028, 12, 31))


@given(days_around_the_data, st.integers(min_value=1, max_value=400))
def test_period_of_days_ends_on_the_first_working_day_from_trigger_plus_n(trigger: date, n: int) -> None:
    period = period_of_days(trigger, n, WIDE)
    nominal = trigger + timedelta(days=n)
    assert period.start == trigger + timedelta(days=1)
    assert WIDE.is_working_day(period.last_day)
    assert nominal <= period.last_day
    # At most the next working day: every day from the nominal end up to the last day is a rest day.
    skipped = (nominal + timedelta(days=i) for i in range((period.last_day - nominal).days))
    assert all(WIDE.is_rest_day(day) for day in skipped)


@given(days_around_the_data, st.integers(min_value=1, max_value=60))
def test_period_of_months_ends_on_a_working_day_not_before_the_corresponding_day(
    trigger: date, n: int
) -> None:
    period = period_of_months(trigger, n, WIDE)
    assert WIDE.is_working_day(period.last_day)
    assert period.last_day == WIDE.next_working_day(add_months(trigger, n))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(-1200, 1200))
def test_add_months_never_overflows_and_keeps_the_day_when_it_exists(day: date, n: int) -> None:
    result = add_months(day, n)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == n
    last_day_of_month = monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last_day_of_month)
