"""C-7 guardianship agreements renewed and visits made on configurable cycles."""

from __future__ import annotations

from services.child_welfare.contract.commands import RecordVisit, SignAgreement
from services.child_welfare.domain import decide as d
from tests.unit.child_welfare.given import OFFICER, TODAY, confirmed_file, days_ago, then


def test_an_agreement_runs_for_the_configured_cycle_and_a_second_is_a_renewal_C7():
    file = confirmed_file()
    [first] = d.decide_agreement(file, SignAgreement(kind="guardianship", party="王大爷", signed_on=days_ago(1)),
                                 OFFICER, TODAY)
    assert (first.payload["valid_until"], first.payload["renewal"]) == ("2026-06-15", False)
    [second] = d.decide_agreement(then(file, [first]), SignAgreement(kind="guardianship", party="王大爷"), OFFICER,
                                  TODAY)
    assert second.payload["renewal"] is True


def test_a_visit_sets_the_next_one_on_the_configured_cycle_C7():
    file = confirmed_file()
    [visit] = d.decide_visit(file, RecordVisit(findings="well cared for", visited_on=days_ago(2)), OFFICER, TODAY)
    assert (visit.payload["next_due"], visit.payload["visitor"]) == ("2025-09-14", "child-welfare.city")
    assert then(file, [visit]).last_visit == days_ago(2)
