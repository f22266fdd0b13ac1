"""What staff read about a case: the folded state with its deadlines computed against now (V-5, V-6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from services.vagrant_aid.domain.deadlines import (
    days_in_care,
    family_search_due,
    is_stranded,
    normal_stay_last_day,
    open_deadlines,
    settlement_from,
    stay_last_day,
)
from services.vagrant_aid.domain.state import Case
from shared.envelope import Event


def case_view(case: Case, history: Sequence[Event], now: dt.datetime, today: dt.date) -> dict[str, Any]:
    intake = case.intake
    due = family_search_due(case, now, today)
    return {
        "case_id": case.case_id,
        "version": case.version,
        "station": case.station,
        "station_division": case.station_division,
        "status": "open" if case.is_open else "closed",
        "subject_id": case.subject_id,
        "temporary_id": case.temporary_id,
        "id_number": case.id_number,
        "identified": case.identified,
        "person": {key: intake.get(key) for key in ("name", "sex", "birth_date", "estimated_age", "description")}
        | {"sex": case.sex, "birth_date": case.birth_date.isoformat() if case.birth_date else None},
        "minor": case.minor,
        "guardianship": "temporary_state" if case.minor else None,
        "flags": sorted(case.flags),
        "source": case.source,
        "source_detail": intake.get("source_detail"),
        "reason": intake.get("reason"),
        "arrived_at": case.arrived_at.isoformat(),
        "arrived_on": case.arrived_on.isoformat(),
        "consent": intake.get("consent"),
        "speaks_for_self": intake.get("speaks_for_self"),
        "belongings": intake.get("belongings", []),
        "relatives": intake.get("relatives", []),
        "hospital_referral": {"reasons": list(case.hospital_referral)} if case.hospital_referral else None,
        "services": list(case.services),
        "alerts": list(case.alerts),  # D-9: court declarations about the person
        "reopenings": list(case.reopenings),  # D-11: a death withdrawn as registered in error
        "cash_total": str(case.cash_total),
        "stay": {
            "normal_last_day": normal_stay_last_day(case.arrived_on).isoformat(),
            "last_day": stay_last_day(case).isoformat(),
            "extensions": list(case.extensions),
            "stranded": is_stranded(case, today),
        },
        "family_search": {
            "steps": list(case.family_search),
            "notice_due_at": due.notice_due_at.isoformat() if due else None,
            "notice_at": case.notice_at.isoformat() if case.notice_at else None,
            "notice_overdue": bool(due and due.notice_overdue),
            "dna_due_on": due.dna_due_on.isoformat() if due else None,
            "dna_requested_on": case.dna_requested_on.isoformat() if case.dna_requested_on else None,
            "dna_overdue": bool(due and due.dna_overdue),
            "settlement_from": settlement_from(case.arrived_on).isoformat() if case.unidentified else None,
        },
        "identified_on": case.identified_on.isoformat() if case.identified_on else None,
        "settlement": {"settled_on": case.settled_on.isoformat(), "household_division": case.household_division}
        if case.settled_on else None,
        "exit": case.exit,
        "history": [{"type": e.type, "occurred_on": e.occurred_on.isoformat(),
                     "recorded_at": e.recorded_at.isoformat(), "version": e.stream_version} for e in history],
    }


_DEADLINE_COLUMNS = ("unidentified", "notice_due_at", "notice_at", "dna_due_on", "dna_requested_on")


def summary_view(row: dict[str, Any], now: dt.datetime, today: dt.date) -> dict[str, Any]:
    """A row of `GET /cases`, JSON-ready, with its running deadlines and days in care (V-5, V-6)."""
    deadlines = open_deadlines(
        is_open=row["status"] == "open", unidentified=row["unidentified"], stay_last=row["stay_last_day"],
        notice_due=row["notice_due_at"], notice_at=row["notice_at"], dna_due=row["dna_due_on"],
        dna_requested_on=row["dna_requested_on"], now=now, today=today)
    shown = {key: (value.isoformat() if isinstance(value, dt.date | dt.datetime) else value)
             for key, value in row.items() if key not in _DEADLINE_COLUMNS}
    return shown | {
        "days_in_care": days_in_care(row["arrived_on"], row["exited_on"], today),
        "deadlines": [{"kind": d.kind, "due_at": d.due_at.isoformat(), "overdue": d.overdue} for d in deadlines],
    }
