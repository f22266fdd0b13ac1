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

from services.child_welfare.contract.queries import ChildrenQuery
from services.child_welfare.contract.refusals import FORBIDDEN_PLACE
from shared.actor import Actor
from shared.errors import Refusal
from shared.listing import json_row, keyset_page
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
    items, cursor = keyset_page(
        conn, "SELECT child_id, subject_id, id_number, temporary_id, birth_date, household_division, status,"
        " category, care, applied_on, township_checked_on, decided_on, terminated_on, version FROM child_files",
        ["status = %(status)s"], {"status": _STAGES[q.stage]},
        equal={"left(household_division, 6)": county_in_scope(actor, q)}, order=("applied_on", "child_id"),
        after=q.after_key(dt.date.fromisoformat, str), limit=q.limit)
    return {"items": [json_row(row | {"stage": q.stage}) for row in items], "next_cursor": cursor}
