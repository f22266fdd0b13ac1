"""Rule 0.3 from outside: a statutory period that reaches a year the holiday calendar lacks is refused over
HTTP as problem+json 422 `calendar_year_missing` naming the year (not a 500, nothing written), and an
administrator's `civreg calendar load` of that year lifts the refusal in the running services at once.

The path: an unidentified body may be disposed of 30 days after its claim notice (F-6), a period whose last
day, counted from today, is in the year the test takes out of the calendar."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from psycopg import sql

from services.cli import main as civreg
from services.funeral.service import FuneralService
from shared.calendar_store import reference_schema
from shared.reference.calendar import shipped_calendar
from tests.e2e.funeral.calls import POLICE_CASE, STAFF, death_body
from tests.support.infrastructure import ADMIN_URL
from tests.support.problems import assert_problem, events_in
from tests.support.stack import module_stack
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

world, api = module_stack([FuneralService])

DEATHS = "/v1/funeral/deaths"
CLAIM_WAIT_DAYS = 30  # funeral.unidentified_claim_wait_days


def test_a_period_into_a_year_missing_from_the_calendar_is_a_422_until_the_year_is_loaded(
    api, world, today, tmp_path, monkeypatch
):
    missing = (today + dt.timedelta(days=CLAIM_WAIT_DAYS)).year
    if missing in shipped_calendar().years:
        pytest.skip(f"{missing} is shipped: no year within a claim wait of today is missing")
    namespace = world[0].name
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:  # the test stack's weekends-only stand-ins
        conn.execute(sql.SQL("DELETE FROM {}.holiday_calendar_years WHERE year >= %s").format(
            sql.Identifier(reference_schema(namespace))), (missing,))

    registered = api.post(DEATHS, json=death_body(today, unidentified={"police_case": POLICE_CASE}), **STAFF)
    death_id = registered.json()["death_id"]
    assert api.post(f"{DEATHS}/{death_id}/claim-notice", json={"medium": "渭南日报"}, **STAFF).status_code == 200
    assert api.post(f"{DEATHS}/{death_id}/disposal-approval",
                    json={"police_case": POLICE_CASE, "document_ref": "JQ-2026-3"}, **STAFF).status_code == 200
    cremation = {"death_id": death_id, "funeral_home": "FH-610502"}

    def cremate():
        return api.post("/v1/funeral/cremations", json=cremation, **STAFF)

    wait_until(lambda: cremate().status_code == 422, what="the services to drop the deleted years")
    store = world[0].admin("funeral")
    before = events_in(store)
    refused = cremate()
    assert events_in(store) == before
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert_problem(refused, 422, "calendar_year_missing")
    assert str(missing) in refused.json()["detail"]
    assert refused.json()["errors"] == [
        {"loc": ["calendar", missing], "msg": f"year {missing} not in the holiday calendar"}]

    calendar_file = tmp_path / f"{missing}.yaml"
    calendar_file.write_text(f"{missing}:\n  rest_days: [{missing}-01-01]\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_ADMIN_URL", ADMIN_URL)
    monkeypatch.setenv("CIVREG_NAMESPACE", namespace)
    assert civreg(["calendar", "load", str(calendar_file)]) == 0

    # Loaded: the rule answers again, and says the wait is not over (nothing was written by the refusal).
    wait_until(lambda: cremate().status_code != 422, what="the services to read the loaded year")
    assert_problem(cremate(), 409, "disposal_too_early")
