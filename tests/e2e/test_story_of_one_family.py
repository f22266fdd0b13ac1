"""The story of one family, told through the gateway to every real service (issue: person timeline, item 7).

A couple marries at one office; the husband dies (funeral); the wife is widowed and remarries at another
office; their child, whose mother is then serving a long sentence, becomes a de facto unattended child
(C-1 b: one parent dead, the other imprisoned), and an orphan when the mother dies; the child runs away and is
taken in by a relief station. Every step reaches each person's timeline in business-date order (T-1), the
facts hold as of each date (T-2), and each bureau sees only what its scope allows, every read audited (T-3).

Nothing here is appended by hand: each event is the consequence of an HTTP call or of a service reacting to
another service's event over RabbitMQ.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.timeline.service import TimelineService
from services.vagrant_aid.service import VagrantAidService
from shared.business_dates import LOCAL_TIME_ZONE, local_today
from tests.support.stack import Api, module_stack
from tests.support.synthetic_ids import id_number_of, synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

FUNERAL_STAFF = {"as_": "funeral_staff", "office": "FH-610502"}
OFFICER = {"as_": "child_welfare_officer"}
TOWNSHIP = {"as_": "township_officer"}  # C-3: the township checks, the county decides
EDUCATION = {"as_": "bureau", "bureau": "education", "headers": {"X-Purpose": "school enrolment support"}}
POLICE = {"as_": "bureau", "bureau": "public_security", "headers": {"X-Purpose": "missing child inquiry"}}
TODAY = local_today()


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def created(response) -> dict[str, Any]:  # noqa: ANN001
    assert response.status_code in (200, 201), response.text
    return response.json()


def register_marriage(api: Api, office: str, man: str, woman: str, on: int) -> dict[str, Any]:
    return created(api.post("/v1/marriage/registrations", as_="marriage_clerk", office=office, json={
        "office": office, "declaration_signed": True, "registered_on": day(on),
        "parties": [{"id_number": man, "name": "王建国"}, {"id_number": woman, "name": "李秀兰"}]}))


def register_death(api: Api, person: str, on: int) -> dict[str, Any]:
    return created(api.post("/v1/funeral/deaths", **FUNERAL_STAFF, json={
        "id_number": person, "died_on": day(on), "place_division": "610502", "certificate_no": f"D{person[-8:]}",
        "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"}))


def facts(api: Api, person: str, as_of: int | None = None, **who: Any) -> dict[str, Any]:
    query = f"?as_of={day(as_of)}" if as_of is not None else ""
    return created(api.get(f"/v1/persons/{person}/facts{query}", **(who or {"as_": "admin"})))


def timeline_types(api: Api, person: str, **who: Any) -> list[str]:
    entries = created(api.get(f"/v1/persons/{person}/timeline", **(who or {"as_": "admin"})))["entries"]
    dates = [e["occurred_on"] for e in entries]
    assert dates == sorted(dates), "a timeline is in business-date order (T-1)"
    return [e["type"] for e in entries]


def in_order(expected: list[str], actual: list[str]) -> bool:
    """`expected` occurs in `actual` as a subsequence: the same order, other entries allowed between."""
    remaining = iter(actual)
    return all(any(a == e for a in remaining) for e in expected)


def wait_for_types(api: Api, person: str, expected: list[str]) -> list[str]:
    def arrived() -> list[str] | None:
        types = timeline_types(api, person)
        return types if in_order(expected, types) else None

    return wait_until(arrived, timeout=30, what=f"{expected} on the timeline")


world, api = module_stack([MarriageService, FuneralService, ChildWelfareService, VagrantAidService,
                           TimelineService])


def test_the_story_of_one_family_on_every_timeline_with_the_facts_of_each_date_T1_T2_T3(api):
    husband = synthetic_id_number(sex="male")
    wife = synthetic_id_number(sex="female")
    second_husband = synthetic_id_number(sex="male")
    child = id_number_of(dt.date(2015, 6, 1), sequence=int(husband[-5:-2]) % 400)

    # A couple marries at the 临渭区 office.
    first = register_marriage(api, "MR-610502", husband, wife, on=-29)

    # The husband dies; the marriage service ends the marriage over the broker (M-11).
    register_death(api, husband, on=-27)
    wait_until(lambda: api.get(f"/v1/marriage/persons/{wife}/status", as_="marriage_clerk", office="MR-610502")
               .json().get("marital_status") == "widowed", timeout=30, what="the wife widowed")

    # The widow may remarry, at another office (市内通办).
    second = register_marriage(api, "MR-610528", second_husband, wife, on=-24)

    # Their child: the father dead, the mother then serving a three-year sentence → de facto unattended.
    opened = created(api.post("/v1/child-welfare/children", **OFFICER, json={
        "child": {"id_number": child, "name": "王小宝", "household_division": "610502"},
        "parents": [
            {"id_number": husband, "name": "王建国", "condition": "deceased", "condition_since": day(-27),
             "evidence_ref": "死亡证明-1"},
            {"id_number": wife, "name": "李秀兰", "condition": "imprisoned", "condition_since": day(-22),
             "ends_on": (TODAY + dt.timedelta(days=3 * 365)).isoformat(), "evidence_ref": "判决书-1"}],
        "guardian": {"name": "王大爷", "relation": "grandfather"}, "care": "dispersed", "applied_on": day(-20)}))
    child_file = f"/v1/child-welfare/children/{opened['child_id']}"
    created(api.post(f"{child_file}/township-check", **TOWNSHIP, json={"outcome": "passed", "checked_on": day(-19)}))
    created(api.post(f"{child_file}/decision", **OFFICER, json={
        "outcome": "confirmed", "category": "de_facto_unattended", "reasons": ["父亡, 母服刑"],
        "decided_on": day(-15)}))

    # The mother dies in prison: the child is reclassified as an orphan (C-6) over the broker.
    register_death(api, wife, on=-10)
    wait_until(lambda: api.get(child_file, **OFFICER).json().get("category") == "orphan", timeout=30,
               what="the child reclassified as an orphan")

    # The child runs away and is taken in by the city relief station.
    arrived = dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time(9), tzinfo=LOCAL_TIME_ZONE)
    created(api.post("/v1/vagrant-aid/cases", as_="relief_staff", office="RS-610500", json={
        "station": "RS-610500", "arrived_at": arrived.isoformat(), "source": "police", "consent": True,
        "person": {"id_number": child, "name": "王小宝", "sex": "male"}, "flags": ["minor"]}))

    # Every step on each person's timeline, in order (T-1).
    wait_for_types(api, husband, ["marriage.MarriageRegistered", "funeral.DeathRegistered",
                                  "marriage.MarriageEndedByDeath"])
    wait_for_types(api, wife, ["marriage.MarriageRegistered", "marriage.MarriageEndedByDeath",
                               "marriage.MarriageRegistered", "funeral.DeathRegistered",
                               "marriage.MarriageEndedByDeath"])
    wait_for_types(api, second_husband, ["marriage.MarriageRegistered", "marriage.MarriageEndedByDeath"])
    wait_for_types(api, child, ["child_welfare.ChildFileOpened", "child_welfare.EligibilityConfirmed",
                                "child_welfare.ChildReclassified", "vagrant_aid.PersonTakenIn"])

    # The facts as of each date (T-2).
    assert facts(api, husband, as_of=-28)["alive"] is True
    assert facts(api, husband, as_of=-28)["marital_status"] == "married"
    assert (facts(api, husband)["alive"], facts(api, husband)["died_on"]) == (False, day(-27))

    assert facts(api, wife, as_of=-28)["registration_id"] == first["registration_id"]
    assert facts(api, wife, as_of=-26)["marital_status"] == "widowed"
    remarried = facts(api, wife, as_of=-23)
    assert (remarried["marital_status"], remarried["registration_id"]) == ("married", second["registration_id"])
    assert (facts(api, wife)["alive"], facts(api, wife)["died_on"]) == (False, day(-10))
    assert facts(api, second_husband)["marital_status"] == "widowed"

    assert facts(api, child, as_of=-21)["child_welfare"] is None
    assert facts(api, child, as_of=-18)["child_welfare"]["status"] == "applied"
    assert facts(api, child, as_of=-14)["child_welfare"]["status"] == "de_facto_unattended"
    now = facts(api, child)
    assert now["child_welfare"]["status"] == "orphan"
    assert now["open_relief_case"]["station"] == "RS-610500"
    assert facts(api, child, as_of=-4)["open_relief_case"] is None

    # Education sees the child's welfare facts and nothing else (protected:facts), never a timeline (T-3).
    seen_by_school = facts(api, child, **EDUCATION)
    assert seen_by_school["child_welfare"]["status"] == "orphan"
    assert "open_relief_case" not in seen_by_school and "marital_status" not in seen_by_school
    assert api.get(f"/v1/persons/{child}/timeline", **EDUCATION).status_code == 403
    assert api.get(f"/v1/persons/{child}/facts", as_="bureau", bureau="education").status_code == 400  # no purpose

    # Public security (status and case) sees the relief case and the deaths, never the child welfare file.
    police_view = timeline_types(api, child, **POLICE)
    assert "vagrant_aid.PersonTakenIn" in police_view
    assert not any(t.startswith("child_welfare.") for t in police_view)
    assert "funeral.DeathRegistered" in timeline_types(api, wife, **POLICE)

    # Oversight reads who looked at the child, and why.
    history = created(api.get(f"/v1/persons/{child}/access-log", as_="oversight"))["entries"]
    assert any(e["principal"] == "bureau.education" and e["purpose"] == "school enrolment support"
               for e in history)
    assert any(e["principal"] == "bureau.public_security" and e["purpose"] == "missing child inquiry"
               for e in history)
