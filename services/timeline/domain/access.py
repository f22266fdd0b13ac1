"""Access classes and who may read them (T-3; architecture.md, "Access classes and audit").

The mapping lives in `access.yaml` beside the service, as data: the class of every event type, the grants
of every role, and the class of every fact. A grant is a class (`status`, `case`, `protected`, `sealed`),
narrowed by `:facts` (the derived facts only, no timeline entries) or `@<service>` (that service's events
only).
Bureau principals carry their grants as scopes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ACCESS_FILE = Path(__file__).resolve().parents[1] / "access.yaml"
CLASSES = ("status", "case", "protected", "sealed")  # sealed: A-14, a sealed adoption's origins
_GRANT = re.compile(r"^(?P<klass>status|case|protected|sealed)(?P<facts>:facts)?(?:@(?P<service>[a-z][a-z_]*))?$")


@cache
def _table() -> dict[str, Any]:
    return yaml.safe_load(ACCESS_FILE.read_text(encoding="utf-8"))


@cache
def access_class(event_type: str) -> str:
    """The access class of an event type: exact type, then its service, then the most restrictive."""
    classes = _table()["classes"]
    service = event_type.split(".", 1)[0]
    return classes.get(event_type) or classes.get(f"{service}.*") or _table()["default"]


@dataclass(frozen=True)
class Grant:
    klass: str
    facts_only: bool = False
    service: str | None = None

    @classmethod
    def parse(cls, text: str) -> Grant | None:
        match = _GRANT.match(text)
        if match is None:
            return None
        return cls(match["klass"], bool(match["facts"]), match["service"])


@cache
def fact_class(fact: str) -> Grant:
    """The class of a fact, and the service it is read from when `access.yaml` names one (`case@vagrant_aid`):
    a grant narrowed to another service does not show it. An unknown fact is of the most restrictive class."""
    grant = Grant.parse(_table()["facts"].get(fact, _table()["default"]))
    if grant is None or grant.facts_only:
        raise ValueError(f"access.yaml: the class of fact {fact!r} is not a class")
    return grant


@dataclass(frozen=True)
class Visibility:
    """What one caller may read: timeline entries by class (and service), facts by class."""

    grants: tuple[Grant, ...]

    @property
    def reads_timeline(self) -> bool:
        return any(not grant.facts_only for grant in self.grants)

    @property
    def reads_anything(self) -> bool:
        return bool(self.grants)

    def sees_entry(self, event_type: str) -> bool:
        return _sees_entry(self, event_type)

    def sees_fact(self, fact: str) -> bool:
        of = fact_class(fact)
        return any(g.klass == of.klass and (None in (g.service, of.service) or g.service == of.service)
                   for g in self.grants)

    @property
    def sees_cases(self) -> bool:
        """Whether any grant covers the `case` class: temporary ids (relief cases) and their links to a
        person are case data, shown only to such callers (issue 14)."""
        return any(g.klass == "case" for g in self.grants)


@cache
def _sees_entry(visibility: Visibility, event_type: str) -> bool:
    klass, service = access_class(event_type), event_type.split(".", 1)[0]
    return any(not g.facts_only and g.klass == klass and g.service in (None, service) for g in visibility.grants)


def visibility_of(role: str, scopes: Iterable[str] = ()) -> Visibility:
    """A bureau reads what its scopes say; every other role what `access.yaml` grants it."""
    texts = list(scopes) if role == "bureau" else _table()["roles"].get(role, [])
    grants = tuple(grant for grant in map(Grant.parse, texts) if grant is not None)
    return Visibility(grants)
