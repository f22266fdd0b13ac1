"""What the child welfare service answers, as the gateway documents it (OpenAPI): services may add fields."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import ConfigDict, Field

from shared.reference.contract import Response as View


class FileOpened(View):
    child_id: str
    version: int


class Changed(View):
    child_id: str
    version: int


class StandardSet(View):
    """C-5: the monthly standard of a category and care arrangement from a month on (admin, reference data).
    A month already paid may be the first: `adjusted_children` children then got an `AllowanceAdjusted` for
    the months paid since (arrears, or a recovery)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "category": "orphan", "care": "institution", "from_month": "2025-07", "amount": "1800.00",
        "adjusted_children": 0}]})

    category: str
    care: str
    from_month: str
    amount: str
    adjusted_children: int = 0


class ChildFile(View):
    """A child's file: status, category, care, parents with their conditions, checks and history."""

    child_id: str
    subject_id: str
    id_number: str | None = None
    temporary_id: str | None = None
    applied_on: dt.date
    status: str
    category: str | None = None
    care: dict[str, Any]
    parents: list[dict[str, Any]]
    history: list[dict[str, Any]]
    version: int


class Allowances(View):
    """C-4: the monthly allowances of a child over a period, with adjustments (amounts in 元, two decimals)."""

    child_id: str
    months: list[dict[str, Any]]
    total: str
    adjustments: list[dict[str, Any]]
    adjustments_total: str


class Payroll(View):
    """C-4: every payment of a month and the adjustments, with their total."""

    month: str
    payments: list[dict[str, Any]]
    adjustments: list[dict[str, Any]]
    count: int
    total: str


class Tasks(View):
    """What is due or overdue as of a day (C-3, C-5, C-6)."""

    as_of: dt.date
    overdue_checks: list[dict[str, Any]]
    overdue_decisions: list[dict[str, Any]]
    overdue_visits: list[dict[str, Any]]
    agreement_renewals: list[dict[str, Any]]
    turning_18: list[dict[str, Any]]
    payment_reviews: list[dict[str, Any]] = Field(
        default=[], description="D-6: months paid after a declared child's earlier date of death (art. 48), for "
                                "an officer to review: {child_id, subject_id, reason, from, until}")


class IndicatorMonth(View):
    """One month of the allowance indicators: the standards in force (`category.care` → 元/月), the child-months
    the payroll pays by `category.care`, and those paid below the standard in force (C-5)."""

    month: str
    standards: dict[str, str | None]
    child_months: dict[str, int]
    below_standard: dict[str, int]


class IndicatorInputs(View):
    """RPC `child_welfare.indicator_inputs(year)`: what the plan's allowance indicators are computed from, month
    by month up to the current month (GET /v1/indicators)."""

    year: int
    months: list[IndicatorMonth]
class ChildListItem(View):
    """A file in a queue (C-3): who, where, how far the procedure is; ids in full (the officer works the file)."""

    child_id: str
    subject_id: str
    id_number: str | None
    temporary_id: str | None
    birth_date: dt.date | None
    household_division: str | None
    status: str
    stage: Literal["awaiting_township_check", "awaiting_decision", "confirmed", "terminated"]
    category: str | None
    care: str
    applied_on: dt.date
    township_checked_on: dt.date | None
    decided_on: dt.date | None
    terminated_on: dt.date | None
    version: int


class ChildList(View):
    items: list[ChildListItem]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")
