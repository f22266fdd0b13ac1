"""Changes on the one file on the real PostgreSQL: a guardian change, a household moved out of the city (support
ends), a terminated file reopened and confirmed again (the payroll pays the new stretch, the months before stay
paid), and long-term state guardianship moving a referred child to the welfare institution."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.integration.child_welfare.test_child_welfare_application import (
    OFFICER,
    TOWNSHIP,
    application,
    confirmed,
)
from tests.integration.child_welfare.test_relief_loop import react, referred

pytestmark = pytest.mark.integration


def test_C2_guardian_and_household_changes_and_a_move_out_of_the_city_ends_support(welfare, clock):
    clock.today = dt.date(2025, 6, 16)
    child_id = confirmed(welfare)
    welfare.change_guardian(child_id, {"guardian": {"name": "王二叔", "relation": "uncle"}}, OFFICER, "g-1")
    welfare.change_guardian(child_id, {"guardian": {"name": "王二叔", "relation": "uncle"}}, OFFICER, "g-1")  # retry
    file = welfare.child(child_id)
    assert file["guardian"]["relation"] == "uncle"
    assert [h["type"] for h in file["history"]].count("child_welfare.GuardianChanged") == 1
    welfare.change_household(child_id, {"household_division": "610102", "reason": "moved to Xi'an"}, OFFICER, "h-1")
    file = welfare.child(child_id)
    assert (file["status"], file["termination"]["reason"], file["household_division"]) == (
        "terminated", "moved_away", "610102")


def test_C2_a_terminated_file_is_reopened_and_confirmed_again_C3_C5(welfare, clock):
    clock.today = dt.date(2025, 6, 12)
    child_id = confirmed(welfare, application(applied_on="2025-06-06"))
    clock.today = dt.date(2025, 8, 5)
    welfare.terminate(child_id, {"reason": "other", "effective_on": "2025-08-01"}, OFFICER, "t-1")
    clock.today = dt.date(2025, 10, 6)
    welfare.reopen_file(child_id, {"reason": "support needed again", "reopened_on": "2025-10-06"}, OFFICER, "r-1")
    assert welfare.child(child_id)["status"] == "applied"
    clock.today = dt.date(2025, 10, 10)
    welfare.record_township_check(child_id, {"outcome": "passed", "checked_on": "2025-10-08"}, TOWNSHIP, None)
    welfare.decide(child_id, {"outcome": "confirmed", "category": "orphan", "decided_on": "2025-10-10"}, OFFICER,
                   None)
    months = welfare.allowances(child_id, "2025-07", "2025-11")["months"]
    assert [(m["month"], m["amount"]) for m in months] == [
        ("2025-07", "1200.00"), ("2025-08", "1200.00"), ("2025-09", "0.00"), ("2025-10", "0.00"),
        ("2025-11", "1200.00")]
    assert [p["amount"] for p in welfare.payroll("2025-11")["payments"] if p["child_id"] == child_id] == ["1200.00"]


def test_C4_long_term_state_guardianship_moves_a_referred_child_to_the_welfare_institution(
        welfare, store, station_store, clock):
    clock.today = dt.date(2025, 3, 1)
    subject, case_id = f"TMP-RS610500-{uuid.uuid4().hex[:6]}", str(uuid.uuid4())
    react(welfare, store, referred(station_store, subject, case_id))
    clock.today = dt.date(2025, 4, 1)
    welfare.assume_long_term_guardianship(subject, {"document_ref": "渭民监〔2025〕3号"}, OFFICER, "lt-1")
    file = welfare.child(subject)
    assert (file["guardian"]["relation"], file["care"]["institution"]) == ("long_term_state", "welfare_institution")
    clock.today = dt.date(2025, 6, 2)
    assert welfare.run_schedule()["transferred_unidentified"] == 0
