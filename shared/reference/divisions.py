"""GB/T 2260 division codes: which exist, which existed, which city they lie in (rules 0.1, 0.2).

The bundled `data/divisions.yaml` holds every province, prefecture- and county-level code of the yearly lists
since 1980. Historical codes matter because an ID number keeps the address code it was issued with (0.1):
610521 (华县, abolished 2015) is still a valid address code, and it lies in Weinan today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

import yaml

WEINAN = "610500"

Level = Literal["province", "city", "county"]

_CODE = re.compile(r"[0-9]{6}", re.ASCII)
_PERIOD = re.compile(r"(?P<name>\S+) (?P<first>[0-9]{4})-(?P<last>[0-9]{4})?(?: >(?P<successor>[0-9]{6}))?")
_FIRST_LIST = 1980


@dataclass(frozen=True)
class Division:
    """One period of one code (a code renamed or reused has several).

    `valid_from`/`valid_to` (last day in force) come from the yearly lists, so they are year-precise
    unless the data gives exact days (it does for Weinan); None means open-ended on that side. `parent` is
    the code's higher level by its digits: the province for a city, first four digits + 00 for a county.
    """

    code: str
    name: str
    level: Level
    parent: str | None
    valid_from: date | None
    valid_to: date | None
    successor: str | None = None  # present-day code covering an abolished code's territory

    def in_force_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


def province_of(code: str) -> str:
    return _checked(code)[:2] + "0000"


def city_of(code: str) -> str:
    return _checked(code)[:4] + "00"


def level_of(code: str) -> Level:
    return _level(_checked(code))


def _level(code: str) -> Level:
    """The level a well-formed code names."""
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def division(code: str, on: date | None = None) -> Division | None:
    """The division with that code (present or historical); with `on`, the period in force on that day."""
    periods = _table().get(code, ())
    if on is None:
        return periods[-1] if periods else None
    return next((p for p in periods if p.in_force_on(on)), None)


def all_divisions() -> list[Division]:
    """Every known code, present or historical, in its latest period, ordered by code."""
    return sorted((periods[-1] for periods in _table().values()), key=lambda d: d.code)


def is_known_division(code: str) -> bool:
    """True for any code that is or was in the lists, whatever its level (0.1: present or historical)."""
    return code in _table()


def is_county_level(code: str) -> bool:
    """True for a known county-level code: the only kind allowed as an ID number's address code (0.1)."""
    # One set look-up: a bulk import asks this four times a record (two ID numbers, two households).
    return code in _county_codes()


@cache
def _county_codes() -> frozenset[str]:
    """The known county-level codes, present or historical (a known code is well-formed: its level is its
    shape)."""
    return frozenset(code for code in _table() if _level(code) == "county")


def weinan_counties(on: date | None = None) -> list[Division]:
    """Weinan's county-level divisions in force on `on` (0.2); every one it ever had if `on` is None."""
    found = []
    for code, periods in _table().items():
        if level_of(code) != "county" or city_of(code) != WEINAN:
            continue
        found.extend(p for p in periods if on is None or p.in_force_on(on))
    return sorted(found, key=lambda d: (d.code, d.valid_from or date.min))


@cache
def present_county(code: str) -> str:
    """The county a household registration's division lies in today: an abolished code follows its successor
    (610521 华县 → 610503 华州区), so a household in an old number still belongs to that county's registry
    (marriage M-6, adoption A-1 and A-16)."""
    found = division(code)
    return (found.successor or code) if found else code


def in_city(code: str, city: str = WEINAN) -> bool:
    """Whether the territory of `code` lies in the prefecture-level `city` today.

    An abolished code is followed to its present-day successor, so 610521 (华县) and 612124 (华县 of the
    former 渭南地区) are both in Weinan, while 612122 (临潼县, moved to Xi'an in 1983) is not.
    """
    current = division(code)
    if current is None:
        return False
    return city_of(current.successor or current.code) == city


def _checked(code: str) -> str:
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise ValueError(f"not a six-digit division code: {code!r}")
    return code


def _parent(code: str) -> str | None:
    level = level_of(code)
    if level == "province":
        return None
    return province_of(code) if level == "city" else city_of(code)


@cache
def _table() -> dict[str, tuple[Division, ...]]:
    text = (resources.files(__package__) / "data" / "divisions.yaml").read_text(encoding="utf-8")
    return parse_divisions_yaml(text)


def parse_divisions_yaml(text: str) -> dict[str, tuple[Division, ...]]:
    """Parse the format described at the top of `data/divisions.yaml`."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is 8x faster on 6,000 codes
    raw = yaml.load(text, Loader=loader)
    latest = int(raw["latest_list"])
    exact = raw.get("exact_dates") or {}
    table: dict[str, tuple[Division, ...]] = {}
    for code, line in raw["codes"].items():
        code = _checked(str(code))
        periods = [_period(code, part, latest) for part in str(line).split("; ")]
        if code in exact:
            # Exact days are given for the code's latest period only: that is all Weinan needs.
            periods[-1] = _with_exact_dates(periods[-1], exact[code])
        table[code] = tuple(periods)
    return table


def _period(code: str, text: str, latest: int) -> Division:
    match = _PERIOD.fullmatch(text)
    if match is None:
        raise ValueError(f"bad division entry for {code}: {text!r}")
    first, last = int(match["first"]), match["last"]
    if last is not None and int(last) >= latest:
        raise ValueError(f"{code}: a code in the latest list must leave LAST empty")
    # The lists are yearly: a year-precise period is all they say (the exact_dates section refines it).
    return Division(
        code=code,
        name=match["name"],
        level=level_of(code),
        parent=_parent(code),
        valid_from=None if first <= _FIRST_LIST else date(first, 1, 1),
        valid_to=None if last is None else date(int(last), 12, 31),
        successor=match["successor"],
    )


def _with_exact_dates(period: Division, dates: dict) -> Division:
    unknown = set(dates) - {"valid_from", "valid_to"}
    if unknown:
        raise ValueError(f"{period.code}: unknown exact_dates keys {sorted(unknown)}")
    return replace(period, **dates)
