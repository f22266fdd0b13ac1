"""F-2 body and cremation: collection, storage, cremation once and only of a registered death, a cremation
certificate number issued, the ashes taken by the family or deposited for a term."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from services.funeral.contract.commands import CollectBody, Cremate, DisposeAshes, StoreBody
from services.funeral.domain import body
from services.funeral.domain.events import ASHES_DISPOSED, BODY_COLLECTED, BODY_CREMATED, BODY_STORED
from tests.unit.funeral.given import (
    CEMETERY_STAFF,
    DEATH_ID,
    FUNERAL_HOME,
    OTHER_HOME_STAFF,
    PERSON,
    STAFF,
    TODAY,
    days_ago,
    record,
    refused,
    registered,
)

NUMBERS = body.CremationNumbers("c-1", "CC-FH610502-2025-000001")


def cremate(death, actor=STAFF, **changes):
    command = Cremate(**{"death_id": DEATH_ID, "funeral_home": FUNERAL_HOME, "cremated_on": TODAY, **changes})
    return body.decide_cremation(death, command, actor, TODAY, NUMBERS)


def cremated():
    return record(registered(), cremate(record(registered())))


def test_collection_and_storage_are_recorded_F2():
    death = record(registered())

    [collected] = body.decide_collect_body(death, CollectBody(collected_on=days_ago(2), collected_from="家中"),
                                         STAFF, TODAY)
    [stored] = body.decide_store_body(death, StoreBody(location="冷藏柜 12"), STAFF, TODAY)

    assert (collected.type, collected.payload["collected_from"]) == (BODY_COLLECTED, "家中")
    assert (stored.type, stored.occurred_on, stored.payload["location"]) == (BODY_STORED, TODAY, "冷藏柜 12")
    assert collected.subjects == ((PERSON, "deceased"),)


def test_a_body_is_collected_once_and_not_before_the_death_F2():
    death = record(registered())
    with refused("before_death", 422):
        body.decide_collect_body(death, CollectBody(collected_on=days_ago(3)), STAFF, TODAY)
    collected = record(registered(), body.decide_collect_body(death, CollectBody(), STAFF, TODAY))
    with refused("already_collected", 409):
        body.decide_collect_body(collected, CollectBody(), STAFF, TODAY)


def test_cremation_issues_its_certificate_F2():
    [event] = cremate(record(registered()))

    assert event.type == BODY_CREMATED
    assert event.payload == {"death_id": DEATH_ID, "cremation_id": "c-1", "cremation_certificate":
                             "CC-FH610502-2025-000001", "cremated_on": TODAY.isoformat(), "funeral_home": FUNERAL_HOME,
                             "ashes_number": None}


def test_a_body_is_cremated_once_F2():
    with refused("already_cremated", 409):
        cremate(cremated())


def test_cremation_is_not_before_the_death_nor_in_the_future_F2():
    with refused("before_death", 422):
        cremate(record(registered()), cremated_on=days_ago(3))
    with refused("business_date_in_future", 422):
        cremate(record(registered()), cremated_on=TODAY + dt.timedelta(days=1))


def test_cremation_is_recorded_by_staff_of_the_cremating_funeral_home_F2():
    with refused("forbidden_place", 403):
        cremate(record(registered()), actor=OTHER_HOME_STAFF)
    with refused("forbidden_place", 403):
        cremate(record(registered()), actor=CEMETERY_STAFF)


def test_ashes_taken_by_the_family_name_who_took_them_F2():
    [event] = body.decide_dispose_ashes(cremated(), DisposeAshes(disposition="family", taken_by={
        "name": "张三", "id_number": "61050219900101002x"}), STAFF, TODAY)

    assert event.type == ASHES_DISPOSED
    assert event.payload["disposition"] == "family"
    assert event.payload["taken_by"] == {"name": "张三", "id_number": "61050219900101002X", "phone": None}


def test_ashes_are_deposited_for_a_term_of_at_most_three_years_at_once_F2():
    [event] = body.decide_dispose_ashes(cremated(), DisposeAshes(disposition="deposit", location="骨灰寄存室 A-3"),
                                STAFF, TODAY)
    assert (event.payload["term_years"], event.payload["deposit_until"]) == (3, "2028-06-16")

    with refused("deposit_term_too_long", 422):
        body.decide_dispose_ashes(cremated(), DisposeAshes(disposition="deposit", location="A-3", term_years=4),
                          STAFF, TODAY)


def test_ashes_exist_only_after_cremation_and_are_disposed_of_once_F2():
    with refused("not_cremated", 409):
        body.decide_dispose_ashes(record(registered()), DisposeAshes(disposition="deposit", location="A-3"), STAFF,
                                  TODAY)
    deposit = DisposeAshes(disposition="deposit", location="A-3")
    done = record(registered(), cremate(record(registered())),
                  body.decide_dispose_ashes(cremated(), deposit, STAFF, TODAY))
    with refused("ashes_already_disposed", 409):
        body.decide_dispose_ashes(done, deposit, STAFF, TODAY)


def test_a_disposition_carries_only_its_own_fields_F2():
    with pytest.raises(ValidationError):
        DisposeAshes(disposition="family")
    with pytest.raises(ValidationError):
        DisposeAshes(disposition="deposit", location="A-3", taken_by={"name": "张三"})
    with pytest.raises(ValidationError):
        DisposeAshes(disposition="scattered", location="A-3")
