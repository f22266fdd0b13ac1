"""Queries answered from the read models: a person's death, cemetery occupancy, expiring plot terms (F-3)
and the yearly statistics (deaths, cremation rate, eco-burial share, assistance totals)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import psycopg


def person_death(conn: psycopg.Connection, subject_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT d.death_id, d.died_on, d.subject_id, d.temporary_id, d.id_number FROM person_deaths p"
        " JOIN deaths d USING (death_id) WHERE p.subject_id = %s",
        (subject_id,),
    ).fetchone()
    if row is None:
        return None
    death_id, died_on, subject, temporary_id, id_number = row
    return {"death_id": death_id, "died_on": died_on.isoformat(), "subject_id": subject,
            "temporary_id": temporary_id, "identified": id_number is not None}


def declared_death(conn: psycopg.Connection, subject_id: str) -> dict[str, Any] | None:
    """D-8: the person's standing death declaration, if any."""
    row = conn.execute("SELECT declaration_id, died_on FROM declarations WHERE subject_id = %s AND kind = 'death'"
                       " AND ends_on IS NULL", (subject_id,)).fetchone()
    return {"declaration_id": row[0], "died_on": row[1].isoformat()} if row else None


def declaration_end(conn: psycopg.Connection, declaration_id: str) -> tuple[Any, Any] | None:
    row = conn.execute("SELECT ends_on, ended_by FROM declarations WHERE declaration_id = %s",
                       (declaration_id,)).fetchone()
    return (row[0], row[1]) if row else None


def cemetery(conn: psycopg.Connection, code: str) -> dict[str, Any] | None:
    """F-3: a cemetery with its occupancy, in total and by burial type."""
    row = conn.execute("SELECT code, name, kind, division FROM cemeteries WHERE code = %s", (code,)).fetchone()
    if row is None:
        return None
    by_type = conn.execute(
        "SELECT burial_type, count(*), sum(capacity), sum(occupants), sum(reserved),"
        " count(*) FILTER (WHERE occupants + reserved = 0) FROM plots WHERE cemetery = %s"
        " GROUP BY burial_type ORDER BY burial_type",
        (code,),
    ).fetchall()
    types = {t: {"plots": n, "places": int(c), "occupied": int(o), "reserved": int(r), "free": int(c - o - r),
                 "unused_plots": u} for t, n, c, o, r, u in by_type}
    total = {key: sum(entry[key] for entry in types.values())
             for key in ("plots", "places", "occupied", "reserved", "free", "unused_plots")}
    occupancy = round(total["occupied"] / total["places"], 4) if total["places"] else 0.0
    return {"code": row[0], "name": row[1], "kind": row[2], "division": row[3], **total,
            "occupancy_rate": occupancy, "by_burial_type": types}


def plot(conn: psycopg.Connection, plot_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT plot_id, cemetery, number, kind, burial_type, area_m2, capacity, occupants, reserved, term_from,"
        " term_until, version FROM plots WHERE plot_id = %s",
        (plot_id,),
    ).fetchone()
    if row is None:
        return None
    keys = ("plot_id", "cemetery", "number", "kind", "burial_type", "area_m2", "capacity", "occupants",
            "reserved", "term_from", "term_until", "version")
    return {key: _plain(value) for key, value in zip(keys, row, strict=True)}


def expiring_terms(conn: psycopg.Connection, as_of: dt.date, horizon_days: int,
                   cemetery_code: str | None) -> list[dict[str, Any]]:
    """F-3: plots whose term ends within the horizon after `as_of`, and those already ended, soonest first."""
    rows = conn.execute(
        "SELECT plot_id, cemetery, number, burial_type, term_until FROM plots"
        " WHERE term_until IS NOT NULL AND term_until <= %s AND (%s::text IS NULL OR cemetery = %s)"
        " ORDER BY term_until, plot_id LIMIT 1000",
        (as_of + dt.timedelta(days=horizon_days), cemetery_code, cemetery_code),
    ).fetchall()
    return [{"plot_id": p, "cemetery": c, "number": n, "burial_type": t, "term_until": until.isoformat(),
             "days_left": (until - as_of).days, "overdue": until < as_of} for p, c, n, t, until in rows]


def statistics(conn: psycopg.Connection, year: int) -> dict[str, Any]:
    """The plan's indicators for one year, by business date: deaths by date of death, cremations by date of
    cremation, burials by date of interment, waivers by date granted."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    deaths, unidentified, relief = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE id_number IS NULL), count(*) FILTER (WHERE source = 'relief_station')"
        " FROM deaths WHERE died_on BETWEEN %s AND %s AND withdrawn_on IS NULL",  # D-11: registered in error
        (first, last)).fetchone()
    cremations = conn.execute("SELECT count(*) FROM cremations WHERE cremated_on BETWEEN %s AND %s",
                              (first, last)).fetchone()[0]
    burials, eco = conn.execute("SELECT count(*), count(*) FILTER (WHERE eco) FROM burials"
                                " WHERE interred_on BETWEEN %s AND %s", (first, last)).fetchone()
    by_type = dict(conn.execute("SELECT burial_type, count(*) FROM burials WHERE interred_on BETWEEN %s AND %s"
                                " GROUP BY burial_type ORDER BY burial_type", (first, last)).fetchall())
    categories = conn.execute(
        "SELECT category, count(*), sum(amount) FROM assistance WHERE granted_on BETWEEN %s AND %s"
        " GROUP BY category ORDER BY category", (first, last)).fetchall()
    total = sum((amount for _, _, amount in categories), Decimal(0))
    return {
        "year": year,
        "deaths": deaths, "unidentified_deaths": unidentified, "relief_station_deaths": relief,
        "cremations": cremations, "cremation_rate": _share(cremations, deaths),
        "burials": burials, "eco_burials": eco, "eco_burial_share": _share(eco, burials),
        "burials_by_type": by_type,
        "assistance": {
            "waivers": sum(count for _, count, _ in categories), "total_amount": f"{total:.2f}",
            "by_category": {c: {"waivers": n, "amount": f"{a:.2f}"} for c, n, a in categories},
        },
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
