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

from services.child_welfare.contract import events as contract
from services.child_welfare.domain import events as ev
from services.child_welfare.domain.eligibility import Parent, ParentFact
from shared.reference.events import Recorded


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
class Period:
    """A confirmed stretch of support that ended before the file was reopened: its months stay paid (C-5)."""

    confirmed_on: dt.date
    termination: Termination


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
    periods: tuple[Period, ...] = ()  # support before a reopening (FileReopened), oldest first
    state_guardianship: str | None = None  # temporary (a referral) | long_term (长期监护)
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


def opened(event: contract.ChildFileOpened, subject: str) -> ChildFile:
    placement = Placement(event.applied_on, event.care, event.institution, (event.carer or {}).get("id_number"))
    return ChildFile(
        child_id=event.child_id, subject_id=subject,
        id_number=None if subject.startswith("TMP-") else subject,
        temporary_id=subject if subject.startswith("TMP-") else None,
        name=event.name, birth_date=event.birth_date, household_division=event.household_division,
        guardian=event.guardian, source=event.source, applied_on=event.applied_on,
        parents=tuple(_parent(entry) for entry in event.parents),
        placements=(placement,), assessment_from=event.applied_on, relief_case_id=event.relief_case_id,
        state_guardianship="temporary" if event.source == "relief_referral" else None,
    )


def _parent_changed(file: ChildFile, event: contract.ParentConditionChanged) -> ChildFile:
    parents = list(file.parents)
    if event.parent == len(parents):
        parents.append(Parent(event.name or "", event.id_number, ()))
    parent = parents[event.parent]
    facts = list(parent.facts)
    if event.replaces_since is not None:
        facts = [fact for fact in facts if fact.since != event.replaces_since]
    if not event.withdrawn:
        since = event.condition_since
        facts = [fact for fact in facts if fact.since != since]  # one fact per day: the later record wins
        facts.append(ParentFact(event.condition, since, event.evidence_ref, event.ends_on, event.death_id))
    parents[event.parent] = replace(parent, facts=tuple(sorted(facts, key=lambda fact: fact.since)),
                                    id_number=parent.id_number or event.id_number)
    return replace(file, parents=tuple(parents))


def evolve(file: ChildFile | None, event: contract.EventModel, subject: str | None = None) -> ChildFile:
    """The file after one more event of its stream (its current model). `subject` is needed for the first
    event only."""
    match event:
        case contract.ChildFileOpened():
            assert subject is not None
            return opened(event, subject)
    assert file is not None, f"{event.TYPE} before {ev.CHILD_FILE_OPENED}"
    match event:
        case contract.TownshipCheckRecorded():
            return replace(file, township_check=(event.checked_on, event.outcome), status="checked")
        case contract.EligibilityConfirmed():
            return replace(file, status="confirmed", decided_on=event.decided_on, confirmed_on=event.decided_on,
                           category=event.category)
        case contract.ApplicationRejected():
            return replace(file, status="rejected", decided_on=event.decided_on)
        case contract.AssessmentOpened():
            return replace(file, status="applied", assessment_from=event.opened_on, township_check=None)
        case contract.ChildReclassified():
            return replace(file, category=event.to_category)
        case contract.SupportTerminated():
            return replace(file, status="terminated", termination=Termination(event.reason, event.effective_on))
        case contract.TerminationCorrected(effective_on=None):  # the terminating fact never held
            return replace(file, termination=None, status="confirmed" if file.confirmed_on else "applied")
        case contract.TerminationCorrected(effective_on=effective_on):
            assert file.termination is not None
            return replace(file, termination=replace(file.termination, effective_on=effective_on))
        case contract.ParentConditionChanged():
            return _parent_changed(file, event)
        case contract.CarePlacementChanged():
            placement = Placement(event.effective_on, event.care, event.institution,
                                  (event.carer or {}).get("id_number"))
            kept = tuple(old for old in file.placements if old.effective_on <= placement.effective_on)
            return replace(file, placements=(*kept, placement))
        case contract.AgreementSigned():
            return replace(file, agreement_until=event.valid_until)
        case contract.VisitRecorded():
            return replace(file, last_visit=max(event.visited_on, file.last_visit or dt.date.min))
        case contract.ChildIdentified():
            return replace(file, subject_id=event.id_number, id_number=event.id_number,
                           birth_date=event.birth_date or file.birth_date)
        case contract.StudentStatusRecorded():
            return replace(file, student_until=event.full_time_until)
        case contract.AllowanceAdjusted():
            return replace(file, adjustments=(*file.adjustments, event.payload()))
        case contract.GuardianChanged():
            return replace(file, guardian=event.guardian, state_guardianship=event.state_guardianship)
        case contract.HouseholdChanged():
            return replace(file, household_division=event.household_division)
        case contract.FileReopened():
            return reopened(file, event)
    return file  # a type this version does not know changes nothing it decides on


def reopened(file: ChildFile, event: contract.FileReopened) -> ChildFile:
    """C-2, C-3: the file under assessment again; a confirmed stretch that ended is kept as a past period."""
    periods = file.periods
    if file.confirmed_on is not None and file.termination is not None:
        periods = (*periods, Period(file.confirmed_on, file.termination))
    return replace(file, periods=periods, termination=None, status="applied", assessment_from=event.reopened_on,
                   township_check=None, decided_on=None, confirmed_on=None, category=None)


def fold(events: Iterable[Recorded], file: ChildFile | None = None) -> ChildFile | None:
    """The file after `events`: stored envelopes (with stream versions) or drafts (counted on)."""
    for event in events:
        version = getattr(event, "stream_version", (file.version if file else 0) + 1)
        file = replace(evolve(file, contract.CATALOGUE.read(event), _first_subject(event)), version=version)
    return file


def _first_subject(event: Any) -> str | None:
    if not event.subjects:
        return None
    first = event.subjects[0]
    return first[0] if isinstance(first, tuple) else first.id
