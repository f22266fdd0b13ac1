"""Upcasting: old event shapes are translated to the current one when read (schema_version).

A service registers one function per step (`type`, from version n to n+1). Reading applies the steps in
turn, so an event stored as version 1 reaches a consumer as version 3 without its stored row changing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Payload = dict[str, Any]
Step = Callable[[Payload], Payload]


class Upcasters:
    """A registry of upcasting steps: `(event type, from version) → payload function`."""

    def __init__(self) -> None:
        self._steps: dict[tuple[str, int], Step] = {}

    def register(self, event_type: str, from_version: int) -> Callable[[Step], Step]:
        def decorator(step: Step) -> Step:
            key = (event_type, from_version)
            if key in self._steps:
                raise ValueError(f"upcaster for {event_type} v{from_version} already registered")
            self._steps[key] = step
            return step

        return decorator

    def upcast(self, event_type: str, schema_version: int, payload: Payload) -> tuple[int, Payload]:
        while (step := self._steps.get((event_type, schema_version))) is not None:
            payload = step(dict(payload))
            schema_version += 1
        return schema_version, payload


NO_UPCASTING = Upcasters()
