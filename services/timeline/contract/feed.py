"""The change feed's entries as CloudEvents 1.0 (api.md, release 2: `GET /v1/feed`), in the JSON event format.

Each entry says what happened (`type`, the event type), where it comes from (`source`, `urn:civreg:<service>`),
which record it is about within that source (`subject`, the stream: `marriage-<registration id>`, never an ID
number), its unique `id` (the event id) and `time` (when it was recorded, RFC 3339). `data` is what the feed
shows of the event: its business date, title, office, subjects, the records it names, and its position in its
source (the cursor's unit). The page carries the cursor beside the entries: `{entries, next}`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SPECVERSION = "1.0"
SOURCE_PREFIX = "urn:civreg:"


def source_of(service: str) -> str:
    return f"{SOURCE_PREFIX}{service}"


class FeedData(BaseModel):
    """What the feed shows of one event: not its payload."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    position: int = Field(description="the event's position in its source (the cursor counts these)")
    occurred_on: dt.date = Field(description="the business date")
    title: str = Field(description="what happened, in Chinese (titles.yaml)")
    office: str | None = Field(description="where it was recorded (place code)")
    subjects: list[dict[str, str]] = Field(description="`[{id, role}]`, as the caller may see them")
    refs: dict[str, Any] = Field(description="the records the event names (registration, death, case…)")


class CloudEvent(BaseModel):
    """One feed entry: a CloudEvents 1.0 event in the JSON format."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"] = SPECVERSION
    id: str = Field(description="the event id (unique per source)")
    source: str = Field(description="`urn:civreg:<service>`")
    type: str = Field(description="the event type, e.g. `marriage.MarriageRegistered` (docs/events.md)")
    subject: str = Field(description="the record within the source: the event's stream")
    time: dt.datetime = Field(description="when the event was recorded")
    datacontenttype: Literal["application/json"] = "application/json"
    data: FeedData


class FeedPage(BaseModel):
    """A page of the change feed and the cursor to ask for the next (`after`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entries: list[CloudEvent]
    next: str = Field(description="the cursor: pass it as `after` to read on")
