"""Builders for the adoption unit tests: a registrar, ID numbers of a given birth date and sex, and a
registration that passes every rule, to be varied one field at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.adoption.contract import commands as c
from services.adoption.domain.decide import NewAdoption, RegistrationFacts
from shared.actor import Actor
from tests.support.synthetic_ids import id_number_of

TODAY = dt.date(2026, 5, 6)
OFFICE = "MR-610502"
REGISTRAR = Actor("adoption-registrar.MR-610502", "adoption_registrar", OFFICE)
NEW = NewAdoption("5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "SY610502-2026-000001",
                  "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b")
FATHER = id_number_of(dt.date(1980, 1, 1), sequence=1, sex="male")
MOTHER = id_number_of(dt.date(1982, 3, 4), sequence=2, sex="female")
BIRTH_PARENT = id_number_of(dt.date(1995, 6, 1), sequence=3, sex="female")
CHILD = id_number_of(dt.date(2022, 2, 2), sequence=4, sex="female")
OLDER_CHILD = id_number_of(dt.date(2016, 2, 2), sequence=5, sex="male")
SUITABLE = RegistrationFacts({}, ("0b6f3a52-7c1e-4a8e-9f0d-2b7d5c3e1a90", "suitable"), None)


def person(born: dt.date, sex: str, sequence: int = 7) -> str:
    return id_number_of(born, sequence=sequence, sex=sex)


def registration(**changes: Any) -> c.RegisterAdoption:
    body: dict[str, Any] = {
        "office": OFFICE,
        "adopters": [{"id_number": FATHER, "name": "李明", "married": True, "children": 0},
                     {"id_number": MOTHER, "name": "王芳", "married": True, "children": 0}],
        "child": {"id_number": CHILD, "name": "小宝", "situation": "parents_in_difficulty"},
        "placing_party": {"kind": "parent", "id_number": BIRTH_PARENT, "name": "张丽", "other_parent": "untraceable"},
        "registered_on": TODAY.isoformat(),
        "statement_ref": "声明 2026-017",
    }
    body.update(changes)
    return c.RegisterAdoption.model_validate(body)
