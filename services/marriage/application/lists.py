"""The workbench's lists of an office (api.md release 2): the day's appointments (M-13) and divorce
applications by stage (M-8), from the read models, paged by keyset (`shared.reference.paging`).

A clerk reads their own office only (another is 403 `forbidden_place`); registrars and admins read any office.
The stage of a divorce is read from the dates its application event fixed, never recomputed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from psycopg.rows import dict_row

from services.marriage.contract.queries import AppointmentsQuery, DivorcesQuery
from services.marriage.contract.refusals import FORBIDDEN_PLACE
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference.disclosure import disclosing
from shared.reference.paging import page


def office_in_scope(actor: Actor, office: str | None) -> str | None:
    """The office the list covers: a clerk's own (default) or, for the city's staff, the one asked (or all)."""
    if actor.role == "marriage_clerk":
        if office not in (None, actor.office):
            raise Refusal(FORBIDDEN_PLACE, f"{actor.office or 'this principal'} may not read {office}", 403)
        return actor.office
    return office


def appointments(conn: psycopg.Connection, actor: Actor, q: AppointmentsQuery, today: dt.date) -> dict[str, Any]:
    office = office_in_scope(actor, q.office)
    where, params = ["date = %(date)s"], {"date": q.date or today, "limit": q.limit + 1}
    if office is not None:
        where.append("office = %(office)s")
        params["office"] = office
    if (after := q.after_key(str, str)) is not None:
        where.append("(office, appointment_id) > (%(after_office)s, %(after_id)s)")
        params.update(after_office=after[0], after_id=after[1])
    rows = conn.cursor(row_factory=dict_row).execute(
        "SELECT appointment_id, office, date, kind, status, id_numbers, version FROM appointments"
        f" WHERE {' AND '.join(where)} ORDER BY office, appointment_id LIMIT %(limit)s", params).fetchall()
    items, cursor = page(rows, q.limit, lambda row: (row["office"], row["appointment_id"]))
    return {"items": [_json(row) for row in items], "next_cursor": cursor}


_STAGE = """CASE WHEN status = 'deemed_withdrawn' OR (status = 'pending' AND register_until < %(today)s) THEN 'lapsed'
                 WHEN status = 'pending' AND register_from > %(today)s THEN 'cooling_off'
                 WHEN status = 'pending' THEN 'registrable' ELSE 'closed' END"""


def divorces(conn: psycopg.Connection, actor: Actor, q: DivorcesQuery, today: dt.date) -> dict[str, Any]:
    office = office_in_scope(actor, q.office)
    where, params = ["true"], {"today": today, "limit": q.limit + 1}
    if office is not None:
        where.append("office = %(office)s")
        params["office"] = office
    if q.state is None:
        where.append("status = 'pending'")
    else:
        where.append(f"({_STAGE}) = %(state)s")
        params["state"] = q.state
    if (after := q.after_key(dt.date.fromisoformat, str)) is not None:
        where.append("(applied_on, divorce_id) > (%(after_on)s, %(after_id)s)")
        params.update(after_on=after[0], after_id=after[1])
    rows = conn.cursor(row_factory=dict_row).execute(
        f"SELECT divorce_id, registration_id, office, applied_on, register_from, register_until, status,"
        f" {_STAGE} AS stage, version FROM divorces WHERE {' AND '.join(where)}"
        " ORDER BY applied_on, divorce_id LIMIT %(limit)s", params).fetchall()
    items, cursor = page(rows, q.limit, lambda row: (row["applied_on"], row["divorce_id"]))
    # A divorce names no person, but who is divorcing is what the page discloses (as a divorce's read reports
    # it): each listed divorce's parties go into the access log (issue 14).
    parties = conn.execute("SELECT husband, wife FROM marriages WHERE registration_id = ANY(%s)",
                           ([row["registration_id"] for row in items],)).fetchall()
    return disclosing({"items": [_json(row) for row in items], "next_cursor": cursor},
                      [person for pair in parties for person in pair])


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in row.items()}
