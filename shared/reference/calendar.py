"""Working days of mainland China: weekends, statutory rest days and adjusted working weekends (rule 0.3).

China moves some weekends to working days (调休上班), so "weekend" and "rest day" differ. The calendar is
data, one entry per year as the State Council publishes it each November: the years shipped with civreg
(`data/cn-public-holidays.yaml`) plus the years an administrator loads (`civreg calendar load FILE`, kept in
PostgreSQL by shared/calendar_store.py; a loaded year replaces a shipped one).

A day of a year the calendar lacks has no answer: asking whether it is a rest day raises
`CalendarYearMissing` (refusal `calendar_year_missing`, 422) naming the year, rather than silently counting
weekends only and putting a statutory deadline on a day that may be a public holiday. Only the days a
computation actually consults count: a 30-day period from 1 December 2024 looks at its last day in
January 2025 only, so it needs 2025 and not 2024.

The data shape (YAML or JSON), one or more years:

    2027:
      rest_days: [2027-01-01, [2027-02-06, 2027-02-13]]   # a day or an inclusive [first, last] range
      working_weekends: [2027-02-14]                       # weekends worked (调休上班)

Days belong to their year, except that rest days may start in the last days of December before (a New
Year holiday announced with the next year).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml

from shared.errors import Refusal

_DAY = timedelta(days=1)
_SATURDAY = 5
# The range of years a calendar may describe: the People's Republic's calendars, and not a typo's year 20026.
FIRST_YEAR, LAST_YEAR = 1949, 2199
# A year's rest days may begin this early in the December before (元旦 announced with the next year).
_DECEMBER_LEAD_DAYS = 7


class CalendarYearMissing(Refusal):
    """Rule 0.3: a period needs the public holidays of a year the calendar does not have."""

    def __init__(self, year: int | str, *_: Any) -> None:
        year = int(year)
        super().__init__(
            "calendar_year_missing",
            f"the holiday calendar has no entry for {year}: statutory periods that reach into {year} cannot be"
            f" computed until an administrator loads that year's calendar (civreg calendar load)",
            422,
            [{"loc": ["calendar", year], "msg": f"year {year} not in the holiday calendar"}],
        )
        self.year = year
        # nameko rebuilds a refusal from its args on the caller's side (shared/nameko_ext).
        self.args = (year,)


class InvalidCalendar(ValueError):
    """Calendar data that cannot be loaded: the message says what and where."""


@dataclass(frozen=True)
class CalendarYear:
    """One year's published arrangement, fully expanded to days."""

    year: int
    rest_days: frozenset[date]
    working_weekends: frozenset[date] = field(default_factory=frozenset)

    def as_data(self) -> dict[str, list[str]]:
        """The canonical JSON form (sorted single days) that the store keeps and `parse_calendar` reads."""
        return {
            "rest_days": [d.isoformat() for d in sorted(self.rest_days)],
            "working_weekends": [d.isoformat() for d in sorted(self.working_weekends)],
        }


