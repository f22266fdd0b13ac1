"""Alive or deceased, and on what basis (F-1, F-6, F-7): the one definition, used by the funeral service and
by the timeline alike.

A person is deceased from the date of death a `DeathRegistered` (as the deceased) or a `BodyIdentified` (as the
identified person) records; a `DeathCorrected` moves that date, or takes the death back from the person it was
wrongly recorded against (`wrongly_recorded`) and gives it to the right one (`deceased`). The events are
everything known, in recorded order: a correction counts for every date it speaks about, whenever it was
recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from services.funeral.contract import events as ev
from shared.reference.events import Recorded


@dataclass(frozen=True)
class LifeStatus:
    alive: bool
    died_on: dt.date | None = None
    death_id: str | None = None
    basis: str | None = None  # the event type that last established the death

    def as_json(self) -> dict[str, Any]:
        return {"alive": self.alive, "died_on": self.died_on.isoformat() if self.died_on else None,
                "death_id": self.death_id, "basis": self.basis}


ALIVE = LifeStatus(alive=True)


def life_status(person: str | Collection[str], events: Iterable[Recorded], as_of: dt.date | None = None
                ) -> LifeStatus:
    """`person`: an id or all ids of one person; `events` in recorded order (other types passed over);
    `as_of` None: today."""
    ids = {person} if isinstance(person, str) else set(person)
    death = ALIVE
    for event, roles in ev.CATALOGUE.about(ids, events):
        match event:
            case ev.DeathRegistered() if "deceased" in roles:
                death = LifeStatus(False, event.died_on, event.death_id, event.TYPE)
            case ev.BodyIdentified() if "identified" in roles:
                death = LifeStatus(False, event.died_on, event.death_id, event.TYPE)
            case ev.DeathCorrected() if "deceased" in roles:
                death = LifeStatus(False, event.died_on, event.death_id, event.TYPE)
            case ev.DeathCorrected() if "wrongly_recorded" in roles and event.death_id == death.death_id:
                death = ALIVE
    if death.died_on is not None and as_of is not None and death.died_on > as_of:
        return ALIVE
    return death
