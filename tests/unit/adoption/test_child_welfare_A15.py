"""A-15: an adoption ends a confirmed orphan's file as `adopted` on the registration date; that month is the
last one paid (C-5) and the state's guardianship and care end. The child welfare decider as its reaction to
`adoption.AdoptionRegistered` calls it, pure."""

from __future__ import annotations

import datetime as dt

from services.adoption.contract import events as adoption
from services.child_welfare.domain import decide as d
from services.child_welfare.domain.ledger import ledger, parse_month
from tests.unit.child_welfare.given import STANDARDS, confirmed_file, then


def test_A_15_an_adoption_ends_the_file_as_adopted_and_its_month_is_the_last_paid():
    file = confirmed_file(applied_on=dt.date(2025, 1, 10), decided_on=dt.date(2025, 2, 3))
    drafts = [d.termination_draft(file, "adopted", dt.date(2025, 5, 20), cause=adoption.AdoptionRegistered.TYPE,
                                  notes="adoption 5c1d2e3f", state_guardianship_ended=True)]
    assert drafts[0].payload["reason"] == "adopted" and drafts[0].payload["state_guardianship_ended"] is True
    ended = then(file, drafts)
    paid = {m.to_json()["month"]: m.to_json()["amount"]
            for m in ledger(ended, parse_month("2025-04"), parse_month("2025-07"), STANDARDS)}
    assert paid == {"2025-04": "1200.00", "2025-05": "1200.00", "2025-06": "0.00", "2025-07": "0.00"}


def test_A_16_a_minors_dissolution_reopens_the_file_the_adoption_ended_for_a_new_assessment():
    from services.child_welfare.application.reactions import SYSTEM
    from services.child_welfare.contract.commands import ReopenFile
    from services.child_welfare.domain.file_changes import decide_reopening

    file = confirmed_file(applied_on=dt.date(2025, 1, 10), decided_on=dt.date(2025, 2, 3))
    ended = then(file, [d.termination_draft(file, "adopted", dt.date(2025, 5, 20),
                                            cause=adoption.AdoptionRegistered.TYPE, state_guardianship_ended=True)])
    (draft,) = decide_reopening(ended, ReopenFile(reason="解除收养关系，重新评估", reopened_on=dt.date(2025, 9, 1)),
                                SYSTEM, dt.date(2025, 9, 3))
    assert draft.payload["termination_reason"] == "adopted" and draft.payload["reopened_on"] == "2025-09-01"
    reopened = then(ended, [draft])
    assert reopened.termination is None  # the child is checked and decided again (C-2, C-3)
