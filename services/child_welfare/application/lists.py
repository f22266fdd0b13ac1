"""The officers' queues (api.md release 2): child files by stage of the procedure (C-3) and county, from the
read model, paged by keyset (`shared.reference.paging`).

Least privilege (C-8): a county's officers read their county's files (another county is 403
`forbidden_place`), the city level (no county) any county; township officers read only the files waiting for
the township's check in their own county.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from psycopg.rows import dict_row

from services.child_welfare.contract.queries import ChildrenQuery
from services.child_welfare.contract.refusals import FORBIDDEN_PLACE
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference.paging import page
from shared.reference.refusals import FORBIDDEN

_STAGES = {"awaiting_township_check": "applied", "awaiting_decision": "checked", "confirmed": "confirmed",
           "terminated": "terminated"}


def county_in_scope(actor: Actor, q: ChildrenQuery) -> str | None:
    if actor.role == "township_officer":
        if q.stage != "awaiting_township_check":
            raise Refusal(FORBIDDEN, "township officers read the files waiting for their check only", 403)
        own = (actor.township or "")[:6] or None
    else:
        own = actor.county
    if own is None:
        return q.county
    if q.county not in (None, own):
        raise Refusal(FORBIDDEN_PLACE, f"an officer of {own} may not read county {q.county}", 403)
    return own


def children(conn: psycopg.Connection, actor: Actor, q: ChildrenQuery) -> dict[str, Any]:
    county = county_in_scope(actor, q)
    where, params = ["status = %(status)s"], {"status": _STAGES[q.stage], "limit": q.limit + 1}
    if county is not None:
        where.append("left(household_division, 6) = %(county)s")
        params["county"] = county
    if (after := q.after_key(dt.date.fromisoformat, str)) is not None:
        where.append("(applied_on, child_id) > (%(after_on)s, %(after_id)s)")
        params.update(after_on=after[0], after_id=after[1])
    rows = conn.cursor(row_factory=dict_row).execute(
        "SELECT child_id, subject_id, id_number, temporary_id, birth_date, household_division, status, category,"
        " care, applied_on, township_checked_on, decided_on, terminated_on, version FROM child_files"
        f" WHERE {' AND '.join(where)} ORDER BY applied_on, child_id LIMIT %(limit)s", params).fetchall()
    items, cursor = page(rows, q.limit, lambda row: (row["applied_on"], row["child_id"]))
    return {"items": [_json(row | {"stage": q.stage}) for row in items], "next_cursor": cursor}


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in row.items()}
