"""The inline read models (migrations/0001_read_models.sql): written in the command's transaction (`tx`),
read by commands (one open case per person, watch-list candidates, registered stations) and queries.

Rows are written from the folded state, never by increments, so writing the same state twice changes
nothing (a retried command may project again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from services.vagrant_aid.domain.deadlines import dna_due_on, notice_due_at, stay_last_day
from services.vagrant_aid.domain.declarations import Declared
from services.vagrant_aid.domain.events import AID_REFUSED, STATION_REGISTERED, WATCH_LIST_ENTRY_ADDED
from services.vagrant_aid.domain.persons import name_key
from services.vagrant_aid.domain.state import Case
from services.vagrant_aid.domain.stations import Station
from services.vagrant_aid.domain.watchlist import WatchEntry, entry_from
from shared.db import Database
from shared.envelope import Event

ONE_OPEN_CASE = "cases_one_open_case_per_person"  # the unique index behind already_open_case

_CASE_COLUMNS = (
    "case_id, station, station_division, person_id, temporary_id, id_number, name, name_key, sex, birth_date,"
    " estimated_age, minor, identified, settled, flags, arrived_at, arrived_on, stay_last_day, notice_due_at,"
    " notice_at, dna_due_on, dna_requested_on, status, exit_kind, exited_on, returned_home, version"
)
_SUMMARY = (
    "case_id::text AS case_id, station, person_id AS subject_id, temporary_id, name, sex, minor, identified,"
    " settled, flags, arrived_at, arrived_on, stay_last_day, status, exit_kind, exited_on, version,"
    " id_number IS NULL AS unidentified, notice_due_at, notice_at, dna_due_on, dna_requested_on"
)


def case_row(case: Case) -> dict[str, Any]:
    """The `cases` row of a case; deadlines computed from its dates (V-5, V-6)."""
    unidentified = case.unidentified
    return {
        "case_id": case.case_id, "station": case.station, "station_division": case.station_division,
        "person_id": case.subject_id, "temporary_id": case.temporary_id, "id_number": case.id_number,
        "name": case.name, "name_key": name_key(case.name), "sex": case.sex, "birth_date": case.birth_date,
        "estimated_age": case.estimated_age, "minor": case.minor, "identified": case.identified,
        "settled": case.settled_on is not None, "flags": sorted(case.flags), "arrived_at": case.arrived_at,
        "arrived_on": case.arrived_on, "stay_last_day": stay_last_day(case),
        "notice_due_at": notice_due_at(case.arrived_at) if unidentified else None, "notice_at": case.notice_at,
        "dna_due_on": dna_due_on(case.arrived_on) if unidentified else None,
        "dna_requested_on": case.dna_requested_on, "status": "open" if case.is_open else "closed",
        "exit_kind": case.exit["kind"] if case.exit else None,
        "exited_on": case.exit["exited_on"] if case.exit else None,
        "returned_home": case.exit.get("returned_home") if case.exit else None, "version": case.version,
    }


class ReadModels:
    """The read models' questions. Bound to a command's transaction `tx` (the unit of work's `models`), every
    question is asked on that connection: a worker holding a transaction must never take a second pooled
    connection, or enough concurrent commands each hold one and wait for another that no one returns
    (docs/operations.md, "Pool sizing"). Unbound (queries), each question takes a pooled connection."""

    def __init__(self, db: Database, tx: psycopg.Connection | None = None) -> None:
        self.db, self.tx = db, tx

    def _connection(self) -> AbstractContextManager[psycopg.Connection]:
        return self.db.connection(self.tx)

    # -- stations (V-1) -------------------------------------------------------------------------------
    def registered_station(self, code: str) -> Station | None:
        with self._connection() as conn:
            row = conn.execute("SELECT code, tier, division, name, parent FROM stations WHERE code = %s",
                               (code,)).fetchone()
        return Station(*row) if row else None

    def registered_stations(self) -> list[Station]:
        with self._connection() as conn:
            rows = conn.execute("SELECT code, tier, division, name, parent FROM stations ORDER BY code").fetchall()
        return [Station(*row) for row in rows]

    # -- cases ----------------------------------------------------------------------------------------
    def next_temporary_number(self) -> int:
        """A new number for a temporary subject id (a sequence: it locks nothing and is not rolled back)."""
        with self._connection() as conn:
            return conn.execute("SELECT nextval('temporary_subject_numbers')").fetchone()[0]

    def open_case(self, station: str, person_id: str) -> str | None:
        with self._connection() as conn:
            row = conn.execute("SELECT case_id::text FROM cases WHERE station = %s AND person_id = %s"
                               " AND status = 'open'", (station, person_id)).fetchone()
        return row[0] if row else None

    def open_cases_elsewhere(self, person_id: str, station: str) -> list[dict[str, Any]]:
        with self._connection() as conn:
            rows = conn.cursor(row_factory=dict_row).execute(
                "SELECT case_id::text AS case_id, station FROM cases WHERE person_id = %s AND station <> %s"
                " AND status = 'open' ORDER BY arrived_at", (person_id, station)).fetchall()
        return rows

    def open_cases_of(self, person_id: str, tx: psycopg.Connection) -> list[str]:
        """D-9: the person's open cases at every station."""
        rows = tx.execute("SELECT case_id::text FROM cases WHERE person_id = %s AND status = 'open'"
                          " ORDER BY arrived_at", (person_id,)).fetchall()
        return [row[0] for row in rows]

    # -- court declarations (D-9) ------------------------------------------------------------------------
    def note_declaration(self, person_id: str, declared: Declared, tx: psycopg.Connection) -> None:
        tx.execute("INSERT INTO declared_persons (declaration_id, person_id, kind, court, judgment_ref)"
                   " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (declaration_id) DO NOTHING",
                   (declared.declaration_id, person_id, declared.kind, declared.court, declared.judgment_ref))

    def end_declaration(self, declaration_id: str, ended_on: dt.date, tx: psycopg.Connection) -> None:
        """Revoked, or superseded by a death declaration: no longer standing."""
        tx.execute("UPDATE declared_persons SET ended_on = %s WHERE declaration_id = %s AND ended_on IS NULL",
                   (ended_on, declaration_id))

    def standing_declarations(self, person_id: str) -> list[Declared]:
        with self._connection() as conn:
            rows = conn.execute("SELECT declaration_id, kind, court, judgment_ref FROM declared_persons"
                                " WHERE person_id = %s AND ended_on IS NULL ORDER BY declaration_id",
                                (person_id,)).fetchall()
        return [Declared(*row) for row in rows]

    def case_station(self, case_id: str) -> str | None:
        with self._connection() as conn:
            row = conn.execute("SELECT station FROM cases WHERE case_id = %s", (case_id,)).fetchone()
        return row[0] if row else None

    def save_case(self, case: Case, tx: psycopg.Connection) -> None:
        """Insert or update the case's row; a second open case of a person at a station raises
        `psycopg.errors.UniqueViolation` on ONE_OPEN_CASE."""
        row = case_row(case)
        columns = _CASE_COLUMNS.split(", ")
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "case_id")
        tx.execute(
            f"INSERT INTO cases ({_CASE_COLUMNS}, updated_at) VALUES ({', '.join(f'%({c})s' for c in columns)},"
            f" now()) ON CONFLICT (case_id) DO UPDATE SET {updates}, updated_at = now()"
            " WHERE cases.version <= excluded.version",
            row,
        )

    def list_cases(self, *, stations: Sequence[str] | None, status: str | None, stranded: bool | None,
                   overdue: str | None, person: str | None, today: dt.date, now: dt.datetime,
                   limit: int, offset: int, after: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        where, params = ["true"], {"today": today, "now": now, "limit": limit, "offset": offset}
        if after is not None:  # keyset paging: strictly after the cursor's (arrived_at, case_id), newest first
            where.append("(arrived_at, case_id::text) < (%(after_at)s, %(after_id)s)")
            params.update(after_at=after[0], after_id=after[1])
        if stations is not None:
            where.append("station = ANY(%(stations)s)")
            params["stations"] = list(stations)
        if status is not None:
            where.append("status = %(status)s")
            params["status"] = status
        if stranded is not None:  # V-5: open past the last day of the stay
            where.append(("" if stranded else "NOT ") + "(status = 'open' AND stay_last_day < %(today)s)")
        if overdue == "notice":  # V-6: no family-search notice 24 hours after arrival
            where.append("status = 'open' AND id_number IS NULL AND notice_at IS NULL AND notice_due_at < %(now)s")
        elif overdue == "dna":  # V-6: no DNA request after 7 working days
            where.append("status = 'open' AND id_number IS NULL AND dna_requested_on IS NULL"
                         " AND dna_due_on < %(today)s")
        if person is not None:
            where.append("(person_id = %(person)s OR temporary_id = %(person)s)")
            params["person"] = person
        with self._connection() as conn:
            rows = conn.cursor(row_factory=dict_row).execute(
                f"SELECT {_SUMMARY}, (status = 'open' AND stay_last_day < %(today)s) AS stranded FROM cases"
                f" WHERE {' AND '.join(where)} ORDER BY arrived_at DESC, case_id DESC"
                " LIMIT %(limit)s OFFSET %(offset)s",
                params,
            ).fetchall()
        return rows

    # -- watch list (V-10) ----------------------------------------------------------------------------
    def watch_candidates(self, id_number: str | None, name: str | None, sex: str) -> list[WatchEntry]:
        """Entries that may match: same ID number, or same name and sex (the age is the domain's call)."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT entry FROM watchlist WHERE id_number = %s OR (name_key = %s AND sex = %s)"
                " ORDER BY registered_on, entry_id",
                (id_number, name_key(name), sex),
            ).fetchall()
        return [entry_from(row[0]) for row in rows]

    def watch_entries(self, limit: int, offset: int) -> list[dict[str, Any]]:
        with self._connection() as conn:
            rows = conn.execute("SELECT entry FROM watchlist ORDER BY registered_on DESC, entry_id"
                                " LIMIT %s OFFSET %s", (limit, offset)).fetchall()
        return [row[0] for row in rows]

    # -- statistics (V-9) -----------------------------------------------------------------------------
    def statistics(self, stations: Sequence[str] | None, first: dt.date, last: dt.date,
                   as_of: dt.date) -> tuple[list[dict[str, Any]], list[tuple[str, str, int]], list[tuple[str, int]]]:
        """Per station: case counts, exits by kind and refusals in [first, last]; stranded as of `as_of`."""
        scope = "true" if stations is None else "station = ANY(%(stations)s)"
        params = {"first": first, "last": last, "as_of": as_of, "stations": list(stations or ())}
        exited = "status = 'closed' AND exited_on BETWEEN %(first)s AND %(last)s"
        with self._connection() as conn:
            counts = conn.cursor(row_factory=dict_row).execute(
                f"""SELECT station,
                    count(*) FILTER (WHERE arrived_on BETWEEN %(first)s AND %(last)s) AS intakes,
                    count(*) FILTER (WHERE arrived_on BETWEEN %(first)s AND %(last)s AND minor) AS minors,
                    count(*) FILTER (WHERE arrived_on BETWEEN %(first)s AND %(last)s
                                       AND temporary_id IS NOT NULL) AS unidentified_intakes,
                    count(*) FILTER (WHERE {exited}) AS exits,
                    count(*) FILTER (WHERE {exited} AND identified) AS identified_exits,
                    count(*) FILTER (WHERE {exited} AND identified AND returned_home) AS identified_returned,
                    count(*) FILTER (WHERE arrived_on <= %(as_of)s AND (exited_on IS NULL OR exited_on > %(as_of)s)
                                       AND stay_last_day < %(as_of)s) AS stranded
                    FROM cases WHERE {scope} GROUP BY station""",
                params,
            ).fetchall()
            exits = conn.execute(f"SELECT station, exit_kind, count(*) FROM cases WHERE {scope} AND {exited}"
                                 " GROUP BY station, exit_kind", params).fetchall()
            refusals = conn.execute(f"SELECT station, count(*) FROM refusals WHERE {scope}"
                                    " AND refused_on BETWEEN %(first)s AND %(last)s GROUP BY station",
                                    params).fetchall()
        return counts, exits, refusals

    def indicator_figures(self, first: dt.date, last: dt.date, as_of: dt.date,
                          settled_after: dt.date) -> dict[str, Any]:
        """The plan's indicators (V-5, V-6, V-9) over every station: identified exits in [first, last] by kind,
        those returned home, and the open cases on `as_of` past their stay (stranded) or unidentified since
        before `settled_after` (long stays)."""
        params = {"first": first, "last": last, "as_of": as_of, "settled": settled_after}
        with self._connection() as conn:
            by_kind = dict(conn.execute(
                "SELECT exit_kind, count(*) FROM cases WHERE status = 'closed' AND identified"
                " AND exited_on BETWEEN %(first)s AND %(last)s GROUP BY exit_kind", params).fetchall())
            returned, stranded, long_stays, either = conn.execute(
                """SELECT count(*) FILTER (WHERE status = 'closed' AND identified AND returned_home
                                           AND exited_on BETWEEN %(first)s AND %(last)s),
                          count(*) FILTER (WHERE open AND stay_last_day < %(as_of)s),
                          count(*) FILTER (WHERE open AND NOT identified AND arrived_on < %(settled)s),
                          count(*) FILTER (WHERE open AND (stay_last_day < %(as_of)s
                                                           OR (NOT identified AND arrived_on < %(settled)s)))
                   FROM (SELECT *, arrived_on <= %(as_of)s AND (exited_on IS NULL OR exited_on > %(as_of)s) AS open
                         FROM cases) c""", params).fetchone()
        return {"identified_exits_by_kind": by_kind, "identified_returned": returned, "stranded": stranded,
                "unidentified_long_stays": long_stays, "stranded_or_long_stays": either}


# -- what a command keeps in step, in its transaction -----------------------------------------------------
def add_station(payload: dict[str, Any], tx: psycopg.Connection) -> None:
    tx.execute("INSERT INTO stations (code, tier, division, name, parent, registered_on)"
               " VALUES (%(code)s, %(tier)s, %(division)s, %(name)s, %(parent)s, %(registered_on)s)"
               " ON CONFLICT (code) DO NOTHING", payload)


def add_refusal(payload: dict[str, Any], tx: psycopg.Connection) -> None:
    tx.execute("INSERT INTO refusals (refusal_id, station, refused_on, reason)"
               " VALUES (%(refusal_id)s, %(station)s, %(refused_on)s, %(reason)s)"
               " ON CONFLICT (refusal_id) DO NOTHING", payload)


def add_watch_entry(payload: dict[str, Any], tx: psycopg.Connection) -> None:
    tx.execute("INSERT INTO watchlist (entry_id, id_number, name_key, sex, entry, registered_on)"
               " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (entry_id) DO NOTHING",
               (payload["entry_id"], payload.get("id_number"), name_key(payload["name"]), payload["sex"],
                Jsonb(payload), payload["registered_on"]))


class Inline:
    """The inline read models as the unit of work sees them (`apply(event)` in the command's transaction):
    stations, refusals and watch entries from their events; a case's row is saved from its folded state
    (`save_case`), which the unit of work does once per append."""

    def __init__(self, tx: psycopg.Connection) -> None:
        self.tx = tx

    def apply(self, event: Event) -> None:
        if event.type == STATION_REGISTERED:
            add_station(event.payload, self.tx)
        elif event.type == AID_REFUSED:
            add_refusal(event.payload, self.tx)
        elif event.type == WATCH_LIST_ENTRY_ADDED:
            add_watch_entry(event.payload, self.tx)
