"""The change feed's cursor: for every source service, the last source position a reader has seen.

It names positions in the source stores, never rows of the projection, so it stays valid across restarts
and rebuilds (a rebuild reproduces the same (source, position) keys). On the wire it is opaque: URL-safe
base64 of a compact JSON object. A malformed cursor is refused with `invalid_cursor`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from services.timeline.contract.refusals import INVALID_CURSOR
from shared.errors import Refusal

_SOURCE = re.compile(r"^[a-z][a-z_]{0,39}$")
MAX_CURSOR = 2000


def encode(positions: dict[str, int]) -> str:
    text = json.dumps(dict(sorted(positions.items())), separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str | None) -> dict[str, int]:
    if not cursor:
        return {}
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw.decode())
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and _SOURCE.match(k) and type(v) is int and v >= 0 for k, v in value.items()
        ):
            raise ValueError("not a cursor")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Refusal(INVALID_CURSOR, "`after` is not a cursor this feed gave out", 422) from None
    return value
