"""A handler's JSON body is sent as the bytes pydantic's conversion gave before it was only asked for what JSON
cannot encode itself: services' plain answers, models, dates, ids, enums, and mappings keyed by such values."""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid

import pytest
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from services.gateway.app import json_bytes


class Kind(enum.StrEnum):
    A = "a"


class Level(enum.IntEnum):
    HIGH = 3


class View(BaseModel):
    on: dt.date
    id: uuid.UUID
    numbers: tuple[int, ...]


@pytest.mark.parametrize("body", [
    {"registration_id": "R-1", "parties": [{"id_number": "610502199001010011", "name": "王小明"}], "version": 1,
     "ended_on": None, "imported": False, "fee": 1.5},
    View(on=dt.date(2026, 1, 2), id=uuid.UUID(int=5), numbers=(1, 2)),
    {"view": View(on=dt.date(2026, 1, 2), id=uuid.UUID(int=5), numbers=())},
    [dt.datetime(2026, 1, 2, 3, 4, 5), {1: "a", 2.5: None}, (1, 2), {"s"}, b"xy"],
    {dt.date(2026, 1, 1): 1, Kind.A: Level.HIGH},
    {Kind.A: Level.HIGH, "nan": float("nan")},
])
def test_a_body_is_sent_as_pydantic_converts_it(body):
    assert json_bytes(body) == json.dumps(to_jsonable_python(body), ensure_ascii=False).encode()
