"""F-5 funeral assistance: basic services waived for configurable eligible categories, each waiver with its
category, items and amount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from services.funeral.contract.commands import GrantAssistance
from services.funeral.domain import parameters
from services.funeral.domain.assistance import decide_assistance
from services.funeral.domain.events import ASSISTANCE_GRANTED
from tests.unit.funeral.given import (
    DEATH_ID,
    OTHER_HOME_STAFF,
    STAFF,
    TODAY,
    record,
    refused,
    registered,
    unidentified_registered,
)


def grant(death=None, actor=STAFF, **fields):
    fields = {"death_id": DEATH_ID, "category": "minimum_income", "items": ["collection", "cremation"],
              "amount": Decimal("800"), **fields}
    return decide_assistance(death or record(registered()), GrantAssistance(**fields), actor, TODAY, "a-1")


def test_a_waiver_records_category_items_and_amount_F5():
    [event] = grant()

    assert event.type == ASSISTANCE_GRANTED
    assert event.payload == {"assistance_id": "a-1", "death_id": DEATH_ID, "category": "minimum_income",
                             "items": ["collection", "cremation"], "amount": "800.00",
                             "granted_on": TODAY.isoformat(), "funeral_home": "FH-610502"}


@pytest.mark.parametrize("category", ["special_hardship", "minimum_income", "orphan"])
def test_the_configured_categories_are_eligible_F5(category):
    assert grant(category=category)


def test_a_category_outside_the_configuration_is_refused_F5():
    with refused("category_not_eligible", 422):
        grant(category="wealthy")


def test_eligible_categories_are_dated_parameters_F5():
    assert "orphan" in parameters.eligible_categories(dt.date(2025, 1, 1))
    assert parameters.service_standard_yuan("cremation", TODAY) == Decimal(500)


def test_the_amount_is_at_most_the_standard_of_the_waived_services_F5():
    assert grant(items=["collection", "storage", "cremation", "ash_deposit"], amount=Decimal("1310"))
    with refused("amount_exceeds_standard", 422):
        grant(items=["collection"], amount=Decimal("300.01"))


def test_a_service_is_waived_once_per_death_F5():
    waived = record(registered(), grant())
    with refused("already_waived", 409):
        grant(waived, items=["cremation", "storage"])
    assert grant(waived, items=["storage"], amount=Decimal(210))


def test_the_unidentified_body_category_is_for_unidentified_bodies_F5():
    assert grant(record(unidentified_registered()), category="unidentified_body")
    with refused("category_not_applicable", 422):
        grant(category="unidentified_body")


def test_the_funeral_home_holding_the_record_grants_it_F5():
    with refused("forbidden_place", 403):
        grant(actor=OTHER_HOME_STAFF)


def test_items_are_basic_services_named_once_and_amounts_are_money_F5():
    for bad in ({"items": ["coffin"]}, {"items": ["cremation", "cremation"]}, {"items": []},
                {"amount": Decimal("-1")}, {"amount": Decimal("0.001")}):
        with pytest.raises(ValidationError):
            GrantAssistance(**{"death_id": DEATH_ID, "category": "orphan", "items": ["cremation"],
                               "amount": Decimal(1), **bad})
