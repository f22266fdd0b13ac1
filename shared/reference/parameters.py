"""Dated rule parameters (rule 0.4): every threshold, standard and jurisdiction rule has valid_from/valid_to.

A command is judged by the value in force on its business date, not on the day it is typed in, so a value
is always looked up with a day. Periods of one name never overlap; gaps are allowed and mean "no such rule
then" (NoRuleInForce). `valid_to` is the last day in force, None while open-ended. The known history is
bundled in `data/rule_parameters.yaml`; deployments may load their own mapping of the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

import yaml

_MISSING: Any = object()
_KEYS = {"value", "valid_from", "valid_to"}


class NoRuleInForce(LookupError):
    """No period of the parameter covers the day asked for."""


@dataclass(frozen=True)
class Dated:
    value: Any
    valid_from: date
    valid_to: date | None = None

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class RuleParameters:
    """Parameters by name, each a history of non-overlapping dated values."""

    def __init__(self, entries: Mapping[str, Iterable[Mapping[str, Any]]]) -> None:
        self._history = {str(name): _history(str(name), periods) for name, periods in entries.items()}

    @classmethod
    def from_yaml(cls, text: str) -> RuleParameters:
        return cls(yaml.safe_load(text) or {})

    def names(self) -> list[str]:
        return sorted(self._history)

    def history(self, name: str) -> tuple[Dated, ...]:
        return self._history[name]

    def value(self, name: str, on: date, default: Any = _MISSING) -> Any:
        """The value in force on `on`. An unknown name is a KeyError (a typo is a bug, not a gap);
        a known name with no period covering `on` raises NoRuleInForce unless a default is given."""
        for period in self._history[name]:
            if period.in_force_on(on):
                return period.value
        if default is not _MISSING:
            return default
        raise NoRuleInForce(f"no value of {name} in force on {on.isoformat()}")


@cache
def default_parameters() -> RuleParameters:
    """The bundled history of known rule changes, read once per process."""
    text = (resources.files(__package__) / "data" / "rule_parameters.yaml").read_text(encoding="utf-8")
    return RuleParameters.from_yaml(text)


def _history(name: str, periods: Iterable[Mapping[str, Any]]) -> tuple[Dated, ...]:
    dated = sorted((_dated(name, p) for p in periods), key=lambda d: d.valid_from)
    if not dated:
        raise ValueError(f"{name}: no periods")
    for earlier, later in pairwise(dated):
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            raise ValueError(f"{name}: the period from {earlier.valid_from} overlaps the next one")
    return tuple(dated)


def _dated(name: str, period: Mapping[str, Any]) -> Dated:
    if not isinstance(period, Mapping) or not {"value", "valid_from"} <= set(period) <= _KEYS:
        raise ValueError(f"{name}: each period needs value and valid_from, optionally valid_to: {period!r}")
    valid_to = None if period.get("valid_to") is None else _as_date(period["valid_to"])
    dated = Dated(period["value"], _as_date(period["valid_from"]), valid_to)
    if dated.valid_to is not None and dated.valid_to < dated.valid_from:
        raise ValueError(f"{name}: valid_to {dated.valid_to} is before valid_from {dated.valid_from}")
    return dated


def _as_date(value: Any) -> date:
    # YAML reads an unquoted 2021-01-01 as a date; JSON or a quoted YAML value arrives as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@cache
def package_parameters(package: str) -> RuleParameters:
    """A service's own parameter history (`rule_parameters.yaml` in its package), read once per process."""
    text = (resources.files(package) / "rule_parameters.yaml").read_text(encoding="utf-8")
    return RuleParameters.from_yaml(text)
