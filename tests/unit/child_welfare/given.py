"""Builders for the child welfare domain's unit tests: given these events, when this command, then these events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.child_welfare.contract.commands import Decide, OpenFile, RecordTownshipCheck
from services.child_welfare.domain import decide as d
from services.child_welfare.domain.events import Draft
from services.child_welfare.domain.file import ChildFile, fold
from services.child_welfare.domain.ledger import Standards
from shared.actor import Actor
from tests.support.problems import refused as refused  # the vocabulary of these tests
from tests.support.synthetic_ids import id_number_of

TODAY = dt.date(2025, 6, 16)  # a Monday
CHILD = id_number_of(dt.date(2015, 3, 10), sequence=7)  # ten years old
FATHER = id_number_of(dt.date(1985, 5, 1), sequence=8)
MOTHER = id_number_of(dt.date(1987, 7, 2), sequence=9, sex="female")
CHILD_ID = "0f8e6a2c-3b1d-5e7f-9a0b-1c2d3e4f5a6b"
OFFICER = Actor("child-welfare.city", "child_welfare_officer")
TOWNSHIP = Actor("township.610502001", "township_officer", township="610502001")  # C-3's check, 临渭区
ADMIN = Actor("admin.city", "admin")  # sets standards (C-5), records nothing on a file
STANDARDS = Standards()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def parent(condition: str, since: dt.date, *, id_number: str | None = None, ends_on: dt.date | None = None,
           name: str = "张三") -> dict[str, Any]:
    entry = {"name": name, "condition": condition, "condition_since": since, "evidence_ref": "EV-1"}
    if id_number:
        entry["id_number"] = id_number
    if ends_on:
        entry["ends_on"] = ends_on
    return entry


def open_command(father: dict[str, Any] | None = None, mother: dict[str, Any] | None = None,
                 **changes: Any) -> OpenFile:
    fields: dict[str, Any] = {
        "child": {"id_number": CHILD, "name": "王小明", "household_division": "610502"},
        "parents": [father or parent("deceased", dt.date(2024, 1, 5), id_number=FATHER),
                    mother or parent("deceased", dt.date(2024, 11, 20), id_number=MOTHER, name="李四")],
        "guardian": {"name": "王大爷", "relation": "grandfather"},
        "care": "dispersed", "applied_on": days_ago(10),
    }
    fields.update(changes)
    return OpenFile(**fields)


def opened(command: OpenFile | None = None, actor: Actor = OFFICER, today: dt.date = TODAY) -> list[Draft]:
    return d.decide_open(command or open_command(), actor, today, d.NewFile(CHILD_ID, None))


def checked(file: ChildFile, on: dt.date | None = None, actor: Actor = TOWNSHIP, today: dt.date = TODAY) -> list[Draft]:
    return d.decide_township_check(file, RecordTownshipCheck(outcome="passed", checked_on=on or days_ago(5)),
                                   actor, today)


def confirmed(file: ChildFile, category: str = "orphan", on: dt.date | None = None, actor: Actor = OFFICER,
              today: dt.date = TODAY) -> list[Draft]:
    return d.decide_decision(file, Decide(outcome="confirmed", category=category, decided_on=on or days_ago(2)),
                             actor, today)


def file_of(*events: list[Draft]) -> ChildFile:
    folded = fold([draft for drafts in events for draft in drafts])
    assert folded is not None
    return folded


def then(file: ChildFile, drafts: list[Draft]) -> ChildFile:
    folded = fold(drafts, file)
    assert folded is not None
    return folded


def confirmed_file(command: OpenFile | None = None, *, category: str = "orphan", applied_on: dt.date | None = None,
                   decided_on: dt.date | None = None) -> ChildFile:
    """A file checked by the township and confirmed by the city's officer, each on the day it happened (any
    dates back)."""
    command = command or open_command()
    if applied_on is not None:
        command = command.model_copy(update={"applied_on": applied_on})
    file = file_of(opened(command, OFFICER, today=command.applied_on or TODAY))
    checked_on, decided_on = decided_on or days_ago(5), decided_on or days_ago(2)
    file = then(file, checked(file, checked_on, TOWNSHIP, today=checked_on))
    return then(file, confirmed(file, category, decided_on, OFFICER, today=decided_on))
