"""The queries officers ask (api.md "Child welfare"): a file, a child's allowances, the payroll of a month, the
task list. Answered from the child's stream (a file and its ledger, explained month by month) or from the
read models (the payroll and the task list, which span every child)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import psycopg

from services.child_welfare.adapters.read_models import load_standards
from services.child_welfare.contract.vocabulary import VISITED_CARE
from services.child_welfare.domain import parameters
from services.child_welfare.domain.eligibility import category_on
from services.child_welfare.domain.file import ChildFile
from services.child_welfare.domain.ledger import Span, Standards, due, ledger, money, month_text
from shared.envelope import Event
from shared.reference.calendar import default_calendar
from shared.reference.dates import ADULT_AGE, add_months, add_years


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def file_view(file: ChildFile, events: list[Event], today: dt.date) -> dict[str, Any]:
    """GET /children/{id}: the one file (C-2) with its history."""
    placement = file.placement
    return {
        "child_id": file.child_id, "subject_id": file.subject_id, "id_number": file.id_number,
        "temporary_id": file.temporary_id, "name": file.name, "birth_date": _iso(file.birth_date),
        "household_division": file.household_division, "guardian": file.guardian, "source": file.source,
        "applied_on": file.applied_on.isoformat(), "status": file.status, "category": file.category,
        "eligible_today_as": category_on(file.parents, today),
        "care": {"care": placement.care, "institution": placement.institution, "carer_id": placement.carer_id,
                 "since": placement.effective_on.isoformat()},
        "parents": [{"name": parent.name, "id_number": parent.id_number,
                     "condition": parent.condition_on(today),
                     "conditions": [fact.to_json() for fact in parent.facts]} for parent in file.parents],
        "township_check": ({"checked_on": file.township_check[0].isoformat(), "outcome": file.township_check[1]}
                           if file.township_check else None),
        "decided_on": _iso(file.decided_on),
        "termination": ({"reason": file.termination.reason, "effective_on": file.termination.effective_on.isoformat()}
                        if file.termination else None),
        "agreement_until": _iso(file.agreement_until), "last_visit": _iso(file.last_visit),
        "history": [{"type": event.type, "occurred_on": event.occurred_on.isoformat(),
                     "recorded_at": event.recorded_at.isoformat(), "actor": event.metadata.actor,
                     "payload": event.payload} for event in events],
        "version": file.version,
    }


def allowances(conn: psycopg.Connection, file: ChildFile, first: dt.date, last: dt.date) -> dict[str, Any]:
    """GET /children/{id}/allowances: every month of the range, 0 where nothing is due, each with its basis;
    and the adjustments recorded in the range (C-5)."""
    months = ledger(file, first, last, load_standards(conn))
    adjustments = [adjustment for adjustment in file.adjustments
                   if first <= dt.date.fromisoformat(adjustment["recorded_on"]).replace(day=1) <= last]
    total = sum((month.amount for month in months), Decimal(0))
    return {"child_id": file.child_id, "months": [_explained(month.to_json(), file) for month in months],
            "total": money(total),
            "adjustments": adjustments,
            "adjustments_total": money(sum((Decimal(a["total"]) for a in adjustments), Decimal(0)))}


def _explained(month: dict[str, Any], file: ChildFile) -> dict[str, Any]:
    """C-5, month by month: the adjustments recorded for this month (a correction, a backdated standard),
    each with what was paid, what is due and the difference (arrears positive, recovery negative)."""
    adjusted = [{"recorded_on": adjustment["recorded_on"], "cause": adjustment["cause"], "paid": entry["paid"],
                 "due": entry["due"], "difference": entry["difference"]}
                for adjustment in file.adjustments for entry in adjustment["months"]
                if entry["month"] == month["month"]]
    return {**month, "adjustments": adjusted}


def payroll(conn: psycopg.Connection, month: dt.date) -> dict[str, Any]:
    """GET /payroll?month=: every payment of the month (one span per child covers it) and the adjustments
    recorded in it, with the total (C-5)."""
    standards: Standards = load_standards(conn)
    rows = conn.execute(
        "SELECT s.child_id, f.subject_id, s.first_month, s.last_month, s.category, s.care, s.basis"
        " FROM allowance_spans s JOIN child_files f USING (child_id)"
        " WHERE s.first_month <= %s AND (s.last_month IS NULL OR s.last_month >= %s) AND s.category IS NOT NULL"
        " ORDER BY s.child_id",
        (month, month),
    ).fetchall()
    payments = []
    total = Decimal(0)
    for child_id, subject_id, first, last, category, care, basis in rows:
        owed = due(Span(first, last, category, care, basis), month, standards)
        total += owed.amount
        payments.append({"child_id": child_id, "subject_id": subject_id, "category": category, "care": care,
                         "amount": money(owed.amount),
                         "standard": money(owed.standard.amount) if owed.standard else None})
    adjustments = []
    for child_id, subject_id, amount in conn.execute(
        "SELECT a.child_id, f.subject_id, a.total FROM allowance_adjustments a JOIN child_files f USING (child_id)"
        " WHERE a.recorded_month = %s ORDER BY a.child_id", (month,),
    ):
        total += Decimal(amount)
        adjustments.append({"child_id": child_id, "subject_id": subject_id, "amount": money(Decimal(amount))})
    return {"month": month_text(month), "payments": payments, "adjustments": adjustments,
            "count": len(payments), "total": money(total)}


def tasks(conn: psycopg.Connection, today: dt.date) -> dict[str, Any]:
    """GET /tasks: overdue township checks and decisions (C-3, in working days), overdue visits and agreement
    renewals (C-7), children turning 18 within 90 days (C-6), months paid after a declared child's death (D-6)."""
    calendar = default_calendar()
    rows = conn.execute(
        "SELECT child_id, subject_id, status, care, assessment_from, township_checked_on, decided_on,"
        " agreement_until, last_visit, birth_date FROM child_files WHERE terminated_on IS NULL ORDER BY child_id"
    ).fetchall()
    found: dict[str, list[dict[str, Any]]] = {"overdue_checks": [], "overdue_decisions": [], "overdue_visits": [],
                                              "agreement_renewals": [], "turning_18": []}
    horizon = today + dt.timedelta(days=parameters.turning_adult_horizon_days(today))
    for child_id, subject, status, care, assessed, checked, decided, agreement, visit, born in rows:
        task = {"child_id": child_id, "subject_id": subject}
        if status == "applied":
            limit = calendar.add_working_days(assessed, parameters.township_check_working_days(assessed))
            if limit < today:
                found["overdue_checks"].append({**task, "due_on": limit.isoformat()})
        if status == "checked":
            limit = calendar.add_working_days(checked, parameters.decision_working_days(checked))
            if limit < today:
                found["overdue_decisions"].append({**task, "due_on": limit.isoformat()})
        if status == "confirmed":
            last_seen = visit or decided
            next_visit = add_months(last_seen, parameters.visit_cycle_months(last_seen))
            if care in VISITED_CARE and next_visit < today:
                found["overdue_visits"].append({**task, "due_on": next_visit.isoformat()})
            renewal = agreement or decided
            if renewal < today:
                found["agreement_renewals"].append({**task, "due_on": renewal.isoformat()})
        if born is not None:
            adult_on = add_years(born, ADULT_AGE)
            if today <= adult_on <= horizon:
                found["turning_18"].append({**task, "on": adult_on.isoformat()})
    found["payment_reviews"] = [
        {"child_id": child_id, "subject_id": subject, "reason": reason, "from": month_text(first),
         "until": month_text(last)}
        for child_id, subject, reason, first, last in conn.execute(
            "SELECT r.child_id, f.subject_id, r.reason, r.first_month, r.last_month FROM payment_reviews r"
            " JOIN child_files f USING (child_id) ORDER BY r.first_month, r.child_id").fetchall()]
    return {"as_of": today.isoformat(), **found}


