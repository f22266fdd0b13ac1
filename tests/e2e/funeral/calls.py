"""Who calls and what they send, for the funeral end-to-end tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.support.synthetic_ids import synthetic_id_number

STAFF = {"as_": "funeral_staff", "office": "FH-610502"}
CEMETERY_STAFF = {"as_": "funeral_staff", "office": "CEM-610502-1"}
ADMIN = {"as_": "admin"}
POLICE_CASE = "渭公刑字〔2025〕17号"


def death_body(today: dt.date, id_number: str | None = None, **changes: Any) -> dict[str, Any]:
    body = {"died_on": (today - dt.timedelta(days=1)).isoformat(), "place_division": "610502",
            "certificate_no": "F6105020001", "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502",
            **changes}
    if "unidentified" not in body:
        body["id_number"] = id_number or synthetic_id_number()
    return body
