"""The workbench's lists of an office (api.md release 2): the day's appointments (M-13) and divorce
applications by stage (M-8), from the read models, paged by keyset (`shared.reference.paging`).

A clerk reads their own office only (another is 403 `forbidden_place`); registrars and admins read any office.
The stage of a divorce is read from the dates its application event fixed, never recomputed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg

from services.marriage.contract.queries import AppointmentsQuery, DivorcesQuery
from services.marriage.contract.refusals import FORBIDDEN_PLACE
from shared.actor import Actor
from shared.errors import Refusal
from shared.listing import json_row, keyset_page
from shared.reference.disclosure import disclosing


def office_in_scope(actor: Actor, office: str | None) -> str | None:
    """The office the list covers: a clerk's own (default) or, for the city's staff, the one asked (or all)."""
    if actor.role == "marriage_clerk":
        if office not in (None, actor.office):
            raise Refusal(FORBIDDEN_PLACE, f"{actor.office or 'this principal'} may not read {office}", 403)
        return actor.office
    return office


def appointments(conn: psycopg.Connection, actor: Actor, q: AppointmentsQuery, today: dt.date) -> dict[str, Any]:
    items, cursor = keyset_page(
        conn, "SELECT appointment_id, office, date, kind, status, id_numbers, version FROM appointments",
        ["date = %(date)s"], {"date": q.date or today}, equal={"office": office_in_scope(actor, q.office)},
        order=("office", "appointment_id"), after=q.after_key(str, str), limit=q.limit)
    return {"items": [json_row(row) for row in items], "next_cursor": cursor}


_STAGE = """CASE WHEN status = 'deemed_withdrawn' OR (status = 'pending' AND register_until < %(today)s) THEN 'lapsed'
                 WHEN status = 'pending' AND register_from > %(today)s THEN 'cooling_off'
                 WHEN status = 'pending' THEN 'registrable' ELSE 'closed' END"""


def divorces(conn: psycopg.Connection, actor: Actor, q: DivorcesQuery, today: dt.date) -> dict[str, Any]:
    where, params = (["status = 'pending'"], {"today": today}) if q.state is None else \
        ([f"({_STAGE}) = %(state)s"], {"today": today, "state": q.state})
    items, cursor = keyset_page(
        conn, f"SELECT divorce_id, registration_id, office, applied_on, register_from, register_until, status,"
        f" {_STAGE} AS stage, version FROM divorces", where, params,
        equal={"office": office_in_scope(actor, q.office)}, order=("applied_on", "divorce_id"),
        after=q.after_key(dt.date.fromisoformat, str), limit=q.limit)
    # A divorce names no person, but who is divorcing is what the page discloses (as a divorce's read reports
    # it): each listed divorce's parties go into the access log (issue 14).
    parties = conn.execute("SELECT husband, wife FROM marriages WHERE registration_id = ANY(%s)",
                           ([row["registration_id"] for row in items],)).fetchall()
    return disclosing({"items": [json_row(row) for row in items], "next_cursor": cursor},
                      [person for pair in parties for person in pair])
