"""The state of one child's file (stream `child-<child_id>`, C-2 一人一档) and how each event changes it.

The file holds the child's identity, household division, both parents with their conditions and evidence
(a history: conditions start, end and are corrected), the guardian, the care arrangements over time, the
eligibility procedure (application → township check → county decision, C-3), the termination, and the
agreements and visits (C-7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from services.child_welfare.domain import events as ev
from services.child_welfare.domain.eligibility import Parent, ParentFact


@dataclass(frozen=True)
class Placement:
    """A care arrangement from a day on (C-4)."""

    effective_on: dt.date
    care: str
    institution: str | None = None
    carer_id: str | None = None


@dataclass(frozen=True)
class Termination:
    reason: str
    effective_on: dt.date


@dataclass(frozen=True)
class ChildFile:
    child_id: str
    subject_id: str  # the ID number, or the temporary id of a referred child not yet identified
    id_number: str | None
    temporary_id: str | None
    name: str | None
    birth_date: dt.date | None
    household_division: str | None
    guardian: dict[str, Any] | None
    source: str  # application | relief_referral
    applied_on: dt.date
    parents: tuple[Parent, ...]
    placements: tuple[Placement, ...]
    status: str = "applied"  # applied | checked | confirmed | rejected | terminated
    assessment_from: dt.date | None = None  # when the current assessment began (C-3 time limits)
    township_check: tuple[dt.date, str] | None = None  # (checked_on, outcome)
    decided_on: dt.date | None = None
    confirmed_on: dt.date | None = None
    category: str | None = None  # as confirmed, then as reclassified
    termination: Termination | None = None
    agreement_until: dt.date | None = None
    last_visit: dt.date | None = None
    relief_case_id: str | None = None
    student_until: dt.date | None = None  # C-6: in full-time education until this day
    adjustments: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.termination is None

    def placement_on(self, day: dt.date) -> Placement:
        current = self.placements[0]
        for placement in self.placements:
            if placement.effective_on <= day:
                current = placement
        return current

    @property
    def placement(self) -> Placement:
        return self.placements[-1]


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _maybe_date(value: Any) -> dt.date | None:
    return None if value is None else _date(value)


def _parent(entry: dict[str, Any]) -> Parent:
    fact = ParentFact(entry["condition"], _date(entry["condition_since"]), entry["evidence_ref"],
                      _maybe_date(entry.get("ends_on")))
    return Parent(entry["name"], entry.get("id_number"), (fact,))


def opened(payload: dict[str, Any], subject: str) -> ChildFile:
    applied_on = _date(payload["applied_on"])
    placement = Placement(applied_on, payload["care"], payload.get("institution"),
                          (payload.get("carer") or {}).get("id_number"))
    return ChildFile(
        child_id=payload["child_id"], subject_id=subject,
        id_number=None if subject.startswith("TMP-") else subject,
        temporary_id=subject if subject.startswith("TMP-") else None,
        name=payload.get("name"), birth_date=_maybe_date(payload.get("birth_date")),
        household_division=payload.get("household_division"), guardian=payload.get("guardian"),
        source=payload["source"], applied_on=applied_on,
        parents=tuple(_parent(entry) for entry in payload.get("parents") or ()),
        placements=(placement,), assessment_from=applied_on, relief_case_id=payload.get("relief_case_id"),
    )


def _parent_changed(file: ChildFile, p: dict[str, Any]) -> ChildFile:
    index = p["parent"]
    parents = list(file.parents)
    if index == len(parents):
        parents.append(Parent(p.get("name") or "", p.get("id_number"), ()))
    parent = parents[index]
    facts = list(parent.facts)
    if p.get("replaces_since") is not None:
        replaced = _date(p["replaces_since"])
        facts = [fact for fact in facts if fact.since != replaced]
    if not p.get("withdrawn"):
        since = _date(p["condition_since"])
        facts = [fact for fact in facts if fact.since != since]  # one fact per day: the later record wins
        facts.append(ParentFact(p["condition"], since, p["evidence_ref"], _maybe_date(p.get("ends_on")),
                                p.get("death_id")))
    parents[index] = replace(parent, facts=tuple(sorted(facts, key=lambda fact: fact.since)),
                             id_number=parent.id_number or p.get("id_number"))
    return replace(file, parents=tuple(parents))


def evolve(file: ChildFile | None, event: Any, subject: str | None = None) -> ChildFile:
    """The file after one more event of its stream. `subject` is needed for the first event only."""
    p = event.payload
    if event.type == ev.CHILD_FILE_OPENED:
        assert subject is not None
        return opened(p, subject)
    assert file is not None, f"{event.type} before {ev.CHILD_FILE_OPENED}"
    if event.type == ev.TOWNSHIP_CHECK_RECORDED:
        return replace(file, township_check=(_date(p["checked_on"]), p["outcome"]), status="checked")
    if event.type == ev.ELIGIBILITY_CONFIRMED:
        decided = _date(p["decided_on"])
        return replace(file, status="confirmed", decided_on=decided, confirmed_on=decided, category=p["category"])
    if event.type == ev.APPLICATION_REJECTED:
        return replace(file, status="rejected", decided_on=_date(p["decided_on"]))
    if event.type == ev.ASSESSMENT_OPENED:
        return replace(file, status="applied", assessment_from=_date(p["opened_on"]), township_check=None)
    if event.type == ev.CHILD_RECLASSIFIED:
        return replace(file, category=p["to_category"])
    if event.type == ev.SUPPORT_TERMINATED:
        return replace(file, status="terminated", termination=Termination(p["reason"], _date(p["effective_on"])))
    if event.type == ev.TERMINATION_CORRECTED:
        if p.get("effective_on") is None:  # the terminating fact never held
            status = "confirmed" if file.confirmed_on else "applied"
            return replace(file, termination=None, status=status)
        assert file.termination is not None
        return replace(file, termination=replace(file.termination, effective_on=_date(p["effective_on"])))
    if event.type == ev.PARENT_CONDITION_CHANGED:
        return _parent_changed(file, p)
    if event.type == ev.CARE_PLACEMENT_CHANGED:
        placement = Placement(_date(p["effective_on"]), p["care"], p.get("institution"),
                              (p.get("carer") or {}).get("id_number"))
        kept = tuple(old for old in file.placements if old.effective_on <= placement.effective_on)
        return replace(file, placements=(*kept, placement))
    if event.type == ev.AGREEMENT_SIGNED:
        return replace(file, agreement_until=_date(p["valid_until"]))
    if event.type == ev.VISIT_RECORDED:
        return replace(file, last_visit=max(_date(p["visited_on"]), file.last_visit or dt.date.min))
    if event.type == ev.CHILD_IDENTIFIED:
        return replace(file, subject_id=p["id_number"], id_number=p["id_number"],
                       birth_date=_maybe_date(p.get("birth_date")) or file.birth_date)
    if event.type == ev.STUDENT_STATUS_RECORDED:
        return replace(file, student_until=_date(p["full_time_until"]))
    if event.type == ev.ALLOWANCE_ADJUSTED:
        return replace(file, adjustments=(*file.adjustments, p))
    return file  # a type this version does not know changes nothing it decides on


def fold(events: Iterable[Any], file: ChildFile | None = None) -> ChildFile | None:
    """The file after `events`: stored envelopes (with stream versions) or drafts (counted on)."""
    for event in events:
        version = getattr(event, "stream_version", (file.version if file else 0) + 1)
        file = replace(evolve(file, event, _first_subject(event)), version=version)
    return file


def _first_subject(event: Any) -> str | None:
    if not event.subjects:
        return None
    first = event.subjects[0]
    return first[0] if isinstance(first, tuple) else first.id
