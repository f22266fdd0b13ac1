"""C-1 who qualifies: orphan (孤儿) or de facto unattended child (事实无人抚养儿童, 民发〔2019〕62号), derived from
the two parents' conditions on a day — never typed in.

* A parent is *gone* when dead, declared dead, declared missing or untraceable (birth parents who cannot be
  found); *serious* when in one of the 62号 conditions, with its 6-month thresholds: a sentence or other
  deprivation of liberty of 6 months or more (its known length), out of contact for 6 months or more counted
  from the police report (so it qualifies only from the day 6 months have passed).
* Orphan: both parents gone. De facto unattended: both parents gone or serious, at least one serious —
  (a) both serious, or (b) one gone and the other serious. The two are exclusive; a child holds one status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from services.child_welfare.contract.vocabulary import DEPRIVATION_OF_LIBERTY, GONE, SERIOUS
from shared.reference.dates import add_months

THRESHOLD_MONTHS = 6  # C-1: "6 months or more" for sentences, other deprivation of liberty, lost contact


@dataclass(frozen=True)
class ParentFact:
    """A condition from a day on (`since`), up to `ends_on` where known (a sentence's last day)."""

    condition: str
    since: dt.date
    evidence_ref: str
    ends_on: dt.date | None = None
    death_id: str | None = None  # a death reported by the funeral service

    def to_json(self) -> dict[str, object]:
        return {"condition": self.condition, "since": self.since.isoformat(), "evidence_ref": self.evidence_ref,
                "ends_on": self.ends_on.isoformat() if self.ends_on else None}


@dataclass(frozen=True)
class Parent:
    name: str
    id_number: str | None
    facts: tuple[ParentFact, ...]  # ordered by `since`

    def fact_on(self, day: dt.date) -> ParentFact | None:
        """The fact in force on `day`: the latest one begun by then, unless it has ended."""
        current = None
        for fact in self.facts:
            if fact.since <= day:
                current = fact
        if current is None or (current.ends_on is not None and day > current.ends_on):
            return None
        return current

    def condition_on(self, day: dt.date) -> str:
        fact = self.fact_on(day)
        return fact.condition if fact else "none"


def standing(fact: ParentFact | None, day: dt.date) -> str | None:
    """`gone`, `serious` or None for one parent on `day` (C-1, with the 6-month thresholds)."""
    if fact is None:
        return None
    if fact.condition in GONE:
        return "gone"
    if fact.condition not in SERIOUS:
        return None
    if fact.condition == "lost_contact" and day < add_months(fact.since, THRESHOLD_MONTHS):
        return None
    if (fact.condition in DEPRIVATION_OF_LIBERTY and fact.ends_on is not None
            and fact.ends_on < add_months(fact.since, THRESHOLD_MONTHS)):
        return None
    return "serious"


def category_on(parents: Sequence[Parent], day: dt.date) -> str | None:
    """C-1: `orphan`, `de_facto_unattended` or None (not eligible) on `day`."""
    if len(parents) != 2:
        return None  # eligibility is judged on both parents; a file without them is not yet assessable
    standings = [standing(parent.fact_on(day), day) for parent in parents]
    if standings == ["gone", "gone"]:
        return "orphan"
    if None not in standings:
        return "de_facto_unattended"
    return None


def facts_changing(parents: Sequence[Parent]) -> list[dt.date]:
    """The days on which some parent's standing may change: the ledger breaks its spans there."""
    days: set[dt.date] = set()
    for parent in parents:
        for fact in parent.facts:
            days.add(fact.since)
            if fact.ends_on is not None:
                days.add(fact.ends_on + dt.timedelta(days=1))
            if fact.condition == "lost_contact":
                days.add(add_months(fact.since, THRESHOLD_MONTHS))
    return sorted(days)
