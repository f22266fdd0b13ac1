"""The query strings of a person's timeline and facts and of the change feed (api.md "Persons", T-1..T-3).

The service checks each parameter itself and refuses a bad one as 422 `invalid_query` naming it; these
models say what it accepts, for the OpenAPI document and the clients, and hold the feed's limits.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_FEED_LIMIT = 100
MAX_FEED_LIMIT = 1000
SERVICE_PATTERN = r"^[a-z][a-z_]{0,39}$"
EVENT_TYPE_PATTERN = r"^[a-z][a-z_]{0,39}\.(\*|[A-Z][A-Za-z0-9]{0,79})$"


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FactsQuery(Query):
    as_of: dt.date | None = Field(default=None, description="the facts as of this business date (default today)")


class TimelineQuery(FactsQuery):
    service: str | None = Field(default=None, pattern=SERVICE_PATTERN,
                                description="only the events of this service")


class FeedQuery(Query):
    after: str | None = Field(default=None, max_length=2000, description="the cursor of the last page read")
    types: str | None = Field(default=None, max_length=5000,
                              description="comma-separated event types, or `service.*`; at most 50")
    limit: int = Field(default=DEFAULT_FEED_LIMIT, ge=1, le=MAX_FEED_LIMIT)
