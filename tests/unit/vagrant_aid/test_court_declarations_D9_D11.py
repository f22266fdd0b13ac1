"""D-9: a court's declaration neither closes nor changes a relief case; it alerts the station's staff — about
the person of an open case, on identifying a declared person (V-6), on taking a declared person in (V-2). The
standing declarations are handed in as the application reads them. D-11: a relief case closed by a death
withdrawn as registered in error is open again. No I/O here."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from services.vagrant_aid.contract import commands as cmd
from services.vagrant_aid.domain import declarations as d
from services.vagrant_aid.domain.decide import decide_identify
from tests.unit.vagrant_aid.builders import (
    ADULT_MAN,
    CASE_ID,
    TODAY,
    case_of,
    clock,
    exited,
    identified_intake,
    new_case,
    take_in,
    then,
)

DEATH = d.Declared("5d0c7a1e-8b2f-4e3a-9c6d-2f1e0a9b8c7d", "death", "渭南市临渭区人民法院", "(2025)陕0502民特12号")
MISSING = d.Declared("6e1d8b2f-9c3a-4f4b-8d7e-3a2f1b0c9d8e", "missing", "渭南市临渭区人民法院", "(2024)陕0502民特3号")


def test_D_9_a_declaration_about_the_person_of_an_open_case_alerts_the_staff_and_changes_nothing_else():
    case = new_case(identified_intake())
    alerted = then(case, d.decide_alerts(CASE_ID, case.station, ADULT_MAN, [DEATH], d.ABOUT_OPEN_CASE, TODAY))

    assert dataclasses.replace(alerted, alerts=(), version=case.version) == case  # nothing else changes
    [alert] = alerted.alerts
    assert (alert["reason"], alert["declaration_id"], alert["kind"]) == ("court_declaration", DEATH.declaration_id,
                                                                         "death")


def test_D_9_identifying_a_declared_person_alerts_the_staff_once_per_standing_declaration_V6():
    case = new_case()  # unidentified, under a temporary id
    identified = decide_identify(cmd.Identify.model_validate({"id_number": ADULT_MAN, "method": "dna"}), case,
                                 clock(TODAY))
    asked = []
    alerts = d.decide_identified_alerts(case, identified, lambda person: asked.append(person) or [MISSING, DEATH])

    after = then(case, [*identified, *alerts])
    assert asked == [ADULT_MAN]
    assert [(a["reason"], a["kind"], a["alerted_on"]) for a in after.alerts] == [
        ("declared_person_identified", "missing", identified[0].occurred_on.isoformat()),
        ("declared_person_identified", "death", identified[0].occurred_on.isoformat())]
    assert alerts[-1].subjects == ((ADULT_MAN, "person"),)
    assert after.is_open


def test_D_9_a_decision_that_identifies_nobody_asks_for_no_declarations_and_alerts_nobody():
    case = new_case(identified_intake())
    search = take_in(identified_intake())  # decisions whose drafts name a person but identify nobody

    assert d.decide_identified_alerts(case, search, lambda person: pytest.fail(f"asked about {person}")) == []


def test_D_9_a_declared_person_taken_in_is_aided_and_the_staff_alerted_and_nobody_else_is_V2():
    drafts = take_in(identified_intake())
    taken_in = case_of(*drafts, *d.decide_alerts(CASE_ID, "RS-610500", ADULT_MAN, [DEATH], d.TAKEN_IN,
                                                 dt.date(2025, 6, 10)))
    assert taken_in.is_open and [a["reason"] for a in taken_in.alerts] == ["declared_person_taken_in"]
    assert d.decide_alerts(CASE_ID, "RS-610500", ADULT_MAN, [], d.TAKEN_IN, TODAY) == []


DEATH_ID = "7b0c2d6e-1f0a-5e8b-9c3d-2a1b0c9d8e7f"
DIED = {"kind": "died", "died_on": TODAY.isoformat(), "place_division": "610502", "natural": True,
        "certificate_no": "D-2025-001", "issuer": "渭南市中心医院"}


def test_D_11_a_case_closed_by_a_death_withdrawn_as_registered_in_error_is_open_again():
    closed = exited(new_case(identified_intake()), **DIED)
    assert not closed.is_open

    [reopened] = d.decide_reopening(closed, DEATH_ID, "CX-2025-1", TODAY)

    assert (reopened.type, reopened.subjects) == ("vagrant_aid.CaseReopened", ((ADULT_MAN, "person"),))
    assert reopened.payload["previous_exit"]["kind"] == "died"
    after = then(closed, [reopened])
    assert after.is_open and after.reopenings[0]["death_id"] == DEATH_ID


def test_D_11_an_open_case_or_one_that_ended_otherwise_is_left_as_it_is():
    assert d.decide_reopening(new_case(identified_intake()), DEATH_ID, "CX-2025-1", TODAY) == []
    collected = exited(new_case(identified_intake()), kind="collected", relation="son")
    assert d.decide_reopening(collected, DEATH_ID, "CX-2025-1", TODAY) == []
