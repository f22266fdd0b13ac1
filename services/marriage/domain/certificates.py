"""Certificate stock (M-7, api.md release 2): a spoiled blank is registered as void, once, by its office —
so that a number printed on a spoiled blank can never be passed off as a certificate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from services.marriage.contract import events as contract
from services.marriage.contract.commands import VoidCertificateBlank
from services.marriage.domain import rules
from services.marriage.domain.events import Draft
from shared.actor import Actor
from shared.errors import Refusal

BLANK_ALREADY_VOIDED = "blank_already_voided"


def decide_void_blank(history: Sequence[object], command: VoidCertificateBlank, actor: Actor,
                      today: dt.date) -> list[Draft]:
    """M-7: clerks void their own office's blanks (registrars and admins any office's), dated as any business
    date; a blank is void once (409 `blank_already_voided`). `history` is the blank's stream so far."""
    rules.check_office(command.office)
    rules.check_acts_for_office(actor, command.office)
    on = command.voided_on or today
    rules.check_business_day(on, actor, today, "voided_on")
    if history:
        raise Refusal(BLANK_ALREADY_VOIDED, f"{command.number} is void already", 409)
    voided = contract.CertificateBlankVoided(number=command.number, office=command.office, reason=command.reason,
                                             voided_on=on)
    return [Draft.of(voided, on)]
