"""Hostile and malformed commands are refused by their shape before any rule runs: overlong strings,
control characters, SQL fragments where identifiers belong, wrong types, unknown fields."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from services.funeral.contract.commands import Bury, RegisterDeath
from shared.errors import Refusal
from shared.unit_of_work import parse

GOOD = {"id_number": "610502199001010011", "died_on": "2025-06-14", "place_division": "610502",
        "certificate_no": "F6105020001", "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"}

HOSTILE = [
    {"issuer": "x" * 10_000},
    {"issuer": "医院\x00"},
    {"issuer": "医院\x1b[31m"},
    {"issuer": "\u202egnp.exe"},
    {"certificate_no": "1'; DROP TABLE deaths; --"},
    {"certificate_no": "<script>alert(1)</script>"},
    {"funeral_home": "FH-610502' OR '1'='1"},
    {"place_division": "610502; DELETE"},
    {"id_number": "6" * 10_000},
    {"natural": "yes"},
    {"natural": 1},
    {"died_on": "yesterday"},
    {"died_on": "2025-02-30"},
    {"admin": True},
    {"unidentified": {"police_case": "x", "description": "y", "extra": 1}},
]


@pytest.mark.parametrize("change", HOSTILE, ids=lambda change: next(iter(change)))
def test_a_hostile_registration_is_refused_as_a_schema_break(change):
    with pytest.raises(Refusal) as refused:
        parse(RegisterDeath, {**GOOD, **change})

    assert (refused.value.code, refused.value.status) == ("validation_failed", 422)
    assert refused.value.errors and refused.value.errors[0]["loc"][0] == "body"


@pytest.mark.parametrize("request_", ["a string", 42, None, ["list"], {"nested": {"deep": [1] * 5}}])
def test_a_request_that_is_not_an_object_of_the_command_is_refused(request_):
    with pytest.raises(Refusal):
        parse(RegisterDeath, request_)


def test_a_good_registration_passes_its_shape():
    command = parse(RegisterDeath, GOOD)

    assert command.died_on == dt.date(2025, 6, 14)


def test_a_plot_reference_cannot_carry_path_or_sql():
    with pytest.raises(ValidationError):
        Bury(death_id="d", cemetery="CEM-610502-1", plot="x" * 41, burial_type="ashes",
             rights_holder={"name": "张三"})
    with pytest.raises(ValidationError):
        Bury(death_id="d", cemetery="CEM-610502-1", burial_type="cremated_on_mars", rights_holder={"name": "张三"})
