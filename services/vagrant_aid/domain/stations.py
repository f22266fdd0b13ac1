"""The relief network (V-1) and who may act for which station.

Four tiers, each station with its division code (domain.md 0.2):

* the city relief station (救助管理站) `RS-610500` and one county station per county-level division,
  `RS-<county>`: they follow from the divisions in force, so they exist without being registered;
* township temporary aid points (乡镇临时救助点) and village consultation points (村级救助咨询点),
  registered by an admin as `RS-<county>-<n>` (the numbering style of cemeteries, `CEM-610502-1`), each
  under its parent: a township point under its county station, a village point under a township point.

Relief staff act only for their own station (`office` of their principal); the city station's staff read
every station (admins keep the reference data and read no case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from services.vagrant_aid.contract import events as contract
from services.vagrant_aid.contract.refusals import (
    FORBIDDEN_STATION,
    INVALID_PARENT_STATION,
    INVALID_STATION_CODE,
    STATION_EXISTS,
    UNKNOWN_STATION,
)
from services.vagrant_aid.domain.events import Draft
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference import WEINAN, weinan_counties
from shared.reference.places import place_name

Tier = Literal["city", "county", "township", "village"]
TIERS: tuple[Tier, ...] = ("city", "county", "township", "village")
REGISTERED_TIERS: tuple[Tier, ...] = ("township", "village")
CITY_STATION = f"RS-{WEINAN}"

STATION_CODE = re.compile(r"RS-(?P<division>[0-9]{6})(?:-(?P<number>[1-9][0-9]{0,3}))?", re.ASCII)


@dataclass(frozen=True)
class Station:
    code: str
    tier: Tier
    division: str
    name: str
    parent: str | None = None


def standing_station(code: str, on: date) -> Station | None:
    """The city station or a county station of a division in force on `on`; None for any other code."""
    return _standing(on).get(code)


def standing_stations(on: date) -> list[Station]:
    return list(_standing(on).values())


@lru_cache(maxsize=64)
def _standing(on: date) -> dict[str, Station]:
    """Per day, because divisions change by date (0.2); cached, because finding a city's counties walks
    every code in the lists."""
    stations = {CITY_STATION: Station(CITY_STATION, "city", WEINAN, place_name(CITY_STATION))}
    for county in weinan_counties(on):
        code = f"RS-{county.code}"
        stations[code] = Station(code, "county", county.code, place_name(code), CITY_STATION)
    return stations


def point_division(code: str) -> str:
    """The county of a township or village point's code; refuses codes of another shape (V-1)."""
    match = STATION_CODE.fullmatch(code)
    if match is None or match["number"] is None:
        raise Refusal(INVALID_STATION_CODE, f"{code!r} is not RS-<county>-<number>",
                      errors=[{"loc": ["body", "code"], "msg": "expected RS-<county code>-<number>"}])
    return match["division"]


# -- V-1: staff act only for their own station ---------------------------------------------------------
def check_acts_for_station(actor: Actor, station: str) -> None:
    """V-1: a command about a station's case is given by that station's staff, nobody else."""
    if actor.role != "relief_staff" or actor.office != station:
        raise Refusal(FORBIDDEN_STATION, f"{actor.name} does not work at {station}", 403)


def reads_every_station(actor: Actor) -> bool:
    """V-1: the city relief station leads the network; its staff read every station's cases and figures
    (admins keep the reference data only and read no case: separation of duties, api.md release 2)."""
    return actor.role == "relief_staff" and actor.office == CITY_STATION


def check_may_read_station(actor: Actor, station: str) -> None:
    """V-1: staff read their own station's cases; the city station's staff read every station's."""
    if not reads_every_station(actor):
        check_acts_for_station(actor, station)


def check_parent(tier: Tier, county: str, parent: Station | None, parent_code: str) -> None:
    """V-1: a township point hangs under its county station, a village point under a township point of
    the same county."""
    if parent is None:
        raise Refusal(UNKNOWN_STATION, f"no station {parent_code}",
                      errors=[{"loc": ["body", "parent"], "msg": "no such station"}])
    expected: Tier = "county" if tier == "township" else "township"
    if parent.tier != expected or parent.division != county:
        raise Refusal(INVALID_PARENT_STATION,
                      f"a {tier} point belongs under a {expected} station of {county}, not {parent_code}",
                      errors=[{"loc": ["body", "parent"], "msg": f"a {expected} station of {county}"}])


def decide_register_station(code: str, tier: Tier, name: str, parent_code: str, parent: Station | None,
                            existing: Station | None, on: date) -> list[Draft]:
    """V-1: register a township or village point under its parent."""
    county = point_division(code)
    if standing_station(f"RS-{county}", on) is None or county == WEINAN:
        raise Refusal(INVALID_STATION_CODE, f"{county} is not a county of the city in force on {on}",
                      errors=[{"loc": ["body", "code"], "msg": "RS-<county of the city>-<number>"}])
    if existing is not None:
        raise Refusal(STATION_EXISTS, f"{code} is already registered", 409)
    check_parent(tier, county, parent, parent_code)
    payload = {"code": code, "tier": tier, "division": county, "name": name, "parent": parent_code,
               "registered_on": on.isoformat()}
    return [Draft.of(contract.StationRegistered(**payload), on)]
