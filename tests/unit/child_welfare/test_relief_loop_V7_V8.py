"""The relief loop without I/O (domain/referrals.py): a minor's relief case ending closes the referral file with
its reason, and the unidentified child is then never transferred (V-7, V-8, C-4); an identification showing
an adult cancels the referral; another file of the same child is left alone."""

from __future__ import annotations

import datetime as dt

import pytest

from services.child_welfare.domain import decide as d
from services.child_welfare.domain.referrals import (
    closure_of_exit,
    closure_of_identification,
    decide_relief_closure,
)
from tests.unit.child_welfare.given import confirmed_file, file_of, then

EXITED = "vagrant_aid.PersonExited"
IDENTIFIED = "vagrant_aid.PersonIdentified"


def referral_file(case_id: str = "case-1", referred_on: dt.date = dt.date(2025, 3, 10)):
    referral = d.Referral("TMP-RS610500-000001", case_id, "RS-610500", "610500", referred_on, None, "male")
    return file_of(d.decide_referral(referral, "c-1"))


@pytest.mark.parametrize("kind", ["collected", "escorted", "transferred"])
def test_V8_a_minor_collected_escorted_or_transferred_closes_the_referral_with_the_reason(kind):
    file = referral_file()
    closure = closure_of_exit("case-1", kind, True, dt.date(2025, 4, 2), EXITED)
    [draft] = decide_relief_closure(file, closure)
    assert draft.type == "child_welfare.SupportTerminated"
    assert (draft.payload["reason"], draft.payload["relief_exit"], draft.payload["effective_on"],
            draft.payload["cause"], draft.payload["relief_case_id"]) == (
        "referral_closed", kind, "2025-04-02", EXITED, "case-1")
    assert not then(file, [draft]).is_open


def test_V8_a_closed_referral_is_never_transferred_after_three_months_C4():
    file = referral_file()
    closed = then(file, decide_relief_closure(file, closure_of_exit("case-1", "collected", True,
                                                                     dt.date(2025, 4, 2), EXITED)))
    assert d.decide_unidentified_transfer(closed, dt.date(2025, 7, 1)) == []
    assert d.decide_unidentified_transfer(file, dt.date(2025, 7, 1)) != []  # open: it would have been


@pytest.mark.parametrize("kind", ["absconded", "died", "terminated", "self_departure"])
def test_V8_other_exits_leave_the_referral_to_the_officers(kind):
    assert closure_of_exit("case-1", kind, True, dt.date(2025, 4, 2), EXITED) is None


def test_V8_an_adults_exit_closes_nothing():
    assert closure_of_exit("case-1", "collected", False, dt.date(2025, 4, 2), EXITED) is None


def test_V7_an_identification_showing_an_adult_cancels_the_referral():
    file = referral_file()
    closure = closure_of_identification("case-1", False, dt.date(2025, 3, 20), IDENTIFIED)
    [draft] = decide_relief_closure(file, closure)
    assert (draft.payload["reason"], draft.payload["relief_exit"], draft.payload["effective_on"]) == (
        "referral_cancelled", "identified_adult", "2025-03-20")
    assert closure_of_identification("case-1", True, dt.date(2025, 3, 20), IDENTIFIED) is None  # a minor: kept


def test_V8_only_the_referral_of_that_case_closes_and_only_once():
    file = referral_file()
    closure = closure_of_exit("case-2", "collected", True, dt.date(2025, 4, 2), EXITED)
    assert decide_relief_closure(file, closure) == []  # another case's referral
    application = confirmed_file()  # the child's own file from an application is not a referral
    assert decide_relief_closure(application, closure_of_exit(
        application.relief_case_id or "case-1", "collected", True, dt.date(2025, 6, 16), EXITED)) == []
    mine = closure_of_exit("case-1", "collected", True, dt.date(2025, 4, 2), EXITED)
    closed = then(file, decide_relief_closure(file, mine))
    assert decide_relief_closure(closed, mine) == []  # applied twice, recorded once


def test_V8_an_exit_dated_before_the_referral_closes_on_the_referral_day():
    file = referral_file(referred_on=dt.date(2025, 3, 10))
    [draft] = decide_relief_closure(file, closure_of_exit("case-1", "escorted", True, dt.date(2025, 3, 9), EXITED))
    assert draft.payload["effective_on"] == "2025-03-10"
