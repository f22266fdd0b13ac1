"""The answers of the adoption service: an adoption and a notice as their routes show them. A sealed
adoption's origins (placing party, who asked for secrecy) are shown only to the registering office's
registrar and to oversight (A-14); every read is in the gateway's access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic_core import to_jsonable_python

from services.adoption.domain.state import Adoption, Notice
from shared.actor import Actor


def sees_origins(adoption: Adoption, actor: Actor) -> bool:
    """A-14: the registering office's registrar or oversight; anyone for an adoption that is not sealed."""
    return not adoption.sealed or actor.role == "oversight" or (
        actor.role == "adoption_registrar" and actor.office == adoption.office)


def adoption_view(adoption: Adoption | None, actor: Actor) -> dict[str, Any]:
    assert adoption is not None
    origins = sees_origins(adoption, actor)
    view = {
        "adoption_id": adoption.adoption_id, "office": adoption.office, "status": adoption.status,
        "registered_on": adoption.registered_on, "child": adoption.child.model_dump(),
        "adopters": [a.model_dump() for a in adoption.adopters], "sealed": adoption.sealed,
        "relation": adoption.relation,
        "placing_party": adoption.placing_party.model_dump(exclude_none=True)
        if origins and adoption.placing_party else None,
        "certificates": [{"number": c.number, "kind": c.kind, "holder_id_number": c.holder_id_number,
                          "valid": c.number not in adoption.invalid_certificates} for c in adoption.certificates],
        "dissolution": adoption.dissolution, "revocation": adoption.revocation, "version": adoption.version,
    }
    if adoption.sealed and origins:
        view["sealed_at_request_of"] = adoption.requested_by
    return to_jsonable_python(view)


def notice_view(notice: Notice, today: dt.date) -> dict[str, Any]:
    return to_jsonable_python({
        "notice_id": notice.notice_id, "office": notice.office, "child_id_number": notice.child_id_number,
        "published_on": notice.published_on, "runs_until": notice.runs_until, "status": notice.status(today),
        "version": notice.version})
