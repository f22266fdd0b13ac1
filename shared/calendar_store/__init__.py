"""Where the holiday calendar's loaded years live (rule 0.3): the `<namespace>_reference` schema in PostgreSQL.

`civreg calendar load FILE` validates a year's calendar (shared/reference/calendar.py, `parse_calendar`) and
writes it to `holiday_calendar_years`; a trigger NOTIFYs the schema's channel, and every domain service,
which reads the table at start (shared/nameko_ext/calendar.py), reads it again and installs the shipped
years plus the loaded ones as its process's calendar. One table read by all services, written only by an
administrator's command: no service owns it, so it is not in any service's event store.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from shared.db import schema_name
from shared.migrations import migrate_service, migrations_of
from shared.reference.calendar import (
    CalendarYear,
    HolidayCalendar,
    InvalidCalendar,
    parse_calendar,
    parse_calendar_text,
    shipped_calendar,
)

REFERENCE = "reference"  # the schema's suffix, beside the services' (`civreg_reference`)
_DIRECTORY = Path(__file__).parent


class CalendarYearExists(RuntimeError):
    """A loaded year would change without `replace`: deadlines already computed from it would move."""


def reference_schema(namespace: str) -> str:
    return schema_name(namespace, REFERENCE)


def migrate_reference(admin_url: str, namespace: str) -> list[str]:
    """Create or update the reference schema (part of `civreg migrate`)."""
    return migrate_service(admin_url, namespace, REFERENCE, migrations_of(REFERENCE, _DIRECTORY, event_store=False))


def loaded_years(conn: psycopg.Connection, namespace: str) -> list[CalendarYear]:
    """The years an administrator has loaded, validated again on the way in (the table is data, not code)."""
    rows = conn.execute(
        sql.SQL("SELECT year, data FROM {}.holiday_calendar_years ORDER BY year").format(
            sql.Identifier(reference_schema(namespace)))
    ).fetchall()
    return parse_calendar({year: data for year, data in rows})


def current_calendar(conn: psycopg.Connection, namespace: str) -> HolidayCalendar:
    """The shipped calendar with the loaded years added (a loaded year replaces a shipped one)."""
    return shipped_calendar().with_years(loaded_years(conn, namespace))


def store_years(
    conn: psycopg.Connection, namespace: str, years: Iterable[CalendarYear], *, source: str, loaded_by: str,
    replace: bool = False,
) -> list[int]:
    """Write validated years in one transaction; returns the years written (an identical year is skipped).

    A year already loaded with other data is refused unless `replace`: a State Council notice is rarely
    amended, and replacing a year moves every statutory deadline computed from it from then on."""
    table = sql.SQL("{}.holiday_calendar_years").format(sql.Identifier(reference_schema(namespace)))
    written: list[int] = []
    with conn.transaction():
        for entry in years:
            row = conn.execute(sql.SQL("SELECT data FROM {} WHERE year = %s FOR UPDATE").format(table),
                               (entry.year,)).fetchone()
            if row is not None and row[0] == entry.as_data():
                continue
            if row is not None and not replace:
                raise CalendarYearExists(
                    f"{entry.year} is already loaded with other days; load it again with --replace to change it")
            conn.execute(
                sql.SQL(
                    "INSERT INTO {} (year, data, source, loaded_by) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (year) DO UPDATE SET data = excluded.data, source = excluded.source,"
                    " loaded_by = excluded.loaded_by, loaded_at = now()"
                ).format(table),
                (entry.year, Jsonb(entry.as_data()), source, loaded_by),
            )
            written.append(entry.year)
    return written


def load_calendar_file(
    admin_url: str, namespace: str, path: Path, *, loaded_by: str, replace: bool = False
) -> list[int]:
    """`civreg calendar load FILE`: validate the whole file, then store its years; raises InvalidCalendar
    (nothing written) or CalendarYearExists."""
    years = parse_calendar_text(path.read_text(encoding="utf-8"))
    if not years:
        raise InvalidCalendar(f"{path}: no year in the file")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        return store_years(conn, namespace, years, source=path.name, loaded_by=loaded_by, replace=replace)


def calendar_summary(admin_url: str, namespace: str) -> list[tuple[int, str]]:
    """Each year the services use, and where it comes from ("shipped" or "loaded <when> by <whom>")."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        loaded = {year: f"loaded {at:%Y-%m-%d %H:%M} by {by} from {source}" for year, at, by, source in conn.execute(
            sql.SQL("SELECT year, loaded_at, loaded_by, source FROM {}.holiday_calendar_years").format(
                sql.Identifier(reference_schema(namespace))))}
    return sorted(({year: "shipped" for year in shipped_calendar().years} | loaded).items())
