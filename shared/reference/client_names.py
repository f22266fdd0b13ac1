"""The names the workbench shows for division and place codes, exported from the one definition
(`data/divisions.yaml` through shared/reference/divisions.py, and places.py's nouns) into the bundle:
web/src/names.zh-CN.json, written by `civreg docs names` and checked fresh by `civreg docs all --check`
and tests/unit/reference/test_client_names.py. There is no reference route: the client names places
offline, as it shows refusals from the problem catalogue.

Exported: every province (an ID number from outside the city is named by its province), the city, and every
county-level division the city has had (an abolished one, 华县, is still an ID number's address code, 0.1),
with the last day it was in force.
"""

from __future__ import annotations

import json
from pathlib import Path

from shared.reference.divisions import WEINAN, all_divisions, division, weinan_counties
from shared.reference.places import PLACE_NOUNS, RELIEF_POINT_NOUN

NAMES_JSON = Path(__file__).resolve().parents[2] / "web" / "src" / "names.zh-CN.json"


def render() -> str:
    divisions: dict[str, dict[str, str]] = {}
    chosen = [d for d in all_divisions() if d.level == "province"] + [division(WEINAN)]
    latest = {d.code: d for d in weinan_counties()}  # the latest period of each code, in code order
    for d in [*chosen, *latest.values()]:
        if d is None:
            continue
        entry = {"name": d.name}
        if d.valid_to is not None:
            entry["abolished_after"] = d.valid_to.isoformat()
        divisions[d.code] = entry
    document = {
        "divisions": dict(sorted(divisions.items())),
        "places": PLACE_NOUNS,
        "relief_point": RELIEF_POINT_NOUN,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
