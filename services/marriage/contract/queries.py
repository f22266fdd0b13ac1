"""The query strings of the marriage routes. The service checks each parameter itself and refuses a bad one as
422 `invalid_query` naming it; these models say what it accepts, for the OpenAPI document and the clients."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.reference.paging import PageQuery


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class StatusQuery(Query):
    as_of: dt.date | None = Field(default=None, description="the status as of this date (default today)")


class StatisticsQuery(Query):
    from_: dt.date | None = Field(default=None, alias="from", description="first day (default 1 January)")
    to: dt.date | None = Field(default=None, description="last day (default today)")


class VerificationQuery(Query):
    code: str | None = Field(default=None, max_length=64,
                             description="the copy's verification code, as printed and in its QR code (K-8)")


class PrintQuery(Query):
    code: str = Field(max_length=64, description="the copy's verification code from the issuing answer (K-8)")


class ReviewQuery(Query):
    limit: int = Field(default=50, ge=1, le=200, description="items per page")
    cursor: str | None = Field(default=None, max_length=64, description="the `next_cursor` of the previous page")


class StockQuery(Query):
    office: str = Field(pattern=r"^MR-[0-9]{6}$", description="the registry office")


class NumberingAuditQuery(StockQuery):
    year: int | None = Field(default=None, description="the business year (default this year)")


class AppointmentsQuery(PageQuery):
    """The day's appointments of an office (a clerk: their own; default: the clerk's office, today)."""

    office: str | None = Field(default=None, pattern=r"^MR-[0-9]{6}$", description="the registry office")
    date: dt.date | None = Field(default=None, description="the day (default today)")


class DivorcesQuery(PageQuery):
    """Divorce applications of an office by stage (M-8): in the cooling-off period, registrable now, lapsed."""

    office: str | None = Field(default=None, pattern=r"^MR-[0-9]{6}$", description="the registry office")
    state: Literal["cooling_off", "registrable", "lapsed"] | None = Field(
        default=None, description="cooling_off: before register_from; registrable: in the window; lapsed: "
                                  "deemed withdrawn (none given: every pending application)")
