"""Issue 14 through HTTP alone, for the newest routes: a person's access history (oversight's
`GET /v1/persons/{id}/access-log`) shows every read that disclosed them — bulk reads as "included in" with what
they covered (a payroll's month, a list's filters and page), a court declaration, a sealed adoption's origins
to those who may read them (and no row where they were withheld), a registration's own command — each with
who read it.

The unit test `tests/unit/gateway/test_every_route_audits_its_disclosures.py` runs every route of the table;
this module shows the same on the real stack, where the services' own answers and reports decide.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.adoption.service import AdoptionService
from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.timeline.service import TimelineService
from services.vagrant_aid.service import VagrantAidService
from tests.e2e.adoption.test_adoption_http import AD, REGISTRAR, sealed_adoption
from tests.e2e.child_welfare.test_child_welfare_http import CW, OFFICER, confirm, open_file
from tests.support.stack import Api, module_stack
from tests.support.synthetic_ids import id_number_of, synthetic_id_number

pytestmark = pytest.mark.integration

world, api = module_stack([MarriageService, FuneralService, ChildWelfareService, VagrantAidService,
                           TimelineService, AdoptionService])

COURTS = {"as_": "bureau", "bureau": "courts", "headers": {"X-Purpose": "entering a judgment"}}


def history(api: Api, person: str, action: str) -> list[dict]:
    answer = api.get(f"/v1/persons/{person}/access-log", as_="oversight")
    assert answer.status_code == 200, answer.text
    return [e for e in answer.json()["entries"] if e["action"] == action]


def month_after(day: dt.date) -> str:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return f"{following.year:04d}-{following.month:02d}"


def test_a_payroll_and_a_paged_list_are_in_each_listed_childs_history_with_what_they_covered(api, today):
    child = id_number_of(dt.date(2013, 1, 1) + dt.timedelta(days=uuid.uuid4().int % 3000),
                         sequence=uuid.uuid4().int % 400)
    child_id = open_file(api, today, child=child)["child_id"]
    confirm(api, child_id)
    month = month_after(today)

    payroll = api.get(f"{CW}/payroll", params={"month": month}, **OFFICER)
    cursor, pages = None, 0
    while True:  # page by page until the child is listed: that page's read names the child
        page = api.get(f"{CW}/children", params={"stage": "confirmed", "limit": 2, **({"cursor": cursor} if cursor
                                                                                         else {})}, **OFFICER)
        assert page.status_code == 200, page.text
        pages += 1
        if child in page.text or not page.json()["next_cursor"]:
            break
        cursor = page.json()["next_cursor"]

    assert payroll.status_code == 200 and child in payroll.text
    (included,) = history(api, child, "child_welfare.payroll")
    assert (included["principal"], included["detail"], included["outcome"]) == (
        "child-welfare.city", f"month={month}", 200)
    (listed,) = history(api, child, "child_welfare.list_children")
    assert "stage=confirmed" in listed["detail"] and "limit=2" in listed["detail"]
    assert ("cursor=" in listed["detail"]) is (pages > 1)  # which page of the list named the child


def test_a_court_declaration_read_and_its_entering_command_are_in_the_persons_history(api, today):
    person = synthetic_id_number(born=dt.date(1950, 3, 3))
    entered = api.post("/v1/court-declarations", json={
        "kind": "missing", "id_number": person, "court": "渭南市临渭区人民法院",
        "judgment_ref": f"(2026)陕0502民特{uuid.uuid4().int % 10000}号",
        "judgment_on": (today - dt.timedelta(days=2)).isoformat()}, **COURTS)
    assert entered.status_code == 201, entered.text

    read = api.get(f"/v1/court-declarations/{entered.json()['declaration_id']}", as_="marriage_registrar")

    assert read.status_code == 200 and person in read.text
    assert [(e["role"], e["outcome"]) for e in history(api, person, "funeral.read_declaration")] == [
        ("marriage_registrar", 200)]
    (command,) = history(api, person, "funeral.declare_by_court")
    assert (command["role"], command["purpose"]) == ("bureau", "entering a judgment")


def test_a_sealed_adoptions_origins_are_recorded_where_they_were_read_and_nowhere_else(api, today):
    made, adopters, child, birth_parent = sealed_adoption(api, today)
    path = f"{AD}/registrations/{made['adoption_id']}"

    by_office = api.get(path, **REGISTRAR)
    by_oversight = api.get(path, as_="oversight")
    other_office = api.get(path, as_="adoption_registrar", office="MR-610528")
    listed = api.get(f"{AD}/registrations", params={"from": today.isoformat(), "limit": 100}, **REGISTRAR)

    assert birth_parent in by_office.text and birth_parent in by_oversight.text and other_office.status_code == 404
    origins = history(api, birth_parent, "adoption.read_registration")
    assert [(e["role"], e["outcome"]) for e in origins] == [("adoption_registrar", 200), ("oversight", 200)]
    # Another office's registrar got the 404 of an unknown adoption: nothing about the child was disclosed.
    assert [(e["role"], e["outcome"]) for e in history(api, child, "adoption.read_registration")] == [
        ("adoption_registrar", 200), ("oversight", 200)]
    assert child in listed.text and birth_parent not in listed.text
    for person in (child, *(a["id_number"] for a in adopters)):
        (row,) = history(api, person, "adoption.list_registrations")
        assert f"from={today.isoformat()}" in row["detail"], person
    assert history(api, birth_parent, "adoption.list_registrations") == []
    # The registration itself names them all: the command is in each one's history.
    for person in (child, birth_parent, *(a["id_number"] for a in adopters)):
        assert [e["outcome"] for e in history(api, person, "adoption.register_adoption")] == [201], person
