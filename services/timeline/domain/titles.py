"""Human-readable timeline titles (T-1): Chinese, with the English type, from `titles.yaml`.

A type that is not listed still gets a title — its service's generic one, or that of an unknown service —
so that a new service or event type appears on timelines with no change here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

TITLES_FILE = Path(__file__).resolve().parents[1] / "titles.yaml"


@cache
def _table() -> dict[str, Any]:
    return yaml.safe_load(TITLES_FILE.read_text(encoding="utf-8"))


@cache
def title_of(event_type: str) -> str:
    table = _table()
    service = event_type.split(".", 1)[0]
    chinese = table["types"].get(event_type) or table["services"].get(service) or table["unknown"]
    return f"{chinese} ({event_type})"
