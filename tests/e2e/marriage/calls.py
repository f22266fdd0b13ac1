"""Who calls and what they send, for the marriage end-to-end tests."""

from __future__ import annotations

from typing import Any

from tests.support.synthetic_ids import synthetic_id_number

CLERK = {"as_": "marriage_clerk", "office": "MR-610502"}
REGISTRAR = {"as_": "marriage_registrar"}
REGISTRATIONS = "/v1/marriage/registrations"


def clerk_of(office: str) -> dict[str, str]:
    return {"as_": "marriage_clerk", "office": office}


def couple() -> tuple[str, str]:
    return synthetic_id_number(sex="male"), synthetic_id_number(sex="female")


def registration(man: str, woman: str, office: str = "MR-610502", **changes: Any) -> dict[str, Any]:
    return {"office": office, "declaration_signed": True,
            "parties": [{"id_number": man, "name": "王小明"}, {"id_number": woman, "name": "李小红"}], **changes}


def events_in(marriage_db) -> int:  # noqa: ANN001
    with marriage_db.connection() as conn:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]


def assert_problem(response, status: int, code: str) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code, body
    return body
