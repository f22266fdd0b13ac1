"""The adoption service end to end: HTTP through the real gateway, RPC to the real AdoptionService, its events
over the real broker to the real child welfare and timeline services, all on the real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.support.problems import assert_problem
from tests.support.synthetic_ids import id_number_of, synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

AD = "/v1/adoption"
CW = "/v1/child-welfare"
REGISTRAR = {"as_": "adoption_registrar", "office": "MR-610502"}
OFFICER = {"as_": "child_welfare_officer"}


def month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def couple() -> list[dict]:
    return [{"id_number": id_number_of(dt.date(1980, 1, 1), sequence=uuid.uuid4().int % 400, sex="male"),
             "name": "李明", "married": True},
            {"id_number": id_number_of(dt.date(1982, 3, 4), sequence=uuid.uuid4().int % 400, sex="female"),
             "name": "王芳", "married": True}]


def assessed(api, adopters, today) -> None:
    done = api.post(f"{AD}/assessments", json={
        "adopters": [{"id_number": a["id_number"], "name": a["name"]} for a in adopters], "outcome": "suitable",
        "assessed_on": (today - dt.timedelta(days=3)).isoformat(), "assessor": "渭南市收养评估小组",
        "living_together": {"started_on": (today - dt.timedelta(days=40)).isoformat(),  # A-10: the 融合期 assessed
                            "ended_on": (today - dt.timedelta(days=3)).isoformat()}}, **REGISTRAR)
    assert done.status_code == 201, done.text


def register(api, adopters, child, today, **more):
    return api.post(f"{AD}/registrations", json={
        "office": "MR-610502", "adopters": adopters, "child": child, "statement_ref": "收养人声明 2026-01",
        "registered_on": today.isoformat(), **more}, **REGISTRAR)


def test_an_orphans_adoption_ends_the_file_and_the_allowance(api, today):
    child = id_number_of(dt.date(2013, 1, 1) + dt.timedelta(days=uuid.uuid4().int % 2000),
                         sequence=uuid.uuid4().int % 400)
    decided_on = today - dt.timedelta(days=25)
    opened = api.post(f"{CW}/children", json={
        "child": {"id_number": child, "name": "王小明", "household_division": "610502"},
        "parents": [{"name": "王父", "condition": "deceased", "condition_since": "2023-01-05", "evidence_ref": "D-1"},
                    {"name": "李母", "condition": "deceased", "condition_since": "2024-02-01", "evidence_ref": "D-2",
                     "id_number": synthetic_id_number(sex="female")}],
        "guardian": {"name": "王大爷", "relation": "grandfather"}, "care": "dispersed",
        "applied_on": (today - dt.timedelta(days=29)).isoformat()}, **OFFICER)
    assert opened.status_code == 201, opened.text
    child_id = opened.json()["child_id"]
    checked = api.post(f"{CW}/children/{child_id}/township-check",
                       json={"outcome": "passed", "checked_on": (today - dt.timedelta(days=27)).isoformat()},
                       as_="township_officer")
    decided = api.post(f"{CW}/children/{child_id}/decision", json={
        "outcome": "confirmed", "category": "orphan", "reasons": ["父母双亡"], "decided_on": decided_on.isoformat()},
        **OFFICER)
    assert (checked.status_code, decided.status_code) == (200, 200), decided.text

    adopters = couple()
    assessed(api, adopters, today)
    guardian = id_number_of(dt.date(1955, 5, 5), sequence=uuid.uuid4().int % 400)
    registered = register(api, adopters, {"id_number": child, "name": "王小明", "situation": "orphan"}, today,
                          placing_party={"kind": "guardian", "id_number": guardian}, child_consent=True)
    assert registered.status_code == 201, registered.text
    answer = registered.json()
    assert answer["certificate"].startswith(f"SY610502-{today.year}-") and answer["version"] == 1
    assert registered.headers["Location"] == f"{AD}/registrations/{answer['adoption_id']}"

    def ended():
        file = api.get(f"{CW}/children/{child_id}", **OFFICER).json()
        return file if file["status"] == "terminated" else None

    file = wait_until(ended, what="the adopted orphan's file to end", timeout=30)
    assert file["termination"] == {"reason": "adopted", "effective_on": today.isoformat()}
    after = next_month(today)
    ledger = api.get(f"{CW}/children/{child_id}/allowances", params={"from": month(today), "to": month(after)},
                     **OFFICER).json()
    amounts = {m["month"]: m["amount"] for m in ledger["months"]}
    paid_this_month = month(next_month(decided_on)) <= month(today)  # the allowance runs from the next month
    assert (amounts.get(month(today)) not in (None, "0.00")) is paid_this_month  # the month of adoption is paid
    assert amounts.get(month(after)) in (None, "0.00")  # and is the last one


def test_the_registration_refuses_with_the_rules_codes_and_a_registrar_of_another_office_cannot(api, today):
    adopters = couple()
    child = {"id_number": id_number_of(dt.date(2021, 6, 6), sequence=uuid.uuid4().int % 400), "name": "小宝"}
    parent = {"kind": "parent", "id_number": synthetic_id_number(sex="female"), "other_parent": "unknown"}
    assert_problem(register(api, adopters, child, today, placing_party=parent), 422, "no_assessment")
    assessed(api, adopters, today)
    young = [{**adopters[0], "id_number": id_number_of(dt.date(2000, 1, 1), sequence=7)}, adopters[1]]
    assert_problem(register(api, young, child, today, placing_party=parent), 422, "adopter_under_30")
    other = api.post(f"{AD}/registrations", json={"office": "MR-610502", "adopters": adopters, "child": child,
                                                  "placing_party": parent, "statement_ref": "声明"},
                     as_="adoption_registrar", office="MR-610528")
    assert_problem(other, 403, "forbidden_place")
    assert_problem(api.post(f"{AD}/registrations", json={"office": "MR-610502"}, **REGISTRAR), 422,
                   "validation_failed")
    made = register(api, adopters, child, today, placing_party=parent)
    assert made.status_code == 201, made.text
    listed = api.get(f"{AD}/registrations", params={"from": today.isoformat(), "limit": 500}, **REGISTRAR).json()
    assert made.json()["adoption_id"] in [i["adoption_id"] for i in listed["items"]]
    assert api.get(f"{AD}/registrations", as_="adoption_registrar", office="MR-610528").json()["items"] == []


# Who reads what of a sealed adoption (A-14): the child's timeline entry types; 403: the route refuses the role.
PURPOSE = {"X-Purpose": "test of sealed adoptions"}
READERS = [
    ("admin", {}, ["adoption.AdoptionRegistered"], True),
    ("child_welfare_officer", {}, ["adoption.AdoptionRegistered"], True),
    ("marriage_clerk", {"office": "MR-610502"}, 404, False),
    ("marriage_registrar", {}, 404, False),
    ("funeral_staff", {"office": "FH-610502"}, 404, False),
    ("relief_staff", {"office": "RS-610500"}, 404, False),
    ("township_officer", {}, 403, False),
    ("adoption_registrar", {"office": "MR-610502"}, ["adoption.AdoptionRegistered"], True),  # A-2, A-4, A-6
    ("oversight", {}, 403, False),
    ("bureau", {"bureau": "public_security", "headers": PURPOSE}, 404, False),
    ("bureau", {"bureau": "education", "headers": PURPOSE}, 403, True),
    ("bureau", {"bureau": "courts", "headers": PURPOSE}, ["adoption.AdoptionSealed"], False),
]


def sealed_adoption(api, today) -> tuple[dict, list[dict], str, str]:
    """A registered adoption sealed at both sides' request: (its answer, the adopters, child, birth parent)."""
    adopters = couple()
    assessed(api, adopters, today)
    birth_parent = synthetic_id_number(sex="female")
    child = id_number_of(dt.date(2022, 2, 2), sequence=uuid.uuid4().int % 400)
    made = register(api, adopters, {"id_number": child, "name": "小宝"}, today,
                    placing_party={"kind": "parent", "id_number": birth_parent, "other_parent": "untraceable"},
                    sealed_at_request_of="both")
    assert made.status_code == 201, made.text
    return made.json(), adopters, child, birth_parent


