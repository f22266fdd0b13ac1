"""A relief case (救助案件) as its events make it: `evolve(case, event)` folds one event in, `fold` many.

The state holds what the rules need and what staff read. Events come from the store (`shared.envelope.Event`)
or straight from `decide` (`Draft`): evolve reads only `type`, `occurred_on` and `payload`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

from services.vagrant_aid.domain import events as ev


class EventLike(Protocol):
    type: str
    occurred_on: dt.date
    payload: dict[str, Any]


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


def _taken_in(_: Case | None, payload: dict[str, Any]) -> Case:
    return Case(
        case_id=payload["case_id"],
        station=payload["station"],
        station_division=payload["station_division"],
        arrived_at=dt.datetime.fromisoformat(payload["arrived_at"]),
        arrived_on=dt.date.fromisoformat(payload["arrived_on"]),
        source=payload["source"],
        sex=payload["sex"],
        temporary_id=payload.get("temporary_id"),
        id_number=payload.get("id_number"),
        name=payload.get("name"),
        birth_date=_date(payload.get("birth_date")),
        estimated_age=payload.get("estimated_age"),
        flags=frozenset(payload.get("flags", ())),
        minor=payload["minor"],
        identified=payload["identified"],
        intake=payload,
    )


def _service(case: Case, payload: dict[str, Any]) -> Case:
    amount = Decimal(payload["amount"]) if payload.get("amount") is not None else Decimal("0")
    return replace(
        case,
        services=(*case.services, payload),
        cash_total=case.cash_total + (amount if payload["kind"] == "cash" else 0),
        ticket_given=case.ticket_given or payload["kind"] == "ticket",
    )


def _family_search(case: Case, payload: dict[str, Any]) -> Case:
    at = dt.datetime.fromisoformat(payload["at"])
    step = payload["step"]
    return replace(
        case,
        family_search=(*case.family_search, payload),
        notice_at=case.notice_at or (at if step == "notice" else None),
        dna_requested_on=case.dna_requested_on or (dt.date.fromisoformat(payload["on"])
                                                   if step == "dna_requested" else None),
    )


def _identified(case: Case, payload: dict[str, Any]) -> Case:
    return replace(case, id_number=payload["id_number"], identified=True,
                   identified_on=dt.date.fromisoformat(payload["identified_on"]),
                   birth_date=_date(payload.get("birth_date")), minor=payload.get("minor", case.minor))


def _settled(case: Case, payload: dict[str, Any]) -> Case:
    return replace(case, id_number=payload["id_number"], settled_on=dt.date.fromisoformat(payload["settled_on"]),
                   household_division=payload["household_division"], birth_date=_date(payload.get("birth_date")))


_EVOLVE = {
    ev.PERSON_TAKEN_IN: _taken_in,
    ev.MINOR_REFERRED: lambda case, payload: replace(case, minor=True),
    ev.HOSPITAL_REFERRED: lambda case, payload: replace(case, hospital_referral=tuple(payload["reasons"])),
    ev.SERVICE_PROVIDED: _service,
    ev.FAMILY_SEARCH_STEP_RECORDED: _family_search,
    ev.STAY_EXTENDED: lambda case, payload: replace(
        case, extensions=(*case.extensions, payload),
        extension_until=max(filter(None, (case.extension_until, dt.date.fromisoformat(payload["until"]))))),
    ev.PERSON_IDENTIFIED: _identified,
    ev.PERSON_SETTLED: _settled,
    ev.PERSON_EXITED: lambda case, payload: replace(case, exit=payload),
}


def evolve(case: Case | None, event: EventLike) -> Case:
    """The case after one more event; the version counts every event of the stream."""
    step = _EVOLVE.get(event.type)
    if case is None and event.type != ev.PERSON_TAKEN_IN:
        raise ValueError(f"a case stream starts with {ev.PERSON_TAKEN_IN}, not {event.type}")
    evolved = step(case, event.payload) if step is not None else case  # unknown types: newer writers
    assert evolved is not None
    return replace(evolved, version=(case.version if case else 0) + 1)


def fold(events: Iterable[EventLike], case: Case | None = None) -> Case | None:
    for event in events:
        case = evolve(case, event)
    return case


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
