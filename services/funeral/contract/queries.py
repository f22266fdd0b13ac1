"""The query strings of the funeral routes. The service checks each parameter itself and refuses a bad one as
422 `invalid_query` naming it; these models say what it accepts, for the OpenAPI document and the clients."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from services.funeral.contract.vocabulary import CemeteryCode


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TasksQuery(Query):
    as_of: dt.date | None = Field(default=None, description="terms ending within 90 days of this day (default today)")
    cemetery: CemeteryCode | None = Field(default=None, description="one cemetery (cemetery staff: their own)")


class StatisticsQuery(Query):
    year: int = Field(ge=1000, le=9999, description="the calendar year")
