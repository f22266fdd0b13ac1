"""Alive or deceased, and on what basis (F-1, F-6, F-7, D-3, D-8, D-10, D-11), and declared missing (D-10): the
one definition, used by the funeral service and by the timeline alike.

A person is deceased on one of two bases (D-8):
* `registered`: from the date of death a `DeathRegistered` (as the deceased) or a `BodyIdentified` (as the
  identified person) records; a `DeathCorrected` moves that date, or takes the death back from the person it was
  wrongly recorded against (`wrongly_recorded`) and gives it to the right one (`deceased`); a `DeathWithdrawn`
  (D-11) takes it back altogether: the person was alive on every date.
* `declared`: a court's death declaration (`CourtDeclarationRecorded`, kind `death`) counts from its judgment date
  to its revocation (`CourtDeclarationRevoked`), never backwards (D-5, D-10); `died_on` is the art. 48 date
  (D-3), which may be earlier than the judgment. A registered death outweighs a declared one.

The events are everything known, in recorded order: a correction or a withdrawal counts for every date it speaks
about, whenever it was recorded; a declaration and its revocation count from their own dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from services.funeral.contract import events as ev
from shared.reference.events import Recorded

REGISTERED, DECLARED = "registered", "declared"


@dataclass(frozen=True)
class LifeStatus:
    alive: bool
    died_on: dt.date | None = None
    death_id: str | None = None
    basis: str | None = None  # the event type that last established the death
    death_basis: str | None = None  # D-8: `registered` or `declared`
    declaration_id: str | None = None  # a declared death: the court's declaration

    def as_json(self) -> dict[str, Any]:
        return {"alive": self.alive, "died_on": self.died_on.isoformat() if self.died_on else None,
                "death_id": self.death_id, "basis": self.basis, "death_basis": self.death_basis,
                "declaration_id": self.declaration_id}


ALIVE = LifeStatus(alive=True)


@dataclass
class _Declaration:
    kind: str
    judgment_on: dt.date
    court: str
    judgment_ref: str
    died_on: dt.date | None
    missing_since: dt.date | None
    ends_on: dt.date | None = None  # revoked, or (missing) superseded by a death declaration, from that day

    def stands_on(self, day: dt.date | None) -> bool:
        """Standing on `day` (None: today, whatever dates the events give)."""
        if day is None:
            return self.ends_on is None
        return self.judgment_on <= day and (self.ends_on is None or day < self.ends_on)


def _declarations(ids: set[str], events: Iterable[Recorded]) -> tuple[LifeStatus, dict[str, _Declaration]]:
    death = ALIVE
    declarations: dict[str, _Declaration] = {}
    for event, roles in ev.CATALOGUE.about(ids, events):
        match event:
            case ev.DeathRegistered() if "deceased" in roles:
                death = LifeStatus(False, event.died_on, event.death_id, event.TYPE, REGISTERED)
            case ev.BodyIdentified() if "identified" in roles:
                death = LifeStatus(False, event.died_on, event.death_id, event.TYPE, REGISTERED)
            case ev.DeathCorrected() if "deceased" in roles:
                death = LifeStatus(False, event.died_on, event.death_id, event.TYPE, REGISTERED)
            case ev.DeathCorrected() if "wrongly_recorded" in roles and event.death_id == death.death_id:
                death = ALIVE
            case ev.DeathWithdrawn() if event.death_id == death.death_id:
                death = ALIVE  # D-11: registered in error, alive on every date
            case ev.CourtDeclarationRecorded() if "declared" in roles:
                declarations[event.declaration_id] = _Declaration(
                    event.kind, event.judgment_on, event.court, event.judgment_ref, event.died_on,
                    event.missing_since)
                superseded = declarations.get(event.supersedes or "")
                if superseded is not None and superseded.ends_on is None:
                    superseded.ends_on = event.judgment_on  # D-3: a death declaration ends the missing one
            case ev.CourtDeclarationRevoked() if event.declaration_id in declarations:
                declarations[event.declaration_id].ends_on = event.revoked_on
    return death, declarations


def life_status(person: str | Collection[str], events: Iterable[Recorded], as_of: dt.date | None = None
                ) -> LifeStatus:
    """`person`: an id or all ids of one person; `events` in recorded order (other types passed over);
    `as_of` None: today."""
    ids = {person} if isinstance(person, str) else set(person)
    death, declarations = _declarations(ids, events)
    if death.died_on is not None and as_of is not None and death.died_on > as_of:
        death = ALIVE
    if not death.alive:
        return death
    for declaration_id, declaration in declarations.items():
        if declaration.kind == "death" and declaration.stands_on(as_of):
            return LifeStatus(False, declaration.died_on, None, ev.CourtDeclarationRecorded.TYPE, DECLARED,
                              declaration_id)
    return ALIVE


def declared_missing(person: str | Collection[str], events: Iterable[Recorded], as_of: dt.date | None = None
                     ) -> dict[str, Any] | None:
    """D-10: the standing missing declaration (宣告失踪) on `as_of` (None: today) — `{since, missing_since, court,
    case_no, declaration_id}`, `since` the judgment date — or None. A revocation or a death declaration ends it."""
    ids = {person} if isinstance(person, str) else set(person)
    _, declarations = _declarations(ids, events)
    standing = [(d.judgment_on, declaration_id, d) for declaration_id, d in declarations.items()
                if d.kind == "missing" and d.stands_on(as_of)]
    if not standing:
        return None
    since, declaration_id, found = max(standing, key=lambda item: (item[0], item[1]))
    return {"since": since, "missing_since": found.missing_since, "court": found.court,
            "case_no": found.judgment_ref, "declaration_id": declaration_id}
