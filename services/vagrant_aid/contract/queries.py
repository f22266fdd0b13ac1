"""The query strings of the vagrant aid routes: each parameter once, typed, bounded (422 otherwise)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.vagrant_aid.contract.commands import StationCode
from shared.reference.paging import PageQuery


class CaseQuery(PageQuery):
    """Cases by station and status, newest first; paged by `cursor` (api.md release 2) or, as before, `offset`."""

    station: StationCode | None = None
    status: Literal["open", "closed"] | None = None
    stranded: bool | None = None
    overdue: Literal["notice", "dna"] | None = None
    person: str | None = Field(default=None, pattern=r"^[0-9]{17}[0-9X]$|^TMP-[A-Z0-9]{2,20}-[0-9]{1,12}$")
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=100_000)

    @model_validator(mode="after")
    def _one_way_of_paging(self) -> CaseQuery:
        if self.cursor is not None and self.offset:
            raise ValueError("cursor and offset exclude each other")
        return self


class MatchQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: str = Field(pattern=r"^[0-9a-fA-F-]{36}$")


class PageQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=100_000)


class StatisticsQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    station: StationCode | None = None

    @model_validator(mode="after")
    def _ordered(self) -> StatisticsQuery:
        if self.from_ and self.to and self.from_ > self.to:
            raise ValueError("from is after to")
        return self
