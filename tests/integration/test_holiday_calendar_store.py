"""Rule 0.3 on the real PostgreSQL: an administrator loads a year's holiday calendar (`civreg calendar load`),
it is kept in the reference schema that every service reads, a change is announced by NOTIFY, and a file
that does not validate or would silently change a loaded year writes nothing."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from psycopg import sql

from services.cli import main as civreg
from shared.calendar_store import (
    CalendarYearExists,
    current_calendar,
    load_calendar_file,
    loaded_years,
    reference_schema,
)
from shared.db import schema_name
from shared.reference.calendar import InvalidCalendar
from tests.support.infrastructure import ADMIN_URL, create_namespace, destroy_namespace

pytestmark = pytest.mark.integration

YEAR_2031 = """
2031:
  rest_days: [[2030-12-30, 2031-01-01], [2031-01-22, 2031-01-28]]
  working_weekends: [2031-01-18]
"""


@pytest.fixture(scope="module")
def ns():
    created = create_namespace(("funeral",))
    yield created.name
    destroy_namespace(created)


def admin() -> psycopg.Connection:
    return psycopg.connect(ADMIN_URL, autocommit=True)


def test_a_loaded_year_is_read_back_and_joins_the_shipped_years(ns, tmp_path):
    path = tmp_path / "2031.yaml"
    path.write_text(YEAR_2031, encoding="utf-8")

    assert load_calendar_file(ADMIN_URL, ns, path, loaded_by="registrar") == [2031]

    with admin() as conn:
        [year] = [y for y in loaded_years(conn, ns) if y.year == 2031]
        calendar = current_calendar(conn, ns)
        source, by = conn.execute(sql.SQL("SELECT source, loaded_by FROM {}.holiday_calendar_years WHERE year = 2031")
                                  .format(sql.Identifier(reference_schema(ns)))).fetchone()
    assert (source, by) == ("2031.yaml", "registrar")
    assert len(year.rest_days) == 10 and year.working_weekends == {dt.date(2031, 1, 18)}
    assert {2025, 2026, 2031} <= calendar.years
    assert calendar.is_rest_day(dt.date(2030, 12, 31)) and calendar.is_working_day(dt.date(2031, 1, 18))
    # The same file again changes nothing.
    assert load_calendar_file(ADMIN_URL, ns, path, loaded_by="registrar") == []


def test_changing_a_loaded_year_needs_replace(ns, tmp_path):
    first, changed = tmp_path / "first.yaml", tmp_path / "changed.yaml"
    first.write_text("2032:\n  rest_days: [2032-01-01]\n", encoding="utf-8")
    changed.write_text("2032:\n  rest_days: [2032-01-01, 2032-01-02]\n", encoding="utf-8")
    load_calendar_file(ADMIN_URL, ns, first, loaded_by="registrar")

    with pytest.raises(CalendarYearExists, match="2032"):
        load_calendar_file(ADMIN_URL, ns, changed, loaded_by="registrar")
    with admin() as conn:
        assert [y.rest_days for y in loaded_years(conn, ns) if y.year == 2032] == [{dt.date(2032, 1, 1)}]

    assert load_calendar_file(ADMIN_URL, ns, changed, loaded_by="registrar", replace=True) == [2032]
    with admin() as conn:
        assert current_calendar(conn, ns).is_rest_day(dt.date(2032, 1, 2))


def test_a_file_with_one_bad_year_writes_no_year(ns, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"2033": {"rest_days": ["2033-01-01"]}, "2034": {"rest_days": ["2035-01-01"]}}', "utf-8")
    with pytest.raises(InvalidCalendar, match="2034"):
        load_calendar_file(ADMIN_URL, ns, path, loaded_by="registrar")
    with admin() as conn:
        assert not {2033, 2034} & {y.year for y in loaded_years(conn, ns)}


def test_the_cli_loads_shows_and_refuses_with_a_nonzero_exit(ns, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_ADMIN_URL", ADMIN_URL)
    monkeypatch.setenv("CIVREG_NAMESPACE", ns)
    good, bad = tmp_path / "2036.yaml", tmp_path / "bad.yaml"
    good.write_text("2036:\n  rest_days: [2036-01-01]\n", encoding="utf-8")
    bad.write_text("2036:\n  rest_days: [2036-02-30]\n", encoding="utf-8")

    assert civreg(["calendar", "load", str(good)]) == 0
    assert civreg(["calendar", "load", str(bad)]) == 1
    assert "not a date" in capsys.readouterr().err
    assert civreg(["calendar", "show"]) == 0
    shown = capsys.readouterr().out
    assert "2025  shipped" in shown and "2036  loaded" in shown and "from 2036.yaml" in shown


def test_a_load_is_announced_on_the_reference_schemas_channel(ns, tmp_path):
    path = tmp_path / "2037.yaml"
    path.write_text("2037:\n  rest_days: [2037-01-01]\n", encoding="utf-8")
    with admin() as listener:
        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(reference_schema(ns))))
        load_calendar_file(ADMIN_URL, ns, path, loaded_by="registrar")
        notices = list(listener.notifies(timeout=10, stop_after=1))
    assert [n.payload for n in notices] == ["holiday_calendar_years"]


def test_services_may_read_the_loaded_years_but_not_change_them(ns):
    service_role = schema_name(ns, "funeral")
    with psycopg.connect(ADMIN_URL, user=service_role, autocommit=True) as conn:
        assert current_calendar(conn, ns).years >= {2025, 2026}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql.SQL("DELETE FROM {}.holiday_calendar_years").format(
                sql.Identifier(reference_schema(ns))))
