"""Ages and legal periods (rule 0.3; Civil Code Art. 201-203).

* Age is in full years (周岁). It goes up on the birthday. Someone born on 29 February goes up on 1 March in
  common years: the year is complete only once 29 February would have passed, and crediting it on
  28 February would make a person adult or of marriageable age (M-1) a day early, the unsafe direction
  for every threshold here. (Criminal-law practice counts from the day after the birthday; that rule is not
  used by civil registration.)
* A period of N days, months or years does not count the triggering day (Art. 201): it starts the day
  after. A period in months or years ends on the corresponding day number, or on the last day of the
  month where that day does not exist (Art. 202). A last day that is a weekend or public holiday moves to
  the next working day, and the period ends at 24:00 of its last day (Art. 203).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from shared.reference.calendar import HolidayCalendar, default_calendar

ADULT_AGE = 18


def age_on(birth_date: date, on: date) -> int:
    """Full years (周岁) on `on`; see the module docstring for 29 February."""
    if on < birth_date:
        raise ValueError("the day is before the birth date")
    # (month, day) comparison: (2, 28) < (2, 29) keeps a 29 February birthday waiting until 1 March.
    birthday_not_reached = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - birthday_not_reached


def is_adult(birth_date: date, on: date) -> bool:
    return age_on(birth_date, on) >= ADULT_AGE


@dataclass(frozen=True)
class Period:
    """Both ends included: the period runs from 0:00 of `start` to 24:00 of `last_day`."""

    start: date
    last_day: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.last_day


def add_months(day: date, n: int) -> date:
    """Same day number n months later (or earlier), else the last day of that month (Art. 202)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + n, 12)
    month = month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def add_years(day: date, n: int) -> date:
    return add_months(day, 12 * n)


def period_of_days(trigger_day: date, n: int, calendar: HolidayCalendar | None = None) -> Period:
    """N days after `trigger_day` (day 0), last day rolled to a working day (Civil Code Art. 201, 203)."""
    _check_length(n)
    return _period(trigger_day, trigger_day + timedelta(days=n), calendar)


def period_of_months(trigger_day: date, n: int, calendar: HolidayCalendar | None = None) -> Period:
    """N months after `trigger_day`, ending on the corresponding day or the month's last day (Art. 202),
    then rolled to a working day (Art. 203)."""
    _check_length(n)
    return _period(trigger_day, add_months(trigger_day, n), calendar)


def period_of_years(trigger_day: date, n: int, calendar: HolidayCalendar | None = None) -> Period:
    """N years after `trigger_day`; 29 February ends on 28 February in common years (Art. 202, 203)."""
    _check_length(n)
    return _period(trigger_day, add_years(trigger_day, n), calendar)


def _period(trigger_day: date, nominal_last_day: date, calendar: HolidayCalendar | None) -> Period:
    calendar = calendar or default_calendar()
    return Period(start=trigger_day + timedelta(days=1), last_day=calendar.next_working_day(nominal_last_day))


def _check_length(n: int) -> None:
    if n < 1:
        raise ValueError("a period lasts at least one unit")
