"""Current facts derived from a person's timeline, now or as of a date (T-2).

Pure functions over the person's entries (their own and those of merged temporary ids), judged by business
date: as of a date, only events that happened (`occurred_on`) by then count. The rules for marriage and child
welfare are the ones agreed in docs/events.md; deaths come from the funeral service, relief cases from
vagrant aid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from services.timeline.domain.entries import Entry

Facts = dict[str, Any]


def derive_facts(entries: Iterable[Entry], ids: set[str], as_of: dt.date | None = None) -> Facts:
    """Every fact of the person whose ids are `ids`; `entries` in timeline order."""
    seen = [e for e in entries if as_of is None or e.occurred_on <= as_of]
    died_on = death_of(seen, ids)
    return {
        "alive": died_on is None,
        "died_on": died_on,
        **marital_status(seen, ids),
        "child_welfare": child_welfare_status(seen, ids),
        "open_relief_case": open_relief_case(seen, ids),
    }


def _date(value: Any, default: dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return default


# -- alive or deceased ---------------------------------------------------------------------------------------
def death_of(entries: Iterable[Entry], ids: set[str]) -> dt.date | None:
    """The date of death, or None while alive: funeral.DeathRegistered and BodyIdentified record it,
    funeral.DeathCorrected moves it or takes it back from the wrongly recorded person (F-7)."""
    died_on: dt.date | None = None
    for e in entries:
        if e.type in ("funeral.DeathRegistered", "funeral.BodyIdentified") and e.concerns(
                ids, {"deceased", "identified"}):
            died_on = _date(e.payload.get("died_on"), e.occurred_on)
        elif e.type == "funeral.DeathCorrected":
            if e.concerns(ids, {"deceased"}):
                died_on = _date(e.payload.get("died_on"), died_on or e.occurred_on)
            elif e.concerns(ids, {"wrongly_recorded"}):
                died_on = None
    return died_on


# -- marital status (docs/events.md, "marriage") --------------------------------------------------------------
def marital_status(entries: Iterable[Entry], ids: set[str]) -> Facts:
    """The latest existing marriage decides: married from registration; divorced from a divorce
    registration or a court divorce; widowed when the person survived (undone by MarriageRevived);
    voided, annulled or revoked marriages never existed; no marriage: unmarried."""
    marriages: dict[str, dict[str, Any]] = {}
    for e in entries:
        rid = e.payload.get("registration_id")
        if not e.type.startswith("marriage.") or not isinstance(rid, str) or not e.concerns(ids):
            continue
        if e.type == "marriage.MarriageRegistered":
            registered_on = _date(e.payload.get("registered_on"), e.occurred_on)
            marriages[rid] = {"registered_on": registered_on, "status": "married", "since": registered_on}
        elif rid not in marriages:
            continue
        elif e.type == "marriage.DivorceRegistered":
            marriages[rid].update(status="divorced", since=_date(e.payload.get("registered_on"), e.occurred_on))
        elif e.type == "marriage.CourtOutcomeRecorded":
            if e.payload.get("kind") == "divorce":
                marriages[rid].update(status="divorced", since=_date(e.payload.get("effective_on"), e.occurred_on))
            else:  # void or annulled: it never existed
                del marriages[rid]
        elif e.type == "marriage.RegistrationRevoked":
            del marriages[rid]
        elif e.type == "marriage.MarriageEndedByDeath" and e.concerns(ids, {"survivor"}):
            marriages[rid].update(status="widowed", since=_date(e.payload.get("died_on"), e.occurred_on))
        elif e.type == "marriage.MarriageRevived":
            marriages[rid].update(status="married", since=marriages[rid]["registered_on"])
    if not marriages:
        return {"marital_status": "unmarried", "marital_status_since": None, "registration_id": None}
    rid, latest = max(marriages.items(), key=lambda item: item[1]["registered_on"])
    return {"marital_status": latest["status"], "marital_status_since": latest["since"], "registration_id": rid}


# -- child welfare status (docs/events.md, "child_welfare") ------------------------------------------------------
_CATEGORY_DATES = {"child_welfare.EligibilityConfirmed": "decided_on",
                   "child_welfare.ChildReclassified": "effective_on"}


def child_welfare_status(entries: Iterable[Entry], ids: set[str]) -> Facts | None:
    """`applied` from ChildFileOpened, the category (orphan, de_facto_unattended) from EligibilityConfirmed
    or ChildReclassified, `rejected` or `terminated` from the others; the latest file decides."""
    files: dict[str, dict[str, Any]] = {}
    for e in entries:
        child_id = e.payload.get("child_id")
        if not e.type.startswith("child_welfare.") or not isinstance(child_id, str) or not e.concerns(
                ids, {"child"}):
            continue
        if e.type == "child_welfare.ChildFileOpened":
            files[child_id] = {"child_id": child_id, "status": "applied", "category": None,
                               "since": _date(e.payload.get("applied_on"), e.occurred_on)}
        elif child_id not in files:
            continue
        elif e.type in _CATEGORY_DATES:
            category = e.payload.get("category") or e.payload.get("to_category")
            since = _date(e.payload.get(_CATEGORY_DATES[e.type]), e.occurred_on)
            files[child_id].update(status=category, category=category, since=since)
        elif e.type == "child_welfare.ApplicationRejected":
            files[child_id].update(status="rejected", since=_date(e.payload.get("decided_on"), e.occurred_on))
        elif e.type == "child_welfare.SupportTerminated":
            files[child_id].update(status="terminated", reason=e.payload.get("reason"),
                                   since=_date(e.payload.get("effective_on"), e.occurred_on))
    if not files:
        return None
    return max(files.values(), key=lambda f: f["since"])


# -- open relief case ------------------------------------------------------------------------------------------
def open_relief_case(entries: Iterable[Entry], ids: set[str]) -> Facts | None:
    """A case opened by vagrant_aid.PersonTakenIn and not yet closed by PersonExited (the latest if several)."""
    cases: dict[str, dict[str, Any]] = {}
    for e in entries:
        case_id = e.payload.get("case_id")
        if not e.type.startswith("vagrant_aid.") or not isinstance(case_id, str) or not e.concerns(ids):
            continue
        if e.type == "vagrant_aid.PersonTakenIn":
            cases[case_id] = {"case_id": case_id, "station": e.payload.get("station"), "since": e.occurred_on}
        elif e.type == "vagrant_aid.PersonExited":
            cases.pop(case_id, None)
    return max(cases.values(), key=lambda c: c["since"]) if cases else None
