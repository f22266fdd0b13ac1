"""Marital status of a person on any date, derived from the events (domain.md "Marital status")."""

from __future__ import annotations

import datetime as dt

from services.marriage.contract.commands import RecordCourtOutcome
from services.marriage.contract.facts import marital_status
from services.marriage.domain.marriage import decide_court_outcome
from services.marriage.domain.registration import NewMarriage, decide_registration, prepare
from tests.unit.marriage.given import (
    FREE,
    MAN,
    REGISTRAR,
    TODAY,
    WOMAN,
    fold,
    person,
    registered_events,
    registration_command,
)


def test_nobody_married_is_unmarried():
    assert marital_status(MAN, [], TODAY).as_json() == {"marital_status": "unmarried", "since": None,
                                                        "registration_id": None}


def test_married_from_the_registration_date_and_unmarried_before():
    given = registered_events()

    assert marital_status(MAN, given, dt.date(2024, 5, 19)).marital_status == "unmarried"
    assert marital_status(MAN, given, dt.date(2024, 5, 20)).since == dt.date(2024, 5, 20)


def test_the_latest_marriage_decides_after_a_divorce_and_a_remarriage():
    first = registered_events(dt.date(2013, 5, 20))
    divorce = decide_court_outcome(fold(first), RecordCourtOutcome(
        kind="divorce", court="法院", document_ref="(2015)1号", effective_on=dt.date(2015, 1, 5)), REGISTRAR, TODAY)
    new_wife = person(dt.date(1992, 2, 2), "female")
    application = prepare(registration_command(MAN, new_wife, registered_on=dt.date(2020, 1, 6)), REGISTRAR, TODAY)
    second = decide_registration(application, FREE, NewMarriage("second", "J2"))
    history = [*first, *divorce, *second]

    assert marital_status(MAN, history, dt.date(2016, 1, 1)).marital_status == "divorced"
    assert marital_status(MAN, history, dt.date(2020, 1, 6)).registration_id == "second"
    assert marital_status(WOMAN, history, TODAY).marital_status == "divorced"