@dataclass(frozen=True)
class HolidayCalendar:
    rest_days: frozenset[date]
    working_weekends: frozenset[date]
    years: frozenset[int]  # the years the data covers; a day of any other year raises CalendarYearMissing
    entries: tuple[CalendarYear, ...] = field(default=(), compare=False, repr=False)  # by year, as given

    @classmethod
    def of(cls, years: Iterable[CalendarYear]) -> HolidayCalendar:
        entries = tuple(sorted(years, key=lambda y: y.year))
        return cls(
            frozenset().union(*(y.rest_days for y in entries)),
            frozenset().union(*(y.working_weekends for y in entries)),
            frozenset(y.year for y in entries),
            entries,
        )

    @classmethod
    def from_yaml(cls, text: str) -> HolidayCalendar:
        """Read `{year: {rest_days: [day | [first, last], ...], working_weekends: [...]}}` (YAML or JSON)."""
        return cls.of(parse_calendar_text(text))

    def with_years(self, years: Iterable[CalendarYear]) -> HolidayCalendar:
        """This calendar with `years` added; a year given here replaces the same year's data."""
        replaced = list(years)
        kept = [y for y in self.entries if y.year not in {r.year for r in replaced}]
        return HolidayCalendar.of([*kept, *replaced])

    def is_rest_day(self, day: date) -> bool:
        if day in self.rest_days:
            return True
        if day in self.working_weekends:
            return False
        if day.year not in self.years:
            raise CalendarYearMissing(day.year)
        return day.weekday() >= _SATURDAY

    def is_working_day(self, day: date) -> bool:
        return not self.is_rest_day(day)

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while self.is_rest_day(day):
            day += _DAY
        return day

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day`, counting from the day after (n = 0 gives `day`)."""
        if n < 0:
            raise ValueError("n must not be negative")
        for _ in range(n):
            day = self.next_working_day(day + _DAY)
        return day


@cache
def shipped_calendar() -> HolidayCalendar:
    """The calendar bundled with civreg, read once per process."""
    text = (resources.files(__package__) / "data" / "cn-public-holidays.yaml").read_text(encoding="utf-8")
    return HolidayCalendar.from_yaml(text)


_installed: HolidayCalendar | None = None


def install_calendar(calendar: HolidayCalendar | None) -> None:
    """Make `calendar` the process's calendar (the services do this at start and when a year is loaded);
    None goes back to the shipped one. Replacing a reference is atomic, so readers see one or the other."""
    global _installed
    _installed = calendar


def default_calendar() -> HolidayCalendar:
    """The calendar the domain rules use: the installed one (shipped plus loaded years), else the shipped."""
    return _installed or shipped_calendar()


def parse_calendar_text(text: str) -> list[CalendarYear]:
    """Years from YAML or JSON text (JSON is read as JSON so its errors name JSON positions)."""
    try:
        raw = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InvalidCalendar(f"not YAML or JSON: {exc}") from exc
    except ValueError as exc:  # PyYAML reads 2027-13-01 as a date and fails: "month must be in 1..12"
        raise InvalidCalendar(f"not a date: {exc}") from exc
    return parse_calendar(raw)


def parse_calendar(raw: object) -> list[CalendarYear]:
    """Validate the data shape (see the module docstring) and expand it; raises InvalidCalendar."""
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        raise InvalidCalendar("the calendar is a mapping of year to {rest_days, working_weekends}")
    years: list[CalendarYear] = []
    for key, entry in raw.items():
        year = _year(key)
        entry = entry or {}
        if not isinstance(entry, Mapping):
            raise InvalidCalendar(f"{year}: expected {{rest_days, working_weekends}}, got {entry!r}")
        if unknown := set(entry) - {"rest_days", "working_weekends"}:
            raise InvalidCalendar(f"{year}: unknown keys {sorted(unknown)}")
        rest = _expand(year, entry.get("rest_days") or [])
        working = _expand(year, entry.get("working_weekends") or [])
        if both := rest & working:
            raise InvalidCalendar(f"{year}: days both rest and working: {_days(both)}")
        if weekdays := [d for d in working if d.weekday() < _SATURDAY]:
            raise InvalidCalendar(f"{year}: working_weekends that are not weekends: {_days(weekdays)}")
        if stray := [d for d in working if d.year != year]:
            raise InvalidCalendar(f"{year}: working weekends outside {year}: {_days(stray)}")
        if stray := [d for d in rest if not _belongs(d, year)]:
            raise InvalidCalendar(f"{year}: rest days outside {year}: {_days(stray)}")
        years.append(CalendarYear(year, frozenset(rest), frozenset(working)))
    if len({y.year for y in years}) != len(years):  # "2027" and 2027 in one JSON/YAML mapping
        raise InvalidCalendar("a year is given twice")
    return years


def _year(key: object) -> int:
    try:
        year = int(str(key))
    except ValueError:
        raise InvalidCalendar(f"{key!r} is not a year") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidCalendar(f"{year} is not a year between {FIRST_YEAR} and {LAST_YEAR}")
    return year


def _belongs(day: date, year: int) -> bool:
    return day.year == year or (day.year == year - 1 and day >= date(year, 1, 1) - _DECEMBER_LEAD_DAYS * _DAY)


def _expand(year: int, entries: object) -> set[date]:
    if not isinstance(entries, list):
        raise InvalidCalendar(f"{year}: expected a list of days and [first, last] ranges, got {entries!r}")
    days: set[date] = set()
    for entry in entries:
        if isinstance(entry, list) and len(entry) != 2:
            raise InvalidCalendar(f"{year}: a range is [first, last], got {entry!r}")
        first, last = (_as_date(year, e) for e in (entry if isinstance(entry, list) else [entry, entry]))
        if first > last:
            raise InvalidCalendar(f"{year}: range ends before it starts: {entry!r}")
        while first <= last:
            days.add(first)
            first += _DAY
    return days


def _as_date(year: int, value: object) -> date:
    # YAML reads an unquoted 2025-10-01 as a date; a quoted one, and every JSON one, arrives as text.
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidCalendar(f"{year}: {value!r} is not a date (YYYY-MM-DD)") from None


def _days(days: Iterable[date]) -> list[str]:
    return [d.isoformat() for d in sorted(days)]
