"""C-5 backdated standards without I/O: a standard starting in a month already paid re-prices the months paid
since, child by child, as one `AllowanceAdjusted` with each month's paid, due and difference; nothing for
months not yet paid, or for a child whose months do not change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from services.child_welfare.domain.ledger import Standards, ledger
from services.child_welfare.domain.standards import decide_standard_adjustment, repriced_months, settled_through
from tests.unit.child_welfare.given import confirmed_file, then

TODAY = dt.date(2025, 6, 16)
RAISED = Standards({("orphan", "dispersed"): [(dt.date(2025, 3, 1), Decimal("1300"))]})


def test_C5_a_standard_from_a_month_already_paid_reprices_the_months_paid_since():
    assert repriced_months("2025-03", TODAY) == (dt.date(2025, 3, 1), dt.date(2025, 5, 1))
    assert settled_through(TODAY) == dt.date(2025, 5, 1)


def test_C5_a_standard_from_the_current_month_or_later_reprices_nothing():
    assert repriced_months("2025-06", TODAY) is None
    assert repriced_months("2026-01", TODAY) is None


def test_C5_the_difference_is_recorded_per_child_and_month_as_arrears():
    file = confirmed_file(applied_on=dt.date(2025, 1, 6), decided_on=dt.date(2025, 1, 20))  # paid from 2025-02
    [draft] = decide_standard_adjustment(file, Standards(), RAISED, dt.date(2025, 3, 1), dt.date(2025, 5, 1), TODAY)
    assert draft.type == "child_welfare.AllowanceAdjusted"
    p = draft.payload
    assert (p["child_id"], p["recorded_on"], p["total"], p["cause"]) == (file.child_id, "2025-06-16", "300.00",
                                                                         "standard_set")
    assert [(m["month"], m["paid"], m["due"], m["difference"]) for m in p["months"]] == [
        ("2025-03", "1200.00", "1300.00", "100.00"), ("2025-04", "1200.00", "1300.00", "100.00"),
        ("2025-05", "1200.00", "1300.00", "100.00")]
    assert draft.occurred_on == TODAY and draft.subjects == ((file.subject_id, "child"),)


def test_C5_a_lower_standard_is_a_recovery_and_the_ledger_then_shows_the_new_amounts():
    file = confirmed_file(applied_on=dt.date(2025, 1, 6), decided_on=dt.date(2025, 1, 20))
    lowered = Standards({("orphan", "dispersed"): [(dt.date(2025, 5, 1), Decimal("1100"))]})
    [draft] = decide_standard_adjustment(file, Standards(), lowered, dt.date(2025, 5, 1), dt.date(2025, 5, 1), TODAY)
    assert (draft.payload["total"], draft.payload["months"][0]["difference"]) == ("-100.00", "-100.00")
    adjusted = then(file, [draft])
    assert adjusted.adjustments[-1]["total"] == "-100.00"
    assert [m.amount for m in ledger(adjusted, dt.date(2025, 4, 1), dt.date(2025, 5, 1), lowered)] == [
        Decimal("1200"), Decimal("1100")]


def test_C5_a_child_not_paid_in_those_months_or_of_another_category_gets_no_adjustment():
    later = confirmed_file(applied_on=dt.date(2025, 5, 6), decided_on=dt.date(2025, 5, 20))  # paid from 2025-06
    assert decide_standard_adjustment(later, Standards(), RAISED, dt.date(2025, 3, 1), dt.date(2025, 5, 1),
                                      TODAY) == []
    other = Standards({("orphan", "institution"): [(dt.date(2025, 3, 1), Decimal("2000"))]})
    file = confirmed_file(applied_on=dt.date(2025, 1, 6), decided_on=dt.date(2025, 1, 20))  # dispersed
    assert decide_standard_adjustment(file, Standards(), other, dt.date(2025, 3, 1), dt.date(2025, 5, 1), TODAY) == []
