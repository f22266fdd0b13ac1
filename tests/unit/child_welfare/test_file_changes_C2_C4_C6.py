"""Changes on the one file (C-2) without I/O: the guardian, the household (out of the city support ends, C-6),
reopening a terminated file (checked and decided again; the months paid before stay paid, C-5), and the
state's long-term guardianship (a child at the minors' protection centre moves to the welfare institution,
C-4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from services.child_welfare.contract.commands import (
    AssumeLongTermGuardianship,
    ChangeGuardian,
    ChangeHousehold,
    ReopenFile,
    Terminate,
)
from services.child_welfare.domain import decide as d
from services.child_welfare.domain import file_changes as fc
from services.child_welfare.domain.ledger import ledger, spans
from shared.errors import Refusal
from tests.unit.child_welfare.given import (
    ADMIN,
    OFFICER,
    STANDARDS,
    TODAY,
    checked,
    confirmed,
    confirmed_file,
    file_of,
    then,
)


def refused(action) -> str:
    try:
        action()
    except Refusal as refusal:
        return refusal.code
    raise AssertionError("not refused")

UNCLE = {"name": "王二叔", "relation": "uncle", "phone": "13800000000"}


def terminated_file(on: dt.date = dt.date(2025, 3, 31)):
    file = confirmed_file(applied_on=dt.date(2025, 1, 6), decided_on=dt.date(2025, 1, 20))
    return then(file, d.decide_termination(file, Terminate(reason="other", effective_on=on), OFFICER, on))


def test_C2_a_guardian_change_is_recorded_with_the_one_it_replaces():
    file = confirmed_file()
    [draft] = fc.decide_guardian_change(file, ChangeGuardian(guardian=UNCLE, reason="grandfather ill"), OFFICER, TODAY)
    assert (draft.type, draft.payload["from_guardian"]["relation"], draft.payload["guardian"]["name"]) == (
        "child_welfare.GuardianChanged", "grandfather", "王二叔")
    changed = then(file, [draft])
    assert changed.guardian["relation"] == "uncle"
    assert refused(lambda: fc.decide_guardian_change(changed, ChangeGuardian(guardian=UNCLE), OFFICER, TODAY)) == (
        "nothing_to_change")
    assert refused(lambda: fc.decide_guardian_change(file, ChangeGuardian(guardian=UNCLE), ADMIN, TODAY)) == (
        "forbidden_role")


def test_C6_a_household_moved_within_the_city_is_recorded_and_out_of_the_city_ends_support():
    file = confirmed_file()
    [moved] = fc.decide_household_change(file, ChangeHousehold(household_division="610528"), OFFICER, TODAY)
    assert (moved.payload["from_division"], moved.payload["household_division"]) == ("610502", "610528")
    assert then(file, [moved]).household_division == "610528"
    away, ended = fc.decide_household_change(file, ChangeHousehold(household_division="610102"), OFFICER, TODAY)
    assert (ended.type, ended.payload["reason"], ended.payload["effective_on"]) == (
        "child_welfare.SupportTerminated", "moved_away", TODAY.isoformat())
    assert refused(lambda: fc.decide_household_change(file, ChangeHousehold(household_division="610502"), OFFICER,
                                                      TODAY)) == "nothing_to_change"
    assert refused(lambda: fc.decide_household_change(file, ChangeHousehold(household_division="999999"), OFFICER,
                                                      TODAY)) == "invalid_division"


def test_C2_a_terminated_file_is_reopened_checked_and_decided_again_and_an_open_one_is_not():
    file = terminated_file()
    assert refused(lambda: fc.decide_reopening(confirmed_file(), ReopenFile(reason="x"), OFFICER, TODAY)) == (
        "file_not_terminated")
    late = terminated_file(dt.date(2025, 6, 10))
    assert refused(lambda: fc.decide_reopening(late, ReopenFile(reason="x", reopened_on=dt.date(2025, 6, 5)),
                                               OFFICER, TODAY)) == "reopened_before_termination"
    [draft] = fc.decide_reopening(file, ReopenFile(reason="mother imprisoned again", reopened_on=dt.date(2025, 6, 2)),
                                  OFFICER, TODAY)
    assert (draft.payload["terminated_on"], draft.payload["termination_reason"]) == ("2025-03-31", "other")
    reopened = then(file, [draft])
    assert (reopened.status, reopened.is_open, reopened.assessment_from) == ("applied", True, dt.date(2025, 6, 2))
    assert reopened.periods and reopened.periods[0].confirmed_on == dt.date(2025, 1, 20)
    again = then(reopened, checked(reopened, dt.date(2025, 6, 5)))
    assert then(again, confirmed(again, on=dt.date(2025, 6, 10))).status == "confirmed"


def test_C5_after_reopening_the_months_paid_before_stay_paid_and_the_gap_is_not():
    file = terminated_file()
    reopened = then(file, fc.decide_reopening(file, ReopenFile(reason="again", reopened_on=dt.date(2025, 6, 2)),
                                              OFFICER, TODAY))
    again = then(reopened, checked(reopened, dt.date(2025, 6, 5)))
    again = then(again, confirmed(again, on=dt.date(2025, 6, 10)))
    months = ledger(again, dt.date(2025, 2, 1), dt.date(2025, 7, 1), STANDARDS)
    assert [(m.month.month, m.amount) for m in months] == [
        (2, Decimal("1200")), (3, Decimal("1200")), (4, 0), (5, 0), (6, 0), (7, Decimal("1200"))]
    assert months[2].basis["why"] == "terminated_before_reopening"
    assert [s.first.month for s in spans(again)] == [2, 7]


def test_C4_long_term_state_guardianship_moves_a_referred_child_to_the_welfare_institution_once():
    referral = d.Referral("TMP-RS610500-000001", "case-1", "RS-610500", "610500", dt.date(2025, 3, 10), None, "male")
    file = file_of(d.decide_referral(referral, "c-1"))
    assert file.state_guardianship == "temporary"
    guardian, moved = fc.decide_long_term_guardianship(
        file, AssumeLongTermGuardianship(document_ref="渭民监〔2025〕3号", decided_on=dt.date(2025, 6, 1)), OFFICER,
        TODAY)
    assert (guardian.payload["state_guardianship"], guardian.payload["guardian"]["relation"],
            guardian.payload["document_ref"]) == ("long_term", "long_term_state", "渭民监〔2025〕3号")
    assert (moved.payload["institution"], moved.payload["transfer"]) == ("welfare_institution", True)
    after = then(file, [guardian, moved])
    assert (after.state_guardianship, after.placement.institution) == ("long_term", "welfare_institution")
    assert d.decide_unidentified_transfer(after, dt.date(2025, 7, 1)) == []  # no second transfer
    assert refused(lambda: fc.decide_long_term_guardianship(after, AssumeLongTermGuardianship(document_ref="x"),
                                                            OFFICER, TODAY)) == "already_long_term_guardianship"
