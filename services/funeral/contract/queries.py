"""The query strings of the funeral routes. The service checks each parameter itself and refuses a bad one as
422 `invalid_query` naming it; these models say what it accepts, for the OpenAPI document and the clients."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.funeral.contract.vocabulary import CemeteryCode
from shared.reference.paging import PageQuery


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TasksQuery(Query):
    as_of: dt.date | None = Field(default=None, description="terms ending within 90 days of this day (default today)")
    cemetery: CemeteryCode | None = Field(default=None, description="one cemetery (cemetery staff: their own)")


class StatisticsQuery(Query):
    year: int = Field(ge=1000, le=9999, description="the calendar year")


class DeathsQuery(PageQuery):
    """Deaths of a funeral home waiting for a step: cremation, the claim notice or the disposal approval (F-6)."""

    awaiting: Literal["cremation", "claim", "disposal"] = Field(
        description="cremation: not cremated or buried (an unidentified body only once disposal is approved); "
                    "claim: unidentified without a claim notice; disposal: noticed, not yet approved")
    funeral_home: str | None = Field(default=None, pattern=r"^FH-[0-9]{6}(-[0-9]{1,4})?$",
                                     description="the funeral home (its staff: their own, the default)")


class ReviewsQuery(PageQuery):
    """D-8: bodies found later whose date of death differs from the standing death declaration's, for the
    registrar."""


class PlotsQuery(PageQuery):
    """Plots whose use term ends before a day (F-3): renewals to chase."""

    expiring_before: dt.date | None = Field(default=None, description="default: 90 days from today")
    cemetery: CemeteryCode | None = Field(default=None, description="one cemetery (cemetery staff: their own)")
