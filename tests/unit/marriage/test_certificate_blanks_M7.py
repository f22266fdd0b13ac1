"""M-7 (api.md release 2): a spoiled certificate blank is registered as void, with the reason, by its own
office, once; the number can then never count as a certificate."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from services.marriage.contract.commands import VoidCertificateBlank
from services.marriage.domain import events as ev
from services.marriage.domain.certificates import decide_void_blank
from shared.errors import Refusal
from tests.unit.marriage.given import CLERK, OFFICE, OTHER_CLERK, REGISTRAR, TODAY

NUMBER = "J610502-2025-000123"
VOID = VoidCertificateBlank(office=OFFICE, number=NUMBER, reason="misprinted name")


def refusal(history, command, actor=CLERK, today=TODAY) -> Refusal:
    with pytest.raises(Refusal) as refused:
        decide_void_blank(history, command, actor, today)
    return refused.value


def test_a_spoiled_blank_is_voided_with_its_reason_on_the_day_M7():
    [event] = decide_void_blank([], VOID, CLERK, TODAY)

    assert event.type == ev.CERTIFICATE_BLANK_VOIDED
    assert event.payload == {"number": NUMBER, "office": OFFICE, "reason": "misprinted name",
                             "voided_on": TODAY.isoformat()}
    assert event.subjects == ()  # a blank concerns nobody


def test_a_blank_is_voided_once_M7():
    given = decide_void_blank([], VOID, CLERK, TODAY)

    refused = refusal(given, VOID)
    assert (refused.code, refused.status) == ("blank_already_voided", 409)


def test_a_clerk_voids_only_the_blanks_of_their_own_office_M7():
    assert refusal([], VOID, actor=OTHER_CLERK).code == "forbidden_place"
    assert decide_void_blank([], VOID, REGISTRAR, TODAY)


def test_a_void_is_dated_like_any_business_date_M7():
    assert refusal([], VOID.model_copy(update={"voided_on": TODAY + dt.timedelta(days=1)})).code == (
        "business_date_in_future")
    [event] = decide_void_blank([], VOID.model_copy(update={"voided_on": TODAY - dt.timedelta(days=3)}), CLERK,
                                TODAY)
    assert event.occurred_on == TODAY - dt.timedelta(days=3)


def test_only_a_certificate_number_can_be_voided_M7():
    for number in ("610502-2025-000123", "J610502-2025-12", "J610502-2025-000123; DROP", ""):
        with pytest.raises(ValidationError):
            VoidCertificateBlank(office=OFFICE, number=number, reason="x")
