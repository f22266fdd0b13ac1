"""Payloads the services really write (`tests/data/event_payloads.jsonl`, captured from their deciders), so
tests that build events by hand build them in the contract's shape: `payload_of(type, **fields)` is the fields a
test cares about, completed to a valid payload of that type — required fields it leaves out take null where the
model allows it, else a stored payload's value; optional fields it leaves out stay absent."""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

from services.event_contracts import catalogue_of

SAMPLES: list[dict[str, Any]] = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "data" / "event_payloads.jsonl").read_text(encoding="utf-8").splitlines()
]
_FIRST = {sample["type"]: sample["payload"] for sample in reversed(SAMPLES)}


def _nullable(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in typing.get_args(
        annotation)


def payload_of(event_type: str, **fields: Any) -> dict[str, Any]:
    """A complete payload of `event_type` with `fields` set (types without a model: the fields alone)."""
    try:
        model = catalogue_of(event_type).current[event_type]
    except KeyError:
        return dict(fields)
    completed = {}
    for name, info in model.model_fields.items():
        if name in fields or not info.is_required():
            continue
        completed[name] = None if _nullable(info.annotation) else _FIRST[event_type][name]
    return {**completed, **fields}
