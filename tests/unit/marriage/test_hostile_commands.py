"""Hostile input is refused by the command models before any rule runs: nothing is decided, nothing is
written (the gateway's body models refuse the same; the service checks again for RPC callers)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.marriage.contract.commands import RegisterMarriage, RevokeRegistration

GOOD = {"office": "MR-610502", "declaration_signed": True,
        "parties": [{"id_number": "610502199001010011", "name": "王小明"},
                    {"id_number": "61050219900101002X", "name": "李小红"}]}


@pytest.mark.parametrize("change", [
    {"office": "MR-610502'; DROP TABLE marriages; --"},
    {"office": 610502},
    {"declaration_signed": "true"},
    {"declaration_signed": 1},
    {"registered_on": "2025-02-30"},
    {"parties": GOOD["parties"][:1]},
    {"parties": GOOD["parties"] * 2},
    {"parties": [{**GOOD["parties"][0], "name": "王" * 10_000}, GOOD["parties"][1]]},
    {"parties": [{**GOOD["parties"][0], "name": "王\x00小明"}, GOOD["parties"][1]]},
    {"parties": [{**GOOD["parties"][0], "name": "王\u202e小明"}, GOOD["parties"][1]]},
    {"parties": [{**GOOD["parties"][0], "id_number": "6" * 10_000}, GOOD["parties"][1]]},
    {"parties": [{**GOOD["parties"][0], "household_division": "61050' OR '1'='1"}, GOOD["parties"][1]]},
    {"unexpected": "field"},
], ids=lambda change: repr(change)[:40])
def test_hostile_or_mistyped_registrations_are_refused_by_the_model(change):
    with pytest.raises(ValidationError):
        RegisterMarriage.model_validate({**GOOD, **change})


def test_the_good_registration_passes_the_model():
    assert RegisterMarriage.model_validate(GOOD).declaration_signed is True


@pytest.mark.parametrize("document_ref", ["x" * 81, "doc\nref", ""])
def test_document_references_are_one_bounded_line(document_ref):
    with pytest.raises(ValidationError):
        RevokeRegistration(reason="fraud", document_ref=document_ref)
