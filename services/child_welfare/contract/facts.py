"""A child's welfare status on a date (C-1..C-6): the one definition, used by the timeline and checked against
the child welfare service's own file.

`applied` from `ChildFileOpened`; the category (`orphan`, `de_facto_unattended`) from `EligibilityConfirmed` or
`ChildReclassified`; `rejected` from `ApplicationRejected`; `terminated` from `SupportTerminated`, its date
moved by a `TerminationCorrected` — or undone by one whose `effective_on` is null (the terminating fact never
held, e.g. a death recorded against the wrong person); `applied` again from a `FileReopened`. Each fact counts
from its own date; the file whose status began last decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from services.child_welfare.contract import events as ev
from shared.reference.events import Recorded


@dataclass(frozen=True)
class Step:
    status: str  # applied | orphan | de_facto_unattended | rejected | terminated
    since: dt.date
    category: str | None = None
    reason: str | None = None


@dataclass
class _File:
    child_id: str
    steps: list[Step] = field(default_factory=list)

    def on(self, day: dt.date) -> Step | None:
        """The step in force on `day`: the latest begun by then (recorded order breaks ties)."""
        begun = [(step.since, n, step) for n, step in enumerate(self.steps) if step.since <= day]
        return max(begun, key=lambda item: item[:2])[2] if begun else None


def child_welfare_status(child: str | Collection[str], events: Iterable[Recorded], as_of: dt.date | None = None
                         ) -> dict[str, Any] | None:
    """`{child_id, status, category, since[, reason]}` of the child's latest file on `as_of` (None: today), or
    None when the child had no file then. `events` in recorded order; other types are passed over."""
    ids = {child} if isinstance(child, str) else set(child)
    files: dict[str, _File] = {}
    for event, roles in ev.CATALOGUE.about(ids, events):
        if "child" not in roles:  # a parent named on a child's file has no child welfare status of their own
            continue
        if isinstance(event, ev.ChildFileOpened):
            files[event.child_id] = _File(event.child_id, [Step("applied", event.applied_on)])
            continue
        file = files.get(getattr(event, "child_id", ""))
        if file is None:
            continue
        category = next((s.category for s in reversed(file.steps) if s.category), None)
        match event:
            case ev.EligibilityConfirmed():
                file.steps.append(Step(event.category, event.decided_on, event.category))
            case ev.ChildReclassified():
                file.steps.append(Step(event.to_category, event.effective_on, event.to_category))
            case ev.ApplicationRejected():
                file.steps.append(Step("rejected", event.decided_on, category))
            case ev.SupportTerminated():
                file.steps.append(Step("terminated", event.effective_on, category, event.reason))
            case ev.TerminationCorrected():
                _correct_termination(file, event.effective_on)
            case ev.FileReopened():  # under assessment again: checked and decided anew
                file.steps.append(Step("applied", event.reopened_on))
    day = as_of or dt.date.max
    in_force = [(step, file) for file in files.values() if (step := file.on(day)) is not None]
    if not in_force:
        return None
    step, file = max(in_force, key=lambda item: item[0].since)
    status = {"child_id": file.child_id, "status": step.status, "category": step.category, "since": step.since}
    return {**status, "reason": step.reason} if step.reason else status


def _correct_termination(file: _File, effective_on: dt.date | None) -> None:
    last = max((n for n, step in enumerate(file.steps) if step.status == "terminated"), default=None)
    if last is None:
        return
    if effective_on is None:
        del file.steps[last]
    else:
        file.steps[last] = replace(file.steps[last], since=effective_on)
