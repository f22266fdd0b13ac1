"""A stated county-level division (a household registration, an institution's county, where a foundling was
found): a known county-level code, present or historical (0.1, 0.2), else `invalid_division` at its field.
Marriage's M-6 and adoption's A-1 and A-16 check it before asking which registry has jurisdiction, so an
unknown code is refused as unknown, not as another county's."""

from __future__ import annotations

from collections.abc import Sequence

from shared.errors import Refusal
from shared.reference.divisions import is_county_level

INVALID_DIVISION = "invalid_division"


def check_county_division(code: str, field: str | Sequence[str]) -> str:
    """`code` if it is a known county-level division code; `field` is the request field (a name, or its path)."""
    if not is_county_level(code):
        loc = [field] if isinstance(field, str) else list(field)
        name = str(loc[-1]).rsplit(".", 1)[-1]
        detail = f"{name} is not a known county-level code"
        raise Refusal(INVALID_DIVISION, detail, 422, [{"loc": ["body", *loc], "msg": detail}])
    return code
