"""The query strings of the child welfare routes. The service checks each parameter itself and refuses a bad one
as 422 `invalid_query` naming it; these models say what it accepts, for the OpenAPI document and the clients."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.child_welfare.contract.commands import MonthText
from shared.reference.paging import PageQuery


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class AllowancesQuery(Query):
    from_: MonthText = Field(alias="from", description="first month, YYYY-MM")
    to: MonthText = Field(description="last month, YYYY-MM")


class PayrollQuery(Query):
    month: MonthText = Field(description="the month paid, YYYY-MM")


class TasksQuery(Query):
    as_of: dt.date | None = Field(default=None, description="the day the tasks are due by (default today)")


class ChildrenQuery(PageQuery):
    """Files by stage of the procedure (C-3) and county: the officers' queues."""

    stage: Literal["awaiting_township_check", "awaiting_decision", "confirmed", "terminated"] = Field(
        description="awaiting_township_check: applied; awaiting_decision: checked by the township; "
                    "confirmed: receiving the allowance; terminated: ended")
    county: str | None = Field(default=None, pattern=r"^[0-9]{6}$",
                               description="the household's county division (a county's officers: their own)")
