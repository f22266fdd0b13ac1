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
