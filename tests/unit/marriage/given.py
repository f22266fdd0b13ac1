"""Builders for the marriage domain's unit tests: given these events, when this command, then these events
— or this refusal. No I/O: the decisions are pure, the facts a command needs are passed in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from services.marriage.contract.commands import RegisterMarriage
from services.marriage.domain import marriage as marriage_domain
from services.marriage.domain.events import Draft
from services.marriage.domain.registration import NewMarriage, decide_registration, prepare
from services.marriage.domain.rules import PersonFacts
from shared.actor import Actor
from tests.support.synthetic_ids import id_number_of

TODAY = dt.date(2025, 6, 16)  # a Monday; nationwide handling is in force (since 2025-05-10)
MAN = "610502199001010011"  # male, born 1990-01-01 (domain.md 0.1)
WOMAN = "61050219900101002X"  # female, born 1990-01-01
OFFICE = "MR-610502"
CLERK = Actor("clerk.MR-610502", "marriage_clerk", OFFICE)
OTHER_CLERK = Actor("clerk.MR-610528", "marriage_clerk", "MR-610528")
REGISTRAR = Actor("registrar.city", "marriage_registrar")
REGISTRATION_ID = "5c0f1a2b-3c4d-5e6f-8a9b-0c1d2e3f4a5b"
NEW = NewMarriage(REGISTRATION_ID, "J610502-2025-000001")
FREE = (PersonFacts(), PersonFacts())


def person(born: dt.date, sex: str, division: str = "610502", sequence: int = 1) -> str:
    return id_number_of(born, division=division, sequence=sequence, sex=sex)


def registration_command(*ids: str, office: str = OFFICE, signed: bool = True, registered_on: dt.date | None = None,
                         households: Sequence[str | None] = (None, None)) -> RegisterMarriage:
    ids = ids or (MAN, WOMAN)
    parties = [{"id_number": n, "name": name, **({"household_division": h} if h else {})}
               for n, name, h in zip(ids, ("王小明", "李小红"), households, strict=True)]
    return RegisterMarriage(office=office, parties=parties, declaration_signed=signed, registered_on=registered_on)


def register(*ids: str, facts: Sequence[PersonFacts] = FREE, actor: Actor = CLERK, today: dt.date = TODAY,
             **changes: Any) -> list[Draft]:
    application = prepare(registration_command(*ids, **changes), actor, today)
    return decide_registration(application, facts, NEW)


def registered_events(registered_on: dt.date = dt.date(2024, 5, 20)) -> list[Draft]:
    """A marriage of MAN and WOMAN registered at MR-610502 (husband first)."""
    return register(today=registered_on)


def fold(*batches: Sequence[Draft]) -> marriage_domain.MarriageState:
    """Given these events (in batches, as decisions produced them), the marriage's state."""
    state = marriage_domain.fold([draft for batch in batches for draft in batch])
    assert state is not None
    return state
