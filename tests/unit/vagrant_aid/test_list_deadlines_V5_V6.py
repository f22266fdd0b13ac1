"""The deadlines and days in care that the open-cases list carries (V-5, V-6), computed by the server."""

from __future__ import annotations

import datetime as dt

from services.vagrant_aid.domain.deadlines import days_in_care, open_deadlines

TODAY = dt.date(2025, 6, 20)
NOW = dt.datetime(2025, 6, 20, 10, 0, tzinfo=dt.UTC)


def deadlines(**changes):
    values = {"is_open": True, "unidentified": True, "stay_last": dt.date(2025, 6, 25),
              "notice_due": NOW - dt.timedelta(hours=1), "notice_at": None, "dna_due": dt.date(2025, 6, 27),
              "dna_requested_on": None, "now": NOW, "today": TODAY, **changes}
    return {d.kind: d.overdue for d in open_deadlines(**values)}


def test_V_5_the_stay_is_overdue_only_after_its_last_day():
    assert deadlines(stay_last=TODAY)["stay"] is False
    assert deadlines(stay_last=TODAY - dt.timedelta(days=1))["stay"] is True


def test_V_6_family_search_steps_are_listed_until_done_and_only_for_unidentified_persons():
    assert deadlines() == {"stay": False, "notice": True, "dna": False}
    assert deadlines(notice_at=NOW - dt.timedelta(hours=2), dna_requested_on=TODAY) == {"stay": False}
    assert deadlines(unidentified=False) == {"stay": False}


def test_V_6_a_closed_case_has_no_running_deadline():
    assert deadlines(is_open=False) == {}


def test_V_5_days_in_care_count_the_arrival_day_and_stop_at_the_exit():
    assert days_in_care(TODAY, None, TODAY) == 1
    assert days_in_care(TODAY - dt.timedelta(days=9), None, TODAY) == 10
    assert days_in_care(TODAY - dt.timedelta(days=9), TODAY - dt.timedelta(days=5), TODAY) == 5
