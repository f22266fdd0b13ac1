"""The answers of the adoption service: an adoption and a notice as their routes show them. A sealed
adoption's origins (placing party, who asked for secrecy) are shown only to the registering office's
registrar and to oversight (A-14); every read is in the gateway's access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic_core import to_jsonable_python

from services.adoption.domain import rules
from services.adoption.domain.state import Adoption, Application, Assessment, Notice
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
        # the birth parents a sealed adoption's dissolution names, only to those who see its origins
        "dissolution": adoption.dissolution if origins or not adoption.dissolution else {
            **adoption.dissolution, "birth_parents": []},
        "revocation": adoption.revocation, "version": adoption.version,
    }
    if adoption.sealed and origins:
        view["sealed_at_request_of"] = adoption.requested_by
    return to_jsonable_python(view)


def period_view(living: tuple[dt.date, dt.date | None] | None) -> dict[str, Any] | None:
    """A-10: a living-together period as answered (`ended_on` null while it runs)."""
    return {"started_on": living[0], "ended_on": living[1]} if living else None


def assessment_view(assessment: Assessment, today: dt.date) -> dict[str, Any]:
    """A-10: the assessment, and from the adopters' consent the day its report is due (the living-together days
    not counted) and how late it is: reported after that day, or not reported by `today` (the task list's count)."""
    due = rules.assessment_due_A10(assessment.consented_on, assessment.living_together,
                                   assessment.assessed_on or today) if assessment.consented_on else None
    days_late = rules.days_late_A10(due, assessment.assessed_on, today) if due is not None else None
    return to_jsonable_python({
        "assessment_id": assessment.assessment_id, "office": assessment.office,
        "adopters": [a.id_number for a in assessment.adopters], "outcome": assessment.outcome,
        "assessed_on": assessment.assessed_on, "consented_on": assessment.consented_on, "due_on": due,
        "late": bool(days_late), "days_late": days_late,
        "living_together": period_view(assessment.living_together), "version": assessment.version})


def notice_view(notice: Notice, today: dt.date) -> dict[str, Any]:
    return to_jsonable_python({
        "notice_id": notice.notice_id, "office": notice.office, "child_id_number": notice.child_id_number,
        "published_on": notice.published_on, "runs_until": notice.runs_until, "status": notice.status(today),
        "version": notice.version})


def decision_due(received_on: dt.date, notices: list[list[str | None]]) -> dt.date:
    """A-12: the day the application is due by, from the read model's notices of its child (A-11)."""
    return rules.decision_due_A12(received_on, rules.notice_periods_A11(
        [(dt.date.fromisoformat(str(p)), dt.date.fromisoformat(str(c)) if c else None) for p, c in notices]))


def application_view(application: Application, read: Any, today: dt.date) -> dict[str, Any]:
    received = application.received
    status = read.application_status(received.application_id)
    due = decision_due(received.received_on, status["notices"])
    return to_jsonable_python({
        "application_id": received.application_id, "office": received.office, "kind": received.kind,
        "child_id_number": received.child.id_number, "adoption_id": received.adoption_id,
        "received_on": received.received_on, "due_on": due, "decided_on": status["decided_on"],
        "outcome": status["outcome"], "overdue": status["decided_on"] is None and due < today,
        "version": application.version})


def late_assessments(rows: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """A-10: of the assessments waiting for their report, those whose day has passed on `today`."""
    late = []
    for row in rows:
        living = (row["living_together_from"], row["living_together_to"]) if row["living_together_from"] else None
        due = rules.assessment_due_A10(row["consented_on"], living, today)
        if days_late := rules.days_late_A10(due, None, today):
            late.append(to_jsonable_python({
                "assessment_id": row["assessment_id"], "office": row["office"], "adopters": row["adopters"],
                "consented_on": row["consented_on"], "due_on": due, "days_late": days_late,
                "living_together": period_view(living), "version": row["version"]}))
    return late
