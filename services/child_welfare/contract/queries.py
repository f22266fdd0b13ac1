"""The query strings of the child welfare routes. The service checks each parameter itself and refuses a bad one
as 422 `invalid_query` naming it; these models say what it accepts, for the OpenAPI document and the clients."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from services.child_welfare.contract.commands import MonthText


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class AllowancesQuery(Query):
    from_: MonthText = Field(alias="from", description="first month, YYYY-MM")
    to: MonthText = Field(description="last month, YYYY-MM")


class PayrollQuery(Query):
    month: MonthText = Field(description="the month paid, YYYY-MM")


class TasksQuery(Query):
    as_of: dt.date | None = Field(default=None, description="the day the tasks are due by (default today)")
