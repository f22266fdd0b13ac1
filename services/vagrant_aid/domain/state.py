"""A relief case (救助案件) as its events make it: `evolve(case, event)` folds one event in, `fold` many.

The state holds what the rules need and what staff read. Events come from the store (`shared.envelope.Event`)
or straight from `decide` (`Draft`); `fold` reads each through the contract's models, which `evolve` matches on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from services.vagrant_aid.contract import events as contract
from services.vagrant_aid.domain import events as ev
from shared.reference.events import Recorded


@dataclass(frozen=True)
class Case:
    case_id: str
    station: str
    station_division: str
    arrived_at: dt.datetime
    arrived_on: dt.date
    source: str
    sex: str
    temporary_id: str | None = None
    id_number: str | None = None
    name: str | None = None
    birth_date: dt.date | None = None
    estimated_age: int | None = None
    flags: frozenset[str] = frozenset()
    minor: bool = False
    identified: bool = False  # identified at intake or by identification (V-9); not by settlement
    identified_on: dt.date | None = None
    settled_on: dt.date | None = None
    household_division: str | None = None
    hospital_referral: tuple[str, ...] = ()  # V-3: the screening flags that called for it
    services: tuple[dict[str, Any], ...] = ()
    cash_total: Decimal = Decimal("0.00")
    ticket_given: bool = False
    extension_until: dt.date | None = None
    extensions: tuple[dict[str, Any], ...] = ()
    family_search: tuple[dict[str, Any], ...] = ()
    notice_at: dt.datetime | None = None
    dna_requested_on: dt.date | None = None
    exit: dict[str, Any] | None = None
    alerts: tuple[dict[str, Any], ...] = ()  # D-9: court declarations about the person while the case is open
    reopenings: tuple[dict[str, Any], ...] = ()  # D-11: exits undone, a death withdrawn as registered in error
    intake: dict[str, Any] = field(default_factory=dict)  # the PersonTakenIn payload, as recorded
    version: int = 0

    @property
    def subject_id(self) -> str:
        """The id the person is known by now: the ID number once known, else the temporary id (0.5)."""
        return self.id_number or self.temporary_id or ""

    @property
    def is_open(self) -> bool:
        return self.exit is None

    @property
    def unidentified(self) -> bool:
        """Nobody knows the ID number yet: the family search (V-6) is due."""
        return self.id_number is None


def _taken_in(event: contract.PersonTakenIn) -> Case:
    return Case(
        case_id=event.case_id, station=event.station, station_division=event.station_division,
        arrived_at=event.arrived_at, arrived_on=event.arrived_on, source=event.source, sex=event.sex,
        temporary_id=event.temporary_id, id_number=event.id_number, name=event.name, birth_date=event.birth_date,
        estimated_age=event.estimated_age, flags=frozenset(event.flags), minor=event.minor,
        identified=event.identified, intake=event.payload(),
    )


def _service(case: Case, event: contract.ServiceProvided) -> Case:
    amount = Decimal(event.amount) if event.amount is not None else Decimal("0")
    return replace(
        case,
        services=(*case.services, event.payload()),
        cash_total=case.cash_total + (amount if event.kind == "cash" else 0),
        ticket_given=case.ticket_given or event.kind == "ticket",
    )


def _family_search(case: Case, event: contract.FamilySearchStepRecorded) -> Case:
    return replace(
        case,
        family_search=(*case.family_search, event.payload()),
        notice_at=case.notice_at or (event.at if event.step == "notice" else None),
        dna_requested_on=case.dna_requested_on or (event.on if event.step == "dna_requested" else None),
    )


def _evolved(case: Case, event: contract.EventModel) -> Case:
    match event:
        case contract.MinorReferred():
            return replace(case, minor=True)
        case contract.HospitalReferred():
            return replace(case, hospital_referral=tuple(event.reasons))
        case contract.ServiceProvided():
            return _service(case, event)
        case contract.FamilySearchStepRecorded():
            return _family_search(case, event)
        case contract.StayExtended():
            return replace(case, extensions=(*case.extensions, event.payload()),
                           extension_until=max(filter(None, (case.extension_until, event.until))))
        case contract.PersonIdentified():
            return replace(case, id_number=event.id_number, identified=True, identified_on=event.identified_on,
                           birth_date=event.birth_date, minor=event.minor)
        case contract.PersonSettled():
            return replace(case, id_number=event.id_number, settled_on=event.settled_on,
                           household_division=event.household_division, birth_date=event.birth_date)
        case contract.PersonExited():
            return replace(case, exit=event.payload())
        case contract.StaffAlerted():
            return replace(case, alerts=(*case.alerts, event.payload()))
        case contract.CaseReopened():
            return replace(case, exit=None, reopenings=(*case.reopenings, event.payload()))
    return case  # a type this version does not know (a newer writer) changes nothing


def evolve(case: Case | None, event: contract.EventModel) -> Case:
    """The case after one more event (its current model); the version counts every event of the stream."""
    if isinstance(event, contract.PersonTakenIn):
        evolved = _taken_in(event)
    elif case is None:
        raise ValueError(f"a case stream starts with {ev.PERSON_TAKEN_IN}, not {event.TYPE}")
    else:
        evolved = _evolved(case, event)
    return replace(evolved, version=(case.version if case else 0) + 1)


def fold(events: Iterable[Recorded], case: Case | None = None) -> Case | None:
    """The case after `events`: stored envelopes or drafts, read through the contract models."""
    for event in events:
        case = evolve(case, contract.CATALOGUE.read(event))
    return case