def test_a_sealed_adoption_reads_correctly_for_each_role(api, today):
    made, adopters, child, birth_parent = sealed_adoption(api, today)
    wait_until(lambda: api.get(f"/v1/persons/{child}/timeline", as_="admin").status_code == 200
               and api.get(f"/v1/persons/{birth_parent}/timeline", as_="admin").status_code == 200,
               what="the timeline to show the adoption", timeout=30)
    parents = [{"id_number": a["id_number"], "relation": "parent"} for a in adopters]
    for role, how, child_sees, parents_shown in READERS:
        label = f"{role} {how.get('bureau', '')}"
        timeline = api.get(f"/v1/persons/{child}/timeline", as_=role, **how)
        if isinstance(child_sees, int):
            assert timeline.status_code == child_sees, label
        else:
            assert timeline.status_code == 200, label
            assert [e["type"] for e in timeline.json()["entries"]] == child_sees, label
        facts = api.get(f"/v1/persons/{child}/facts", as_=role, **how)
        assert ((facts.json().get("parents") if facts.status_code == 200 else None) == parents) is parents_shown, label
        assert birth_parent not in timeline.text + facts.text, label  # no birth family on the child's side
        placed = api.get(f"/v1/persons/{birth_parent}/timeline", as_=role, **how)
        if placed.status_code == 200:
            assert child not in placed.text and all(a["id_number"] not in placed.text for a in adopters), label
            types = [e["type"] for e in placed.json()["entries"]]
            sealed = how.get("bureau") == "courts"  # the development courts' scopes: [status, sealed]
            # Only the `sealed` grant links the birth parent to the adoption; the others see "placed" alone.
            assert types == (["adoption.AdoptionSealed"] if sealed else ["adoption.ChildPlaced"]), label
    # The registering office's registrar and oversight read the origins at the adoption service (A-14).
    path = f"{AD}/registrations/{made['adoption_id']}"
    assert api.get(path, **REGISTRAR).json()["placing_party"]["id_number"] == birth_parent
    assert api.get(path, as_="oversight").json()["placing_party"]["id_number"] == birth_parent
    assert api.get(path, as_="adoption_registrar", office="MR-610528").status_code == 404
