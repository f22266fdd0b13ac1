"""Place codes built on division codes (api.md "Places", domain.md 0.2).

Registry offices `MR-610502`, relief stations `RS-610500` (city) and `RS-610528` (county), funeral homes
`FH-610502`, cemeteries `CEM-610502-1` (a division may have several cemeteries, hence the number). The lower
tiers of the relief network (V-1: township aid points, village consultation points) are numbered within
their county the same way: `RS-610528-3`. Historical divisions
are accepted: paper-era records (M-12) name offices of divisions that no longer exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from shared.reference.divisions import WEINAN, division, is_known_division, level_of, weinan_counties

PlaceKind = Literal["registry_office", "relief_station", "funeral_home", "cemetery"]

_KINDS: dict[str, PlaceKind] = {
    "MR": "registry_office",
    "RS": "relief_station",
    "FH": "funeral_home",
    "CEM": "cemetery",
}
_PLACE = re.compile(
    r"(?P<prefix>MR|FH)-(?P<division>[0-9]{6})"
    r"|RS-(?P<station>[0-9]{6})(?:-(?P<point>[1-9][0-9]{0,3}))?"
    r"|CEM-(?P<cem>[0-9]{6})-(?P<number>[1-9][0-9]{0,3})",
    re.ASCII,
)


class InvalidPlace(ValueError):
    """A malformed place code, or one whose division is not a known city or county."""


@dataclass(frozen=True)
class Place:
    kind: PlaceKind
    division: str
    number: int | None
    code: str


def parse_place(code: str) -> Place:
    match = _PLACE.fullmatch(code) if isinstance(code, str) else None
    if match is None:
        raise InvalidPlace(f"not a place code: {code!r}")
    division = match["division"] or match["station"] or match["cem"]
    # Places belong to a city or a county (0.2); a province code is a typo, not an office.
    if not is_known_division(division) or level_of(division) == "province":
        raise InvalidPlace(f"unknown division in place code: {code!r}")
    if match["cem"]:
        return Place(kind="cemetery", division=division, number=int(match["number"]), code=code)
    if match["station"]:
        point = int(match["point"]) if match["point"] else None
        return Place(kind="relief_station", division=division, number=point, code=code)
    return Place(kind=_KINDS[match["prefix"]], division=division, number=None, code=code)


def development_places(on: date | None = None) -> list[Place]:
    """The places of the development data (api.md): a registry office in every county-level division of
    Weinan in force on `on` (default today), the city relief station and one per county, a funeral home and
    a public-welfare cemetery in 临渭区."""
    counties = [d.code for d in weinan_counties(on or date.today())]
    codes = [f"MR-{c}" for c in counties]
    codes += [f"RS-{WEINAN}"] + [f"RS-{c}" for c in counties]
    codes += ["FH-610502", "CEM-610502-1"]
    return [parse_place(c) for c in codes]


# What a place of each kind is called after its division's name (临渭区婚姻登记处, 渭南市救助管理站): the one naming
# of places, exported to the workbench with the division names (shared/reference/client_names.py).
PLACE_NOUNS: dict[str, str] = {"MR": "婚姻登记处", "RS": "救助管理站", "FH": "殡仪馆", "CEM": "公墓"}
RELIEF_POINT_NOUN = "救助点"


def place_name(code: str) -> str:
    """The Chinese name of a place code: its division's name and its kind (临渭区婚姻登记处); a relief point or a
    cemetery adds its number within the division (富平县救助点（3）, 临渭区公墓（1）)."""
    place = parse_place(code)
    found = division(place.division)
    where = found.name if found else place.division
    if place.kind == "relief_station" and place.number is not None:
        return f"{where}{RELIEF_POINT_NOUN}（{place.number}）"
    noun = PLACE_NOUNS[place.code.split("-")[0]]
    return f"{where}{noun}（{place.number}）" if place.kind == "cemetery" else f"{where}{noun}"
