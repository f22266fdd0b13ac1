"""The query strings of the marriage routes. The service checks each parameter itself and refuses a bad one as
422 `invalid_query` naming it; these models say what it accepts, for the OpenAPI document and the clients."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class StatusQuery(Query):
    as_of: dt.date | None = Field(default=None, description="the status as of this date (default today)")


class StatisticsQuery(Query):
    from_: dt.date | None = Field(default=None, alias="from", description="first day (default 1 January)")
    to: dt.date | None = Field(default=None, description="last day (default today)")
