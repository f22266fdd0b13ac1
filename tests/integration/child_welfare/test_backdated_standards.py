"""C-5 backdated standards on the real PostgreSQL (a namespace of the module's own: standards are citywide):
a standard starting in a month already paid records, for each child paid since, one `AllowanceAdjusted` by
the service itself; the ledger explains each month with its adjustment, the payroll of the month pays the
arrears, and a retry of the same command writes nothing more."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration.child_welfare.test_child_welfare_application import ADMIN, application, confirmed

pytestmark = pytest.mark.integration


def test_C5_a_standard_backdated_into_paid_months_records_arrears_per_child_and_month(welfare, store, clock):
    clock.today = dt.date(2025, 1, 20)
    paid = confirmed(welfare, application(applied_on="2025-01-06"), checked_on="2025-01-13", decided_on="2025-01-20")
    institution = confirmed(welfare, application(applied_on="2025-01-06", care="institution",
                                                 institution="welfare_institution"),
                            checked_on="2025-01-13", decided_on="2025-01-20")

    clock.today = dt.date(2025, 6, 16)  # February to May are paid
    body = {"category": "orphan", "care": "dispersed", "from_month": "2025-04", "amount": "1350"}
    answer = welfare.set_standard(body, ADMIN, "std-1")
    assert answer["adjusted_children"] == 1
    welfare.set_standard(body, ADMIN, "std-1")  # a retry: nothing more

    adjustments = [e for e in store.read_stream(f"child-{paid}") if e.type == "child_welfare.AllowanceAdjusted"]
    assert len(adjustments) == 1
    [adjusted] = adjustments
    assert (adjusted.metadata.actor, adjusted.payload["total"], adjusted.payload["cause"]) == (
        "child_welfare.standards", "300.00", "standard_set")
    assert not [e for e in store.read_stream(f"child-{institution}") if e.type == "child_welfare.AllowanceAdjusted"]

    ledger = welfare.allowances(paid, "2025-03", "2025-06")
    assert [(m["month"], m["amount"], [a["difference"] for a in m["adjustments"]]) for m in ledger["months"]] == [
        ("2025-03", "1200.00", []), ("2025-04", "1350.00", ["150.00"]), ("2025-05", "1350.00", ["150.00"]),
        ("2025-06", "1350.00", [])]
    assert (ledger["adjustments_total"], ledger["adjustments"][0]["months"][0]["paid"]) == ("300.00", "1200.00")

    june = welfare.payroll("2025-06")
    assert [a["amount"] for a in june["adjustments"] if a["child_id"] == paid] == ["300.00"]
