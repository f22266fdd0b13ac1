"""Who calls and what they send, for the marriage end-to-end tests."""

from __future__ import annotations

from typing import Any

from tests.support.synthetic_ids import synthetic_id_number

CLERK = {"as_": "marriage_clerk", "office": "MR-610502"}
REGISTRAR = {"as_": "marriage_registrar"}
REGISTRATIONS = "/v1/marriage/registrations"
# Weinan's eleven county-level registry offices: the M-3 race and the K-4 numbering race run at all of them.
OFFICES = ("MR-610502", "MR-610503", "MR-610522", "MR-610523", "MR-610524", "MR-610525", "MR-610526", "MR-610527",
           "MR-610528", "MR-610581", "MR-610582")


def clerk_of(office: str) -> dict[str, str]:
    return {"as_": "marriage_clerk", "office": office}


def couple() -> tuple[str, str]:
    return synthetic_id_number(sex="male"), synthetic_id_number(sex="female")


def registration(man: str, woman: str, office: str = "MR-610502", **changes: Any) -> dict[str, Any]:
    return {"office": office, "declaration_signed": True,
            "parties": [{"id_number": man, "name": "王小明"}, {"id_number": woman, "name": "李小红"}], **changes}
