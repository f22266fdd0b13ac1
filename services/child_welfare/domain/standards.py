"""C-5 backdated standards: an allowance standard may start in a month already paid.

The months already paid (before the month the standard is set in) were paid on the standards then known. A
standard starting in one of them re-prices those months: for each child paid then, the months whose amount
changes are recorded as one `AllowanceAdjusted` of the child (per month: paid, due, difference; arrears
positive, recovery negative), paid with the payroll of the month it is recorded in. History is never edited:
the `StandardSet` and the adjustments are new events, and the ledger explains each month from them.

The adjustments are the service's consequence of reference data, not an admin's business: they are recorded
under the service's own name, caused by the `StandardSet` event (application/files.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from services.child_welfare.contract import events as contract
from services.child_welfare.domain import events as ev
from services.child_welfare.domain.file import ChildFile
from services.child_welfare.domain.ledger import Month, Standards, ledger, money, month_of, month_text, parse_month

CAUSE = "standard_set"


def settled_through(today: dt.date) -> Month:
    """The last month already paid: the one before the current month."""
    return month_of(month_of(today) - dt.timedelta(days=1))


def repriced_months(from_month: str, today: dt.date) -> tuple[Month, Month] | None:
    """C-5: the months already paid that a standard from `from_month` re-prices, or None (it starts in the
    current month or later: nothing paid is touched)."""
    first, last = parse_month(from_month), settled_through(today)
    return (first, last) if first <= last else None


def decide_standard_adjustment(file: ChildFile, before: Standards, after: Standards, first: Month, last: Month,
                               today: dt.date, cause: str = CAUSE) -> list[ev.Draft]:
    """C-5: the child's months `first`..`last`, paid on `before`, are due on `after`: the difference of each
    month that changes, as one `AllowanceAdjusted`; nothing when no month changes."""
    paid, due = ledger(file, first, last, before), ledger(file, first, last, after)
    months = [{"month": month_text(old.month), "paid": money(old.amount), "due": money(new.amount),
               "difference": money(new.amount - old.amount)}
              for old, new in zip(paid, due, strict=True) if old.amount != new.amount]
    if not months:
        return []
    total = sum((Decimal(month["difference"]) for month in months), Decimal(0))
    payload = {"child_id": file.child_id, "recorded_on": today.isoformat(), "months": months, "total": money(total),
               "cause": cause}
    return [ev.Draft.of(contract.AllowanceAdjusted(**payload), today, ((file.subject_id, "child"),))]
