"""Commands refuse hostile and malformed input at the service's door: oversized and invisible text,
injection-shaped names and codes, wrong types (the gateway refuses them too; RPC is its own interface)."""

import pytest
from pydantic import ValidationError

from services.vagrant_aid.contract import commands as cmd
from tests.unit.vagrant_aid.builders import TODAY, at, intake

HOSTILE_PERSON = [
    {"name": "x" * 10_000},
    {"name": "张三\x00"},
    {"name": "Robert'); DROP TABLE cases;--"},
    {"name": "admin\u202egnp.exe"},  # right-to-left override
    {"description": "d" * 1001},
    {"description": "line\x1b[31m"},  # terminal escape
    {"estimated_age": -1},
    {"estimated_age": 1000},
    {"sex": "unknown"},
    {"id_number": "6" * 25},
    {"nickname": "extra field"},
]


@pytest.mark.parametrize("person", HOSTILE_PERSON)
def test_hostile_person_details_are_refused(person):
    with pytest.raises(ValidationError):
        intake(person=person)


@pytest.mark.parametrize("body", [
    {"station": "RS-610500'; DROP TABLE cases;--"},
    {"station": "rs-610500"},
    {"source": "helicopter"},
    {"flags": ["minor", "wizard"]},
    {"flags": ["minor"] * 10},
    {"arrived_at": "2025-06-10T09:00:00"},  # no time zone: ambiguous
    {"relatives": [{"relation": "儿子", "phone": "call me"}]},
    {"belongings": [{"item": "x", "quantity": 0}]},
    {"belongings": [{"item": "x"}] * 51},
])
def test_hostile_intake_fields_are_refused(body):
    with pytest.raises(ValidationError):
        intake(**body)


def test_names_in_any_script_with_middle_dots_and_apostrophes_are_accepted():
    for name in ("买买提·艾力", "Mary O'Neil", "Nguyễn Văn An", "阿依古丽"):
        assert intake(person={"name": name}).person.name == name


def test_free_text_keeps_line_breaks_and_is_trimmed():
    assert intake(person={"description": "  灰色外套\n蓝色裤子 "}).person.description == "灰色外套\n蓝色裤子"


@pytest.mark.parametrize("amount", ["-1", "1.001", "1e9", "abc"])
def test_money_is_a_non_negative_amount_with_at_most_two_decimals(amount):
    with pytest.raises(ValidationError):
        cmd.ProvideService.model_validate({"kind": "cash", "amount": amount})


def test_arrival_time_is_an_aware_timestamp():
    assert intake(arrived_at=at(TODAY)).arrived_at.utcoffset() is not None
