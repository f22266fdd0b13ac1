"""The child welfare service end to end: HTTP through the real gateway, RPC to the real ChildWelfareService,
events and read models in the real PostgreSQL, a parent's death arriving from the real FuneralService over
the real broker. Dates are relative to today in China Standard Time (officers record at most 30 days back);
procedures spanning months are in tests/integration/child_welfare."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from nameko.testing.services import entrypoint_hook
from nameko.timer import Timer

from services.child_welfare.service import ChildWelfareService
from shared.reference.dates import add_years
from tests.support.problems import assert_problem, events_in
from tests.support.services import running, service_config
from tests.support.synthetic_ids import id_number_of, synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

CW = "/v1/child-welfare"
OFFICER = {"as_": "child_welfare_officer"}
TOWNSHIP = {"as_": "township_officer"}  # C-3: the township checks, the county decides
ADMIN = {"as_": "admin"}


def a_child() -> str:
    return id_number_of(dt.date(2012, 1, 1) + dt.timedelta(days=uuid.uuid4().int % 3000),
                        sequence=uuid.uuid4().int % 400)


def body(today, child=None, **changes):
    return {
        "child": {"id_number": child or a_child(), "name": "王小明", "household_division": "610502"},
        "parents": [{"name": "王父", "condition": "deceased", "condition_since": "2023-01-05", "evidence_ref": "D-1"},
                    {"name": "李母", "condition": "deceased", "condition_since": "2024-02-01", "evidence_ref": "D-2",
                     "id_number": synthetic_id_number(sex="female")}],
        "guardian": {"name": "王大爷", "relation": "grandfather"}, "care": "dispersed",
        "applied_on": (today - dt.timedelta(days=5)).isoformat(), **changes,
    }


def open_file(api, today, **changes):
    response = api.post(f"{CW}/children", json=body(today, **changes), **OFFICER)
    assert response.status_code == 201, response.text
    return response.json()


def confirm(api, child_id, category="orphan"):
    checked = api.post(f"{CW}/children/{child_id}/township-check", json={"outcome": "passed"}, **TOWNSHIP)
    assert checked.status_code == 200, checked.text
    decided = api.post(f"{CW}/children/{child_id}/decision",
                       json={"outcome": "confirmed", "category": category, "reasons": ["both parents died"]},
                       **OFFICER)
    assert decided.status_code == 200, decided.text
    return decided.json()


def test_one_file_per_child_and_the_procedure_in_its_order_C2_C3(api, today, welfare_db):
    child = a_child()
    opened = open_file(api, today, child=child)
    assert set(opened) >= {"child_id", "version"} and opened["version"] == 1

    before = events_in(welfare_db)
    assert_problem(api.post(f"{CW}/children", json=body(today, child=child), **OFFICER), 409, "file_exists")
    assert_problem(api.post(f"{CW}/children/{opened['child_id']}/decision",
                            json={"outcome": "confirmed", "category": "orphan"}, **OFFICER),
                   409, "township_check_missing")
    assert events_in(welfare_db) == before

    decided = confirm(api, opened["child_id"])
    assert decided["events"] == ["child_welfare.EligibilityConfirmed"]
    file = api.get(f"{CW}/children/{child}", **OFFICER).json()
    assert (file["child_id"], file["status"], file["category"]) == (opened["child_id"], "confirmed", "orphan")


def test_allowances_payroll_and_tasks_through_the_gateway_C5_C7(api, today):
    child_id = open_file(api, today)["child_id"]
    confirm(api, child_id)
    this = f"{today.year:04d}-{today.month:02d}"
    following = (today.replace(day=28) + dt.timedelta(days=4))
    nxt = f"{following.year:04d}-{following.month:02d}"

    ledger = api.get(f"{CW}/children/{child_id}/allowances", params={"from": this, "to": nxt}, **OFFICER).json()
    assert [(m["month"], m["amount"]) for m in ledger["months"]] == [(this, "0.00"), (nxt, "1200.00")]
    assert ledger["months"][1]["basis"]["standard"]["source"] == "rule_parameters"

    payroll = api.get(f"{CW}/payroll", params={"month": nxt}, **OFFICER).json()
    assert child_id in [p["child_id"] for p in payroll["payments"]]
    assert float(payroll["total"]) == pytest.approx(sum(float(p["amount"]) for p in payroll["payments"]))

    visited = api.post(f"{CW}/children/{child_id}/visits", json={"findings": "well"}, **OFFICER)
    signed = api.post(f"{CW}/children/{child_id}/agreements", json={"kind": "guardianship", "party": "王大爷"},
                      **OFFICER)
    assert (visited.status_code, signed.status_code) == (201, 201)
    tasks = api.get(f"{CW}/tasks", **OFFICER).json()
    assert set(tasks) >= {"overdue_checks", "overdue_decisions", "overdue_visits", "agreement_renewals",
                          "turning_18"}


def test_standards_are_set_by_admins_only_and_apply_from_their_month_C5(api, today):
    following = today.replace(day=28) + dt.timedelta(days=4)
    month = f"{following.year:04d}-{following.month:02d}"
    standard = {"category": "orphan", "care": "foster", "from_month": month, "amount": "1900.00"}
    assert_problem(api.put(f"{CW}/standards", json=standard, **OFFICER), 403, "forbidden")
    response = api.put(f"{CW}/standards", json=standard, **ADMIN)
    assert response.status_code == 200, response.text
    assert response.json()["amount"] == "1900.00"


def test_an_admin_opens_no_file_and_records_nothing_on_one_separation_of_duties(api, today, welfare_db):
    """Issue 12: an admin sets the standards (reference data) and records no child welfare business: 403
    `forbidden` at the gateway, and nothing is written."""
    child = a_child()
    open_file(api, today, child=child)
    before = events_in(welfare_db)

    assert_problem(api.post(f"{CW}/children", json=body(today), **ADMIN), 403, "forbidden")
    assert_problem(api.post(f"{CW}/children/{child}/visits", json={"findings": "well"}, **ADMIN), 403, "forbidden")
    assert_problem(api.post(f"{CW}/children/{child}/decision", json={"outcome": "rejected", "reasons": ["x"]},
                            **ADMIN), 403, "forbidden")
    assert events_in(welfare_db) == before


def test_roles_other_than_child_welfare_officers_see_nothing_C8(api, today):
    child = a_child()
    open_file(api, today, child=child)
    assert_problem(api.get(f"{CW}/children/{child}", as_="admin"), 403, "forbidden")
    assert_problem(api.get(f"{CW}/children/{child}", as_="marriage_clerk", office="MR-610502"), 403, "forbidden")
    assert_problem(api.get(f"{CW}/children/{child}", as_="bureau", bureau="education",
                           headers={"X-Purpose": "school"}), 403, "forbidden")
    assert_problem(api.post(f"{CW}/children", json=body(today), as_="funeral_staff", office="FH-610502"), 403,
                   "forbidden")


def test_every_read_of_a_child_file_is_in_the_access_log_naming_the_child_C8(api, today, world):
    child = a_child()
    open_file(api, today, child=child)
    assert api.get(f"{CW}/children/{child}", **OFFICER).status_code == 200

    with world[0].admin("gateway").connection() as conn:
        rows = conn.execute("SELECT principal, action, outcome FROM access_log WHERE subject = %s",
                            (child,)).fetchall()
    assert rows == [("child-welfare.city", "child_welfare.read_child", 200)]


def test_hostile_and_invalid_input_is_4xx_and_writes_nothing(api, today, welfare_db):
    before = events_in(welfare_db)
    bad_bodies = [
        body(today, child="610502199001010012"),
        body(today, child="61052219990229001X"),
        {**body(today), "guardian": {"name": "x" * 10_000, "relation": "uncle"}},
        {**body(today), "guardian": {"name": "王\x1b[31m", "relation": "uncle"}},
        {**body(today), "care": "'; DROP TABLE events; --"},
        {**body(today), "applied_on": "2025-02-30"},
        {**body(today), "parents": "none"},
        {**body(today), "child": {"id_number": 610502201501010011, "name": "王", "household_division": "610502"}},
    ]
    for bad in bad_bodies:
        response = api.post(f"{CW}/children", json=bad, **OFFICER)
        assert 400 <= response.status_code < 500, response.text
    malformed = api.post(f"{CW}/children", data=b"{\"child\": ", headers={"Content-Type": "application/json"},
                         **OFFICER)
    assert_problem(malformed, 400, "malformed_json")
    assert_problem(api.get(f"{CW}/children/{uuid.uuid4()}", **OFFICER), 404, "not_found")
    assert_problem(api.get(f"{CW}/children/1%27%20OR%201=1", **OFFICER), 404, "not_found")
    assert_problem(api.get(f"{CW}/payroll", params={"month": "2025-13"}, **OFFICER), 422, "invalid_query")
    assert_problem(api.get(f"{CW}/children/{uuid.uuid4()}/allowances", params={"from": "x", "to": "y"},
                           **OFFICER), 422, "invalid_query")
    assert events_in(welfare_db) == before


def test_a_parents_death_at_the_funeral_home_reclassifies_the_child_over_the_broker_C6(api, today):
    mother = synthetic_id_number(sex="female")
    imprisoned = {"name": "李母", "condition": "imprisoned", "condition_since": "2023-01-05", "ends_on": "2031-01-01",
                  "evidence_ref": "J-1", "id_number": mother}
    child_id = open_file(api, today, parents=[body(today)["parents"][0], imprisoned])["child_id"]
    confirm(api, child_id, "de_facto_unattended")

    death = {"id_number": mother, "died_on": (today - dt.timedelta(days=1)).isoformat(), "place_division": "610502",
             "certificate_no": "F6105020001", "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"}
    registered = api.post("/v1/funeral/deaths", json=death, as_="funeral_staff", office="FH-610502")
    assert registered.status_code == 201, registered.text

    def reclassified():
        file = api.get(f"{CW}/children/{child_id}", **OFFICER).json()
        return file if file["category"] == "orphan" else None

    file = wait_until(reclassified, what="the child's reclassification", timeout=30)
    assert [h["type"] for h in file["history"]][-2:] == ["child_welfare.ParentConditionChanged",
                                                         "child_welfare.ChildReclassified"]
    assert file["parents"][1]["condition"] == "deceased"


def test_the_timer_entrypoint_terminates_support_on_the_18th_birthday_C6(api, today, world):
    assert any(isinstance(e, Timer) for e in ChildWelfareService.run_schedule.nameko_entrypoints)
    birthday = today - dt.timedelta(days=5)
    child = id_number_of(add_years(birthday, -18), sequence=uuid.uuid4().int % 400)
    opened = api.post(f"{CW}/children", json=body(today, child=child,
                                                   applied_on=(today - dt.timedelta(days=20)).isoformat()), **OFFICER)
    assert opened.status_code == 201, opened.text
    child_id = opened.json()["child_id"]
    assert api.post(f"{CW}/children/{child_id}/township-check",
                    json={"outcome": "passed", "checked_on": (today - dt.timedelta(days=15)).isoformat()},
                    **TOWNSHIP).status_code == 200
    decided = api.post(f"{CW}/children/{child_id}/decision",
                       json={"outcome": "confirmed", "category": "orphan", "reasons": ["both parents died"],
                             "decided_on": (today - dt.timedelta(days=10)).isoformat()}, **OFFICER)
    assert decided.status_code == 200, decided.text

    namespace, vhost = world
    with running(ChildWelfareService, service_config(namespace, vhost)) as container, \
            entrypoint_hook(container, "run_schedule") as run_schedule:
        run_schedule()

    file = api.get(f"{CW}/children/{child_id}", **OFFICER).json()
    assert (file["status"], file["termination"]) == ("terminated", {"reason": "adult",
                                                                    "effective_on": birthday.isoformat()})


COUNTY_OFFICER = {"headers": {"Authorization": "Bearer dev-child-welfare-610528-5b0d7e91c3a24f68a1e2d9c4b7f03a65"}}


def test_files_are_listed_by_stage_and_county_for_the_officers_queues_C3_C8(api, today):
    opened = open_file(api, today)

    def queue(stage, **who):
        response = api.get(f"{CW}/children", params={"stage": stage, "limit": 500}, **(who or OFFICER))
        assert response.status_code == 200, response.text
        return {item["child_id"]: item for item in response.json()["items"]}

    waiting = queue("awaiting_township_check")[opened["child_id"]]
    assert waiting["household_division"] == "610502" and waiting["version"] == 1
    assert opened["child_id"] in queue("awaiting_township_check", **TOWNSHIP)
    confirm(api, opened["child_id"])
    assert opened["child_id"] not in queue("awaiting_township_check")
    assert queue("confirmed")[opened["child_id"]]["category"] == "orphan"
    assert opened["child_id"] not in queue("confirmed", **COUNTY_OFFICER)  # another county's child

    assert_problem(api.get(f"{CW}/children", params={"stage": "confirmed", "county": "610502"}, **COUNTY_OFFICER),
                   403, "forbidden_place")
    assert_problem(api.get(f"{CW}/children", params={"stage": "confirmed"}, **TOWNSHIP), 403, "forbidden")
    assert_problem(api.get(f"{CW}/children", params={"stage": "confirmed"}, as_="relief_staff", office="RS-610500"),
                   403, "forbidden")
    assert_problem(api.get(f"{CW}/children", params={"stage": "pending"}, **OFFICER), 422, "validation_failed")
