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


def events_in(funeral_db) -> int:  # noqa: ANN001
    with funeral_db.connection() as conn:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]


def assert_problem(response, status: int, code: str) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code, body
    return body
