"""What the timeline answers, as the gateway documents it (OpenAPI): services may add fields. The change
feed's page is `contract/feed.py`'s `FeedPage` (CloudEvents 1.0)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from shared.reference.contract import Response as View


class Timeline(View):
    """T-1: every event about the person the caller may see, in business-date order, each with its title."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "subject": "610502199001010012", "person": {"name": "张三"}, "merged_ids": [], "as_of": None,
        "known_at": None, "entries": [{"title": "结婚登记", "occurred_on": "2025-06-10",
                                       "type": "marriage.MarriageRegistered"}]}]})

    subject: str
    person: dict[str, Any] | None
    merged_ids: list[str]
    as_of: str | None
    known_at: str | None
    entries: list[dict[str, Any]]


class Facts(View):
    """T-2: the person's derived facts on a date (marital status, alive, child welfare status, …), as far as
    the caller's access classes reach; each fact a field beside these."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "subject": "610502199001010012", "person": {"name": "张三"}, "as_of": None, "known_at": None,
        "marital_status": "married", "alive": True}]})

    subject: str
    person: dict[str, Any] | None
    as_of: str | None
    known_at: str | None


class AccessLog(View):
    """T-3: who read what about the person, oldest first (oversight)."""

    subject: str
    entries: list[dict[str, Any]]