# The standards the plan's indicators name (domain-next.md "Indicators of the plan"), by `category.care`.
INDICATOR_STANDARDS = (("orphan", "dispersed"), ("orphan", "institution"), ("de_facto_unattended", "dispersed"))


def indicator_inputs(conn: psycopg.Connection, year: int, today: dt.date) -> dict[str, Any]:
    """The plan's allowance indicators (C-5) for `year`, month by month up to the current month: the standard
    in force for each indicator's category and care, and the child-months the payroll pays, with those paid
    below the standard in force. The same spans and standards as `payroll`, so the figures agree."""
    standards: Standards = load_standards(conn)
    last = min(dt.date(year, 12, 1), today.replace(day=1))
    rows = conn.execute(
        "SELECT s.first_month, s.last_month, s.category, s.care, s.basis FROM allowance_spans s"
        " WHERE s.first_month <= %s AND (s.last_month IS NULL OR s.last_month >= %s) AND s.category IS NOT NULL",
        (last, dt.date(year, 1, 1)),
    ).fetchall()
    spans = [Span(first, end, category, care, basis) for first, end, category, care, basis in rows]
    months_out = []
    month = dt.date(year, 1, 1)
    while month <= last:
        in_force = {f"{c}.{k}": (money(s.amount) if (s := standards.for_month(c, k, month)) else None)
                    for c, k in INDICATOR_STANDARDS}
        paid: dict[str, int] = {}
        below: dict[str, int] = {}
        for span in spans:
            if span.first <= month and (span.last is None or span.last >= month):
                owed = due(span, month, standards)
                key = f"{span.category}.{span.care}"
                paid[key] = paid.get(key, 0) + 1
                if owed.standard is None or owed.amount < owed.standard.amount:
                    below[key] = below.get(key, 0) + 1
        months_out.append({"month": month_text(month), "standards": in_force, "child_months": paid,
                           "below_standard": below})
        month = add_months(month, 1)
    return {"year": year, "months": months_out}
