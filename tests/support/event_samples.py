"""Payloads the services really write (`tests/data/event_payloads.jsonl`, captured from their deciders), so
tests that build events by hand build them in the contract's shape: `payload_of(type, **fields)` is a stored
payload of that type with the fields a test cares about set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLES: list[dict[str, Any]] = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "data" / "event_payloads.jsonl").read_text(encoding="utf-8").splitlines()
]
_FIRST = {sample["type"]: sample["payload"] for sample in reversed(SAMPLES)}


def payload_of(event_type: str, **fields: Any) -> dict[str, Any]:
    """A complete payload of `event_type` (unknown types: the fields alone)."""
    return {**_FIRST.get(event_type, {}), **fields}
