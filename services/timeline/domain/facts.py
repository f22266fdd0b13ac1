"""Current facts derived from a person's timeline, now or as of a date (T-2).

Pure functions over the person's entries (their own and those of merged temporary ids). Marital status, alive
or deceased, the child welfare status and the parents by adoption (A-13, A-14) are the producers' own
definitions (`services/<producer>/contract/facts.py`): the timeline calls the same functions as the
producers, over every entry it knows — a correction counts for the dates it speaks about, whenever it was
recorded. The open relief case is judged by business date: as of a date, only events that happened
(`occurred_on`) by then count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from services.adoption.contract.facts import parents_by_adoption
from services.child_welfare.contract.facts import child_welfare_status
from services.funeral.contract.facts import declared_missing, life_status
from services.marriage.contract.facts import marital_status
from services.timeline.domain.entries import Entry

Facts = dict[str, Any]


def derive_facts(entries: Iterable[Entry], ids: set[str], as_of: dt.date | None = None) -> Facts:
    """Every fact of the person whose ids are `ids`; `entries` in timeline order."""
    known = list(entries)
    life = life_status(ids, known, as_of)
    marriage = marital_status(ids, known, as_of)
    return {
        "alive": life.alive,
        "died_on": life.died_on,
        "death_basis": life.death_basis,  # D-8, D-10: registered | declared (None while alive)
        "declared_missing": declared_missing(ids, known, as_of),  # D-10: {since, missing_since, court, case_no, …}
        "marital_status": marriage.marital_status,
        "marital_status_since": marriage.since,
        "registration_id": marriage.registration_id,
        "child_welfare": child_welfare_status(ids, known, as_of),
        "open_relief_case": open_relief_case([e for e in known if as_of is None or e.occurred_on <= as_of], ids),
        "parents": parents_by_adoption(ids, known, as_of),
    }


# -- open relief case ------------------------------------------------------------------------------------------
def open_relief_case(entries: Iterable[Entry], ids: set[str]) -> Facts | None:
    """A case opened by vagrant_aid.PersonTakenIn and not yet closed by PersonExited (the latest if several); a
    case reopened (vagrant_aid.CaseReopened, D-11: the death that closed it was withdrawn) is open again."""
    cases: dict[str, dict[str, Any]] = {}
    taken_in: dict[str, dict[str, Any]] = {}
    for e in entries:
        case_id = e.payload.get("case_id")
        if not e.type.startswith("vagrant_aid.") or not isinstance(case_id, str) or not e.concerns(ids):
            continue
        if e.type == "vagrant_aid.PersonTakenIn":
            cases[case_id] = taken_in[case_id] = {"case_id": case_id, "station": e.payload.get("station"),
                                                  "since": e.occurred_on}
        elif e.type == "vagrant_aid.PersonExited":
            cases.pop(case_id, None)
        elif e.type == "vagrant_aid.CaseReopened" and case_id in taken_in:
            cases[case_id] = taken_in[case_id]
    return max(cases.values(), key=lambda c: c["since"]) if cases else None
