"""Funeral assistance (殡葬救助, F-5): basic services waived for an eligible category, item by item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from services.funeral.contract import events as contract
from services.funeral.contract.commands import GrantAssistance
from services.funeral.contract.refusals import ALREADY_WAIVED, BEFORE_DEATH, CATEGORY_NOT_APPLICABLE
from services.funeral.domain import rules
from services.funeral.domain.death import DeathRecord
from services.funeral.domain.events import Draft
from shared.actor import Actor
from shared.errors import Refusal

UNIDENTIFIED_BODY = "unidentified_body"


def decide_assistance(
    record: DeathRecord, command: GrantAssistance, actor: Actor, today: dt.date, assistance_id: str
) -> list[Draft]:
    """F-5: the funeral home that holds the record waives basic services for an eligible category; each
    service is waived once; the amount is at most the services' standard amounts."""
    rules.check_acts_for_place(actor, record.funeral_home)
    granted_on = command.granted_on or today
    rules.check_recorded_on(granted_on, actor, today, "granted_on")
    rules.check_not_before(granted_on, record.died_on, BEFORE_DEATH, "granted_on is before the date of death",
                           "granted_on")
    rules.check_eligible_category(command.category, granted_on)
    if command.category == UNIDENTIFIED_BODY and record.identified:
        raise rules.refusal(CATEGORY_NOT_APPLICABLE, "the deceased is identified", field="category")
    if waived := sorted(set(command.items) & record.waived_items):
        raise Refusal(ALREADY_WAIVED, f"already waived for this death: {', '.join(waived)}", 409)
    rules.check_amount_within_standard(command.amount, command.items, granted_on)
    payload = {"assistance_id": assistance_id, "death_id": record.death_id, "category": command.category,
               "items": list(command.items), "amount": str(command.amount.quantize(Decimal("0.01"))),
               "granted_on": granted_on.isoformat(), "funeral_home": record.funeral_home}
    return [Draft.of(contract.AssistanceGranted(**payload), granted_on, ((record.subject_id, "deceased"),))]
