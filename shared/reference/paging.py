"""Paged lists (api.md release 2, "Routes the workbench needs"): `limit` and an opaque `cursor`.

A list is ordered by a key that ends in the row's id, so the order is total; the cursor is the key of the last
item handed out, base64url of its JSON. The next page starts strictly after it (keyset paging), so rows
written meanwhile neither repeat nor shift the pages. A cursor that is not one of ours is 422 like any bad
query parameter: the query model decodes it while validating.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.errors import Refusal

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def encode_cursor(key: Sequence[Any]) -> str:
    """The cursor of an item whose sort key is `key` (JSON values: text, numbers; dates as ISO text)."""
    text = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in key], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    """The sort key a cursor carries; ValueError when it is not a cursor this API gave out."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("not a cursor of this list") from exc
    if not isinstance(key, list) or not key or not all(isinstance(v, str | int) for v in key):
        raise ValueError("not a cursor of this list")
    return key


class PageQuery(BaseModel):
    """`limit` (1–500, default 50) and `cursor` (the `next_cursor` of the page before) of a list route."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="items per page")
    cursor: str | None = Field(default=None, max_length=400, pattern=r"^[A-Za-z0-9_-]+$",
                               description="`next_cursor` of the previous page")

    @field_validator("cursor")
    @classmethod
    def _ours(cls, value: str | None) -> str | None:
        if value is not None:
            decode_cursor(value)
        return value

    def after(self) -> list[Any] | None:
        return decode_cursor(self.cursor) if self.cursor else None

    def after_key(self, *types: Callable[[Any], Any]) -> tuple[Any, ...] | None:
        """The cursor's key read as `types` (e.g. `dt.date.fromisoformat, str`); a key of another shape is
        422 `validation_failed` (a cursor of another list, or forged), never a database error."""
        key = self.after()
        if key is None:
            return None
        try:
            if len(key) != len(types):
                raise ValueError("another list's cursor")
            return tuple(read(value) for read, value in zip(types, key, strict=True))
        except (TypeError, ValueError):
            raise Refusal("validation_failed", "cursor is not a cursor of this list", 422,
                          [{"loc": ["query", "cursor"], "msg": "not a cursor of this list"}]) from None


def page(rows: Sequence[dict[str, Any]], limit: int, key: Callable[[dict[str, Any]], Sequence[Any]]
         ) -> tuple[list[dict[str, Any]], str | None]:
    """The first `limit` of `rows` (fetched as `limit + 1`) and the cursor of the next page, if there is one."""
    items = list(rows[:limit])
    return items, (encode_cursor(key(items[-1])) if len(rows) > limit and items else None)
