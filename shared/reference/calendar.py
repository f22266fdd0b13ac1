"""Working days of mainland China: weekends, statutory rest days and adjusted working weekends (rule 0.3).

China moves some weekends to working days (调休上班), so "weekend" and "rest day" differ. The calendar is
data (`data/cn-public-holidays.yaml`, one entry per year as the State Council publishes it each November);
a year missing from the data counts weekends only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

import yaml

_DAY = timedelta(days=1)
_SATURDAY = 5


@dataclass(frozen=True)
class HolidayCalendar:
    rest_days: frozenset[date]
    working_weekends: frozenset[date]
    years: frozenset[int]  # the years the data covers; others fall back to weekends only

    @classmethod
    def from_yaml(cls, text: str) -> HolidayCalendar:
        """Read `{year: {rest_days: [day | [first, last], ...], working_weekends: [...]}}`."""
        raw = yaml.safe_load(text) or {}
        rest: set[date] = set()
        working: set[date] = set()
        for year, entry in raw.items():
            entry = entry or {}
            unknown = set(entry) - {"rest_days", "working_weekends"}
            if unknown:
                raise ValueError(f"{year}: unknown keys {sorted(unknown)}")
            rest |= _expand(int(year), entry.get("rest_days") or [])
            working |= _expand(int(year), entry.get("working_weekends") or [])
        if rest & working:
            raise ValueError(f"days both rest and working: {sorted(rest & working)}")
        if weekdays := sorted(d for d in working if d.weekday() < _SATURDAY):
            raise ValueError(f"working_weekends that are not weekends: {weekdays}")
        return cls(frozenset(rest), frozenset(working), frozenset(int(y) for y in raw))

    def is_rest_day(self, day: date) -> bool:
        if day in self.rest_days:
            return True
        if day in self.working_weekends:
            return False
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
def default_calendar() -> HolidayCalendar:
    """The bundled calendar, read once per process."""
    text = (resources.files(__package__) / "data" / "cn-public-holidays.yaml").read_text(encoding="utf-8")
    return HolidayCalendar.from_yaml(text)


def _expand(year: int, entries: Iterable[object]) -> set[date]:
    days: set[date] = set()
    for entry in entries:
        if isinstance(entry, list) and len(entry) != 2:
            raise ValueError(f"{year}: a range is [first, last], got {entry!r}")
        first, last = (_as_date(e) for e in (entry if isinstance(entry, list) else [entry, entry]))
        # No same-year check: a year's notice may start its New Year holiday on 30 or 31 December.
        if first > last:
            raise ValueError(f"{year}: range ends before it starts: {entry!r}")
        while first <= last:
            days.add(first)
            first += _DAY
    return days


def _as_date(value: object) -> date:
    # YAML reads an unquoted 2025-10-01 as a date; a quoted one arrives as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value))
