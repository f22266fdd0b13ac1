"""The workbench's lists (api.md release 2): deaths waiting for a step (F-2, F-6), plots whose term ends
soon (F-3) and the registrar's dates of death to review (D-8), from the read models, paged by keyset
(`shared.reference.paging`).

Funeral home staff read their own home's deaths (another is 403 `forbidden_place`), cemetery staff their own
cemetery's plots; admins read all. The first day of disposal is the claim wait's, read from the rule
parameters in force on the notice day (`rules.disposal_from`, as the rule reads it), never the client's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg

from services.funeral.contract.queries import DeathsQuery, PlotsQuery, ReviewsQuery
from services.funeral.contract.refusals import FORBIDDEN_PLACE
from services.funeral.domain import rules
from shared.actor import Actor
from shared.errors import Refusal
from shared.listing import json_row, keyset_page

_AWAITING = {
    "cremation": "cremated_on IS NULL AND NOT EXISTS (SELECT 1 FROM burials b WHERE b.death_id = d.death_id)"
                 " AND (id_number IS NOT NULL OR disposal_approved_on IS NOT NULL)",
    "claim": "id_number IS NULL AND claim_notice_on IS NULL AND cremated_on IS NULL",
    "disposal": "id_number IS NULL AND claim_notice_on IS NOT NULL AND disposal_approved_on IS NULL"
                " AND cremated_on IS NULL",
}


def _place(actor: Actor, asked: str | None, prefix: str) -> str | None:
    """The place a list covers: staff their own (by default), admins the one asked or all."""
    if actor.role == "admin":
        return asked
    own = actor.office if (actor.office or "").startswith(prefix) else None
    if own is None or asked not in (None, own):
        raise Refusal(FORBIDDEN_PLACE, f"{actor.office or 'this principal'} may not read {asked or 'this list'}", 403)
    return own


def waiting_deaths(conn: psycopg.Connection, actor: Actor, q: DeathsQuery) -> dict[str, Any]:
    items, cursor = keyset_page(
        conn, "SELECT death_id, subject_id, id_number, temporary_id, died_on, funeral_home,"
        " natural_death AS natural, claim_notice_on, disposal_approved_on, version FROM deaths d",
        [_AWAITING[q.awaiting]], {}, equal={"funeral_home": _place(actor, q.funeral_home, "FH-")},
        order=("died_on", "death_id"), after=q.after_key(dt.date.fromisoformat, str), limit=q.limit)
    return {"items": [json_row(row | {"awaiting": q.awaiting, "disposal_from": _disposal_from(row["claim_notice_on"])})
                      for row in items], "next_cursor": cursor}


def _disposal_from(noticed: dt.date | None) -> dt.date | None:
    return rules.disposal_from(noticed) if noticed else None


def expiring_plots(conn: psycopg.Connection, actor: Actor, q: PlotsQuery, today: dt.date) -> dict[str, Any]:
    cemetery_staff = actor.role != "admin" and (actor.office or "").startswith("CEM-")  # as GET /tasks reads
    cemetery = _place(actor, q.cemetery, "CEM-") if cemetery_staff else q.cemetery
    before = q.expiring_before or today + dt.timedelta(days=90)
    items, cursor = keyset_page(
        conn, "SELECT plot_id, cemetery, number, kind, burial_type, occupants, term_until,"
        " term_until < %(today)s AS expired, version FROM plots",
        ["term_until IS NOT NULL AND term_until < %(before)s"], {"before": before, "today": today},
        equal={"cemetery": cemetery}, order=("term_until", "plot_id"),
        after=q.after_key(dt.date.fromisoformat, str), limit=q.limit)
    return {"expiring_before": before.isoformat(), "items": [json_row(row) for row in items], "next_cursor": cursor}


# D-8: a body found later linked to a standing death declaration whose date differs, not withdrawn, and not
# settled by the registrar for its registered date; the reason the registrar gets it is always the same.
_DECLARATION_REVIEWS = (
    "SELECT * FROM (SELECT d.death_id, d.declaration_id, d.subject_id, d.died_on, d.declared_died_on,"
    " d.funeral_home, 'declared_date_conflict' AS reason, d.version FROM deaths d JOIN declarations c"
    " ON c.declaration_id = d.declaration_id AND c.ends_on IS NULL WHERE d.declared_died_on <> d.died_on"
    " AND d.withdrawn_on IS NULL AND d.review_settled_for IS DISTINCT FROM d.died_on) r")


def declaration_reviews(conn: psycopg.Connection, q: ReviewsQuery) -> dict[str, Any]:
    """D-8: the registrar's review list, oldest date of death first; an item leaves it when the registrar
    settles it, the death is corrected to the declaration's date (F-7) or withdrawn (D-11), or the court
    revokes the declaration (D-5)."""
    items, cursor = keyset_page(conn, _DECLARATION_REVIEWS, [], {}, order=("died_on", "death_id"),
                                after=q.after_key(dt.date.fromisoformat, str), limit=q.limit)
    return {"items": [json_row(row) for row in items], "next_cursor": cursor}
