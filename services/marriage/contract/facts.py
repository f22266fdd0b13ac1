"""Marital status of a person on any date (domain.md "Marital status"): the one definition, used by the marriage
service and by the timeline alike.

A person's marriages are their `MarriageRegistered` events less those voided, annulled or revoked (they never
existed: M-9, M-10, whenever that was found). Of the rest registered by the date, the latest decides: married
from `registered_on`; divorced from a `DivorceRegistered` or a court divorce; widowed from a
`MarriageEndedByDeath` in which the person survived, on the date of death as last corrected
(`DeathDateCorrected`, M-11, F-7) — undone by `MarriageRevived`, as if the death had not ended it (F-7, D-11).
A court's death declaration ends it the same way on its judgment date (D-4); its revocation revives it from the
revocation date only (`MarriageRevived` with `revived_on`, D-5), or leaves both divorced from that date
(`MarriageNotRevived`). No marriage: unmarried. The events are everything known, in recorded order: a correction
counts for every date it speaks about, whenever it was recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from services.marriage.contract import events as ev
from shared.reference.events import Recorded

UNMARRIED, MARRIED, DIVORCED, WIDOWED = "unmarried", "married", "divorced", "widowed"
# Every type `marital_status` reads: a reader that fetches only these (the service's status query) sees all it needs.
STATUS_TYPES = tuple(model.TYPE for model in (
    ev.MarriageRegistered, ev.DivorceRegistered, ev.CourtOutcomeRecorded, ev.RegistrationRevoked,
    ev.MarriageEndedByDeath, ev.MarriageRevived, ev.MarriageNotRevived, ev.DeathDateCorrected))


@dataclass(frozen=True)
class MaritalStatus:
    marital_status: str  # unmarried | married | divorced | widowed
    since: dt.date | None = None
    registration_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"marital_status": self.marital_status, "since": self.since.isoformat() if self.since else None,
                "registration_id": self.registration_id}


@dataclass
class _Marriage:
    registered_on: dt.date
    order: int
    divorced_on: dt.date | None = None
    death: tuple[str, dt.date] | None = None  # (widowed | deceased, date of death): a marriage ends by one death
    revived_on: dt.date | None = None  # D-5: in force again from this date (a revoked death declaration)
    not_revived_on: dt.date | None = None  # D-5: divorced from this date instead


def marital_status(person: str | Collection[str], events: Iterable[Recorded], as_of: dt.date | None = None
                   ) -> MaritalStatus:
    """`person`: an id, or all ids of one person (merged temporary ids); `events`: marriage events in recorded
    order — those of other services or not naming the person are passed over; `as_of` None: today's status."""
    ids = {person} if isinstance(person, str) else set(person)
    day = as_of or dt.date.max
    marriages: dict[str, _Marriage] = {}
    never_existed: set[str] = set()
    for order, (event, roles) in enumerate(ev.CATALOGUE.about(ids, events)):
        if isinstance(event, ev.MarriageRegistered):
            marriages[event.registration_id] = _Marriage(event.registered_on, order)
            continue
        marriage = marriages.get(getattr(event, "registration_id", ""))
        match event:
            case ev.RegistrationRevoked() | ev.CourtOutcomeRecorded(kind="void" | "annulled"):
                never_existed.add(event.registration_id)
            case _ if marriage is None:
                pass
            case ev.DivorceRegistered(registered_on=on) | ev.CourtOutcomeRecorded(effective_on=on):
                marriage.divorced_on = min(on, marriage.divorced_on or on)
            case ev.MarriageEndedByDeath():
                marriage.death = (WIDOWED if "survivor" in roles else "deceased", event.died_on)
            case ev.DeathDateCorrected() if marriage.death is not None:
                marriage.death = (marriage.death[0], event.died_on)
            case ev.MarriageRevived(revived_on=None):
                marriage.death = None  # as if the death had not ended it, whatever date is asked about
            case ev.MarriageRevived(revived_on=on):
                marriage.revived_on = on  # D-5: from the revocation, never backwards
            case ev.MarriageNotRevived(divorced_on=on):
                marriage.not_revived_on = on
    candidates = {rid: m for rid, m in marriages.items() if rid not in never_existed and m.registered_on <= day}
    if not candidates:
        return MaritalStatus(UNMARRIED)
    rid, latest = max(candidates.items(), key=lambda item: (item[1].registered_on, item[1].order))
    if latest.not_revived_on is not None and latest.not_revived_on <= day:
        return MaritalStatus(DIVORCED, latest.not_revived_on, rid)  # D-5: not revived, divorced from then on
    revived = latest.revived_on is not None and latest.revived_on <= day
    death = [latest.death] if latest.death and not revived else []
    divorce = latest.divorced_on if not revived or (latest.divorced_on or day) >= latest.revived_on else None
    endings = [(on, status) for status, on in ((DIVORCED, divorce), *death) if on is not None and on <= day]
    if endings:
        since, status = min(endings)
        if status != "deceased":  # a deceased person's last status stays what it was at death
            return MaritalStatus(status, since, rid)
    return MaritalStatus(MARRIED, latest.registered_on, rid)
