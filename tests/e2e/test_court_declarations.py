"""Court declarations end to end (D-1..D-11, docs/declarations.md): entered over HTTP by the courts' system or a
marriage registrar, recorded by the funeral service, and applied by marriage, child welfare and the timeline
over RabbitMQ — nothing appended by hand.

* a death declaration widows the spouse, and the revocation restores the marriage (D-4, D-5);
* after the spouse's remarriage, a revocation restores nothing (D-5);
* a child whose parents are declared dead and missing is confirmed an orphan (D-6);
* a death withdrawn as registered in error never ended the marriage, and a relief case it closed is open again
  (D-11); a survivor's remarriage meanwhile is flagged and listed for the marriage registrar (D-11, M-3);
* a declaration about the person of an open relief case alerts the station's staff, and so do identifying and
  taking in a declared person (D-9).
"""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.timeline.service import TimelineService
from services.vagrant_aid.service import VagrantAidService
from shared.business_dates import LOCAL_TIME_ZONE, local_today
from tests.support.problems import assert_problem
from tests.support.stack import Api, module_stack
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

COURTS = {"as_": "bureau", "bureau": "courts", "headers": {"X-Purpose": "entering a judgment"}}
REGISTRAR = {"as_": "marriage_registrar"}
CLERK = {"as_": "marriage_clerk", "office": "MR-610502"}
OFFICER = {"as_": "child_welfare_officer"}
TODAY = local_today()
DECLARATIONS = "/v1/court-declarations"

world, api = module_stack([MarriageService, FuneralService, ChildWelfareService, TimelineService,
                           VagrantAidService])


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def created(response) -> dict[str, Any]:  # noqa: ANN001
    assert response.status_code in (200, 201), response.text
    return response.json()


_cases = iter(range(1, 10_000))


def declare(api: Api, person: str, judged: int, kind: str = "death", who: dict | None = None,
            **more: Any) -> dict[str, Any]:
    body = {"kind": kind, "id_number": person, "court": "渭南市临渭区人民法院",
            "judgment_ref": f"(2026)陕0502民特{next(_cases)}号", "judgment_on": day(judged), **more}
    return created(api.post(DECLARATIONS, json=body, **(who or COURTS)))


def revoke(api: Api, declaration_id: str, on: int) -> dict[str, Any]:
    return created(api.post(f"{DECLARATIONS}/{declaration_id}/revocation", **REGISTRAR, json={
        "court": "渭南市临渭区人民法院", "judgment_ref": f"(2026)陕0502民特{next(_cases)}号", "revoked_on": day(on)}))


def marry(api: Api, man: str, woman: str, on: int, office: str = "MR-610502") -> dict[str, Any]:
    return created(api.post("/v1/marriage/registrations", as_="marriage_clerk", office=office, json={
        "office": office, "declaration_signed": True, "registered_on": day(on),
        "parties": [{"id_number": man, "name": "王建国"}, {"id_number": woman, "name": "李秀兰"}]}))


def status(api: Api, person: str) -> dict[str, Any]:
    return created(api.get(f"/v1/marriage/persons/{person}/status", **CLERK))


def wait_for_status(api: Api, person: str, expected: str) -> dict[str, Any]:
    return wait_until(lambda: (found := status(api, person))["marital_status"] == expected and found,
                      timeout=30, what=f"{person[-4:]} {expected}")


def facts(api: Api, person: str, as_of: int | None = None) -> dict[str, Any]:
    query = f"?as_of={day(as_of)}" if as_of is not None else ""
    return created(api.get(f"/v1/persons/{person}/facts{query}", as_="admin"))


def test_a_death_declaration_widows_the_spouse_and_the_revocation_restores_the_marriage_D4_D5_D8_D10(api):
    husband, wife = synthetic_id_number(sex="male"), synthetic_id_number(sex="female")
    marriage = marry(api, husband, wife, on=-29)

    declared = declare(api, husband, judged=-20)
    widowed = wait_for_status(api, wife, "widowed")
    assert widowed["since"] == day(-20)  # dissolved on the judgment date (Civil Code 51)

    death = created(api.get(f"/v1/funeral/persons/{husband}/death", **CLERK))
    assert (death["deceased"], death["basis"], death["died_on"]) == (True, "declared", day(-20))
    assert "declaration_id" not in death  # the record's ids are for funeral staff and admins
    # M-3: the declared person is refused at any office; the widow may remarry (not done here).
    refused = api.post("/v1/marriage/registrations", as_="marriage_clerk", office="MR-610502", json={
        "office": "MR-610502", "declaration_signed": True, "registered_on": day(-1),
        "parties": [{"id_number": husband, "name": "王建国"}, {"id_number": synthetic_id_number(sex="female"),
                                                             "name": "赵敏"}]})
    problem = assert_problem(refused, 409, "deceased")
    assert {"loc": ["body", "parties", 0, "death_basis"], "msg": "declared"} in problem["errors"]  # M-3 names it

    revoke(api, declared["declaration_id"], on=-5)
    married = wait_for_status(api, wife, "married")
    assert married["registration_id"] == marriage["registration_id"]  # the same registration, in force again
    assert not created(api.get(f"/v1/funeral/persons/{husband}/death", **CLERK))["deceased"]

    # The timeline (D-10): dead on the declared basis from judgment to revocation, never backwards.
    wait_until(lambda: facts(api, husband)["alive"], timeout=30, what="the husband alive again on the timeline")
    during = wait_until(lambda: (f := facts(api, husband, as_of=-10))["death_basis"] and f, timeout=30,
                        what="the declared death on the timeline")
    assert (during["alive"], during["died_on"], during["death_basis"]) == (False, day(-20), "declared")
    assert facts(api, wife, as_of=-10)["marital_status"] == "widowed"
    assert facts(api, wife)["marital_status"] == "married"

    shown = created(api.get(f"{DECLARATIONS}/{declared['declaration_id']}", **REGISTRAR))
    assert (shown["standing"], shown["revocation"]["revoked_on"]) == (False, day(-5))
    assert {e["effect"] for e in shown["effects"]} >= {"marriage_dissolved", "deceased_declared"}


def test_after_the_spouses_remarriage_a_revocation_restores_nothing_D5(api):
    husband, wife, second = (synthetic_id_number(sex="male"), synthetic_id_number(sex="female"),
                             synthetic_id_number(sex="male"))
    first = marry(api, husband, wife, on=-29)
    declared = declare(api, husband, judged=-25)
    wait_for_status(api, wife, "widowed")
    remarriage = marry(api, second, wife, on=-20, office="MR-610528")

    revoke(api, declared["declaration_id"], on=-10)

    divorced = wait_for_status(api, husband, "divorced")
    assert (divorced["since"], divorced["registration_id"]) == (day(-10), first["registration_id"])
    now = status(api, wife)
    assert (now["marital_status"], now["registration_id"]) == ("married", remarriage["registration_id"])


def test_the_spouses_written_statement_keeps_the_marriage_dissolved_D5(api):
    husband, wife = synthetic_id_number(sex="male"), synthetic_id_number(sex="female")
    marry(api, husband, wife, on=-29)
    declared = declare(api, husband, judged=-25)
    created(api.post(f"{DECLARATIONS}/{declared['declaration_id']}/spouse-statement", **REGISTRAR, json={
        "by_id_number": wife, "stated_on": day(-15), "document_ref": "SM-2026-1"}))
    wait_for_status(api, wife, "widowed")

    revoke(api, declared["declaration_id"], on=-10)

    assert wait_for_status(api, wife, "divorced")["since"] == day(-10)


def open_child_file(api: Api, child: str, father: str, mother: str, applied: int) -> str:
    """A child's file opened on the guardian's application, both parents out of contact; its path."""
    opened = created(api.post("/v1/child-welfare/children", **OFFICER, json={
        "child": {"id_number": child, "name": "王小宝", "household_division": "610502"},
        "parents": [
            {"id_number": father, "name": "王建国", "condition": "lost_contact", "condition_since": day(-28),
             "evidence_ref": "报警回执-1"},
            {"id_number": mother, "name": "李秀兰", "condition": "lost_contact", "condition_since": day(-28),
             "evidence_ref": "报警回执-2"}],
        "guardian": {"name": "王大爷", "relation": "grandfather"}, "care": "dispersed", "applied_on": day(applied)}))
    return f"/v1/child-welfare/children/{opened['child_id']}"


def parents_conditions(api: Api, child_file: str) -> list[str]:
    parents = created(api.get(child_file, **OFFICER))["parents"]
    return [p.get("condition") or (p.get("facts") or [{}])[-1].get("condition") for p in parents]


def confirm_orphan(api: Api, child_file: str, checked: int = -10, decided: int = -5) -> None:
    """C-3: the township's check and the county's decision; the file reads as an orphan's."""
    created(api.post(f"{child_file}/township-check", as_="township_officer",
                     json={"outcome": "passed", "checked_on": day(checked)}))
    created(api.post(f"{child_file}/decision", **OFFICER, json={
        "outcome": "confirmed", "category": "orphan", "reasons": ["父母双亡"], "decided_on": day(decided)}))
    assert created(api.get(child_file, **OFFICER))["category"] == "orphan"


def test_a_child_whose_parents_are_declared_dead_and_missing_is_confirmed_an_orphan_D6(api):
    father, mother = synthetic_id_number(sex="male"), synthetic_id_number(sex="female")
    child_file = open_child_file(api, synthetic_id_number(born=TODAY - dt.timedelta(days=9 * 365)), father, mother,
                                 -27)

    declare(api, father, judged=-20)
    declare(api, mother, judged=-20, kind="missing", who=REGISTRAR, missing_since="2020-01-01")

    def conditions() -> list[str] | None:
        found = parents_conditions(api, child_file)
        return found if found == ["declared_dead", "declared_missing"] else None

    wait_until(conditions, timeout=30, what="both parents' declarations on the child's file")
    confirm_orphan(api, child_file)


def test_parents_declared_before_the_childs_file_existed_count_when_it_opens_D6(api):
    """C-1's dead-or-missing side holds for declarations older than the file: a younger child's file, opened
    after both parents were declared, takes the declared conditions at once, and the child is confirmed an
    orphan. (The elder child's file, open already, shows when child welfare has both declarations.)"""
    father, mother = synthetic_id_number(sex="male"), synthetic_id_number(sex="female")
    elder = open_child_file(api, synthetic_id_number(born=TODAY - dt.timedelta(days=12 * 365)), father, mother, -27)
    declare(api, father, judged=-25)
    declare(api, mother, judged=-24, kind="missing", who=REGISTRAR, missing_since="2020-01-01")
    wait_until(lambda: parents_conditions(api, elder) == ["declared_dead", "declared_missing"], timeout=30,
               what="both declarations at child welfare")

    younger = open_child_file(api, synthetic_id_number(born=TODAY - dt.timedelta(days=7 * 365)), father, mother,
                              -20)

    assert parents_conditions(api, younger) == ["declared_dead", "declared_missing"]
    confirm_orphan(api, younger)


def confirmed_months_ago(world, child: str) -> str:
    """An orphan's file opened, checked and confirmed three months ago: officers date their records at most 30
    days back, so the file is made as the service made it then — its application on the module's child welfare
    schema with a clock set back (tests/support/clock.py); the service running now reads it as its own."""
    from services.child_welfare.application.child_welfare import ChildWelfare
    from services.child_welfare.domain.events import UPCASTERS
    from shared.eventstore.postgres import PostgresEventStore
    from shared.nameko_ext.context import Correlation
    from tests.support.clock import Clock

    then = TODAY - dt.timedelta(days=92)
    welfare = ChildWelfare(PostgresEventStore(world[0].database("child_welfare", max_size=1), UPCASTERS),
                           Correlation("e2e-orphan", None, "tester"), Clock(then))
    officer = {"name": "child-welfare.city", "role": "child_welfare_officer", "office": None}
    township = {"name": "township.610502001", "role": "township_officer", "office": None, "township": "610502001"}
    opened = welfare.open_file({
        "child": {"id_number": child, "name": "王小宝", "household_division": "610502"},
        "parents": [{"id_number": synthetic_id_number(sex=sex), "name": name, "condition": "deceased",
                     "condition_since": (then - dt.timedelta(days=200)).isoformat(), "evidence_ref": f"死亡证明-{n}"}
                    for n, (sex, name) in enumerate((("male", "王建国"), ("female", "李秀兰")))],
        "guardian": {"name": "王大爷", "relation": "grandfather"}, "care": "dispersed",
        "applied_on": (then - dt.timedelta(days=2)).isoformat()}, officer, None)
    welfare.record_township_check(opened["child_id"], {"outcome": "passed", "checked_on": then.isoformat()},
                                  township, None)
    welfare.decide(opened["child_id"], {"outcome": "confirmed", "category": "orphan", "reasons": ["父母双亡"],
                                        "decided_on": then.isoformat()}, officer, None)
    return opened["child_id"]


def test_a_child_declared_dead_after_an_earlier_accident_has_the_months_paid_since_go_to_an_officer_D6(api, world):
    """The file ends in the judgment month; art. 48 dates the death to the accident, and the months paid after it
    are listed for an officer (GET /tasks, `payment_reviews`). The file was confirmed three months before the
    judgment, whatever today's day of the month: months after the accident were paid."""
    child = synthetic_id_number(born=TODAY - dt.timedelta(days=9 * 365))
    child_id = confirmed_months_ago(world, child)
    child_file = f"/v1/child-welfare/children/{child_id}"
    assert created(api.get(child_file, **OFFICER))["category"] == "orphan"

    declare(api, child, judged=0, ground="accident_certified", deemed_dead_on=day(-150), who=REGISTRAR,
            plausibility_confirmed=True)

    ended = wait_until(lambda: (f := created(api.get(child_file, **OFFICER)))["status"] == "terminated" and f,
                       timeout=30, what="the declared child's file ended")
    assert ended["status"] == "terminated"
    reviews = created(api.get("/v1/child-welfare/tasks", **OFFICER))["payment_reviews"]
    [review] = [r for r in reviews if r["child_id"] == child_id]
    first_paid = (TODAY - dt.timedelta(days=92)).replace(day=1) + dt.timedelta(days=31)  # the month after
    assert (review["reason"], review["from"], review["until"]) == (
        "paid_after_declared_death", first_paid.strftime("%Y-%m"), TODAY.strftime("%Y-%m"))


def test_only_the_courts_among_bureaus_and_no_clerk_enter_a_declaration_D1(api):
    person = synthetic_id_number()
    body = {"kind": "death", "id_number": person, "court": "渭南市临渭区人民法院",
            "judgment_ref": "(2026)陕0502民特9001号", "judgment_on": day(-3)}
    police = {"as_": "bureau", "bureau": "public_security", "headers": {"X-Purpose": "trying to write"}}
    assert_problem(api.post(DECLARATIONS, json=body, **police), 403, "forbidden")
    assert_problem(api.post(DECLARATIONS, json=body, **CLERK), 403, "forbidden")
    first = created(api.post(DECLARATIONS, json=body, **COURTS))
    again = created(api.post(DECLARATIONS, json=body, **COURTS))  # the same court and case number: the same one
    assert again["declaration_id"] == first["declaration_id"]
    assert_problem(api.post(DECLARATIONS, json={**body, "judgment_ref": "(2026)陕0502民特9002号"}, **COURTS),
                   409, "declaration_exists")
    assert_problem(api.get(f"{DECLARATIONS}/{first['declaration_id']}", **police), 403, "forbidden")
    assert created(api.get(f"{DECLARATIONS}/{first['declaration_id']}", **COURTS))["standing"] is True


def test_a_death_withdrawn_as_registered_in_error_never_ended_the_marriage_D11(api):
    husband, wife = synthetic_id_number(sex="male"), synthetic_id_number(sex="female")
    marriage = marry(api, husband, wife, on=-29)
    death = register_death(api, husband, died=-20)
    wait_for_status(api, wife, "widowed")

    created(api.post(f"/v1/funeral/deaths/{death['death_id']}/withdrawal", **REGISTRAR, json={
        "reason": "本人仍健在，医院撤销死亡证明", "document_ref": "CX-2026-1"}))

    married = wait_for_status(api, wife, "married")
    assert married["registration_id"] == marriage["registration_id"]
    assert_problem(api.post(f"/v1/funeral/deaths/{death['death_id']}/collection", as_="funeral_staff",
                            office="FH-610502", json={}), 409, "death_withdrawn")  # nothing more happens on it
    wait_until(lambda: facts(api, wife, as_of=-10)["marital_status"] == "married", timeout=30,
               what="married on every date")
    assert facts(api, husband, as_of=-10)["alive"] is True


def register_death(api: Api, person: str, died: int) -> dict[str, Any]:
    return created(api.post("/v1/funeral/deaths", as_="funeral_staff", office="FH-610502", json={
        "id_number": person, "died_on": day(died), "place_division": "610502", "certificate_no": "D12345678",
        "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"}))


def marriages_to_review(api: Api) -> dict[str, dict[str, Any]]:
    """The marriage registrar's review list (every marriage flagged for review), all pages, by registration."""
    items, cursor = [], ""
    while True:
        page = created(api.get(f"/v1/marriage/historical-records/review?limit=200{cursor}", **REGISTRAR))
        items += page["items"]
        if page["next_cursor"] is None:
            return {item["registration_id"]: item for item in items}
        cursor = f"&cursor={page['next_cursor']}"


def test_a_survivors_remarriage_before_the_death_is_withdrawn_goes_to_the_registrar_D11(api):
    """D-11 and M-3: the widow remarried while her husband was registered dead; the death is withdrawn (he is alive
    on every date): her later marriage is flagged `spouse_death_withdrawn` and waits in the registrar's review
    list, and the first marriage is left widowed as it was — neither revived nor dissolved — for the registrar."""
    husband, wife, second = (synthetic_id_number(sex="male"), synthetic_id_number(sex="female"),
                             synthetic_id_number(sex="male"))
    first = marry(api, husband, wife, on=-29)
    death = register_death(api, husband, died=-20)
    wait_for_status(api, wife, "widowed")
    later = marry(api, second, wife, on=-10)
    assert later["registration_id"] not in marriages_to_review(api)  # nothing to look at yet

    created(api.post(f"/v1/funeral/deaths/{death['death_id']}/withdrawal", **REGISTRAR, json={
        "reason": "本人仍健在，医院撤销死亡证明", "document_ref": "CX-2026-2"}))

    flagged = wait_until(lambda: (found := created(api.get(
        f"/v1/marriage/registrations/{later['registration_id']}", **REGISTRAR)))["flags"] and found,
        timeout=30, what="the later marriage flagged")
    assert (flagged["flags"], flagged["status"]) == (["spouse_death_withdrawn"], "married")
    item = marriages_to_review(api)[later["registration_id"]]
    assert (item["review"], item["imported"], item["status"]) == (["spouse_death_withdrawn"], False, "married")
    assert {p["id_number"] for p in item["parties"]} == {second, wife}

    old = created(api.get(f"/v1/marriage/registrations/{first['registration_id']}", **REGISTRAR))
    assert (old["status"], old["ended_on"], old["flags"]) == ("widowed", day(-20), [])  # left for the registrar
    assert first["registration_id"] not in marriages_to_review(api)
    assert status(api, wife)["registration_id"] == later["registration_id"]
    wait_until(lambda: facts(api, husband, as_of=-10)["alive"], timeout=30, what="alive on every date")


def take_in(api: Api, station: str, person: dict[str, Any]) -> dict[str, Any]:
    """V-2: a relief station takes the person in (walked in two days ago)."""
    arrived = dt.datetime.combine(TODAY - dt.timedelta(days=2), dt.time(9), tzinfo=LOCAL_TIME_ZONE)
    return created(api.post("/v1/vagrant-aid/cases", as_="relief_staff", office=station, json={
        "station": station, "arrived_at": arrived.isoformat(), "source": "police", "consent": True,
        "person": person}))


def relief_case(api: Api, case: dict[str, Any], station: str) -> dict[str, Any]:
    return created(api.get(f"/v1/vagrant-aid/cases/{case['case_id']}", as_="relief_staff", office=station))


def test_a_declaration_about_the_person_of_an_open_relief_case_alerts_the_staff_D9(api):
    person = synthetic_id_number(sex="male")
    case = take_in(api, "RS-610500", {"id_number": person, "name": "张流浪", "sex": "male"})

    # The stay itself contradicts "missing since 2020" (D-2): the registrar confirms the judgment.
    declared = declare(api, person, judged=-1, kind="missing", who=REGISTRAR, missing_since="2020-01-01",
                       plausibility_confirmed=True)

    [alert] = wait_until(lambda: relief_case(api, case, "RS-610500")["alerts"], timeout=30,
                         what="the station's staff alerted")
    assert (alert["declaration_id"], alert["kind"]) == (declared["declaration_id"], "missing")
    assert relief_case(api, case, "RS-610500")["status"] == "open"  # the case itself is unchanged


def test_identifying_or_taking_in_a_declared_person_alerts_the_staff_D9(api):
    """V-6 and V-2: once relief stations know of the declaration (the open case at the city station is alerted),
    a county station identifying an unidentified man as the declared person alerts its staff, and so does the
    city station taking him in again by his ID number after he left; the aid itself goes on."""
    person = synthetic_id_number(sex="male")
    first = take_in(api, "RS-610500", {"id_number": person, "name": "张流浪", "sex": "male"})
    declared = declare(api, person, judged=-1)
    wait_until(lambda: relief_case(api, first, "RS-610500")["alerts"], timeout=30, what="the declaration known")

    unknown = take_in(api, "RS-610528", {"sex": "male", "estimated_age": 40})
    identified = created(api.post(f"/v1/vagrant-aid/cases/{unknown['case_id']}/identification",
                                  as_="relief_staff", office="RS-610528", json={"id_number": person, "method": "dna"}))
    assert [(a["reason"], a["declaration_id"]) for a in identified["alerts"]] == [
        ("declared_person_identified", declared["declaration_id"])]

    created(api.post(f"/v1/vagrant-aid/cases/{first['case_id']}/exit", as_="relief_staff", office="RS-610500",
                     json={"kind": "self_departure", "declaration_signed": True}))
    again = take_in(api, "RS-610500", {"id_number": person, "name": "张流浪", "sex": "male"})
    assert [(a["reason"], a["kind"]) for a in again["alerts"]] == [("declared_person_taken_in", "death")]
    assert again["status"] == "open"


def test_a_relief_case_closed_by_a_death_withdrawn_as_registered_in_error_is_open_again_D11(api):
    person = synthetic_id_number(sex="male")
    case = take_in(api, "RS-610500", {"id_number": person, "name": "张流浪", "sex": "male"})
    created(api.post(f"/v1/vagrant-aid/cases/{case['case_id']}/exit", as_="relief_staff", office="RS-610500", json={
        "kind": "died", "died_on": day(-1), "place_division": "610502", "natural": True,
        "certificate_no": "D-2026-77", "issuer": "渭南市中心医院"}))
    death = wait_until(lambda: (found := created(api.get(f"/v1/funeral/persons/{person}/death", as_="admin")))
                       ["deceased"] and found, timeout=30, what="the relief-station death at funeral")

    created(api.post(f"/v1/funeral/deaths/{death['death_id']}/withdrawal", **REGISTRAR, json={
        "reason": "误报死亡，本人已被送医救治", "document_ref": "CX-2026-2"}))

    reopened = wait_until(lambda: (found := relief_case(api, case, "RS-610500"))["status"] == "open" and found,
                          timeout=30, what="the relief case open again")
    assert [r["reason"] for r in reopened["reopenings"]] == ["death_withdrawn"]


def test_a_cenotaph_for_a_person_declared_dead_is_kept_by_approved_exception_D8(api):
    """No death record, no body (D-8): the family keeps a plot for a cenotaph (衣冠冢) as an F-3 exception naming
    the standing death declaration; a missing declaration is no ground for one."""
    staff = {"as_": "funeral_staff", "office": "CEM-610502-1"}
    created(api.post("/v1/funeral/cemeteries", as_="admin", json={
        "code": "CEM-610502-1", "name": "临渭区公益性公墓", "kind": "public_welfare"}))
    created(api.post("/v1/funeral/cemeteries/CEM-610502-1/plots", as_="admin", json={"plots": [
        {"number": "Y-1", "kind": "plot", "burial_type": "ashes", "area_m2": 0.8},
        {"number": "Y-2", "kind": "plot", "burial_type": "ashes", "area_m2": 0.8}]}))
    dead, missing = synthetic_id_number(sex="male"), synthetic_id_number(sex="male")
    declared = declare(api, dead, judged=-3)
    only_missing = declare(api, missing, judged=-3, kind="missing", who=REGISTRAR, missing_since="2020-01-01")
    exception = {"reason": "宣告死亡，家属立衣冠冢", "approved_by": "殡葬管理科", "approval_ref": "YG-2026-1"}

    def reserve(plot: str, person: str, declaration_id: str):  # noqa: ANN202 - a response
        return api.post(f"/v1/funeral/plots/CEM-610502-1.{plot}/reservations", **staff, json={
            "exception": exception, "reserved_for": {"name": "王建国", "id_number": person},
            "rights_holder": {"name": "王小明"}, "declaration_id": declaration_id})

    created(reserve("Y-1", dead, declared["declaration_id"]))
    plot = created(api.get("/v1/funeral/plots/CEM-610502-1.Y-1", **staff))
    assert (plot["reserved"], plot["occupants"]) == (1, 0)
    assert not created(api.get(f"/v1/funeral/persons/{dead}/death", **CLERK)).get("death_id")
    assert_problem(reserve("Y-2", missing, only_missing["declaration_id"]), 409, "cenotaph_not_applicable")
    assert_problem(reserve("Y-2", missing, declared["declaration_id"]), 409, "cenotaph_not_applicable")


def test_eight_declarations_of_one_person_at_once_exactly_one_is_recorded_D1(api):
    """D-1: two registrars entering a death declaration of one person at once (different case numbers): the
    partial unique index on the standing declarations lets one commit; the others are refused, writing nothing."""
    person = synthetic_id_number()

    def post(n: int):  # noqa: ANN202 - a response
        body = {"kind": "death", "id_number": person, "court": "渭南市临渭区人民法院",
                "judgment_ref": f"(2026)陕0502民特{8000 + n}号", "judgment_on": day(-2)}
        return Api(api.base_url).post(DECLARATIONS, json=body, headers={"Idempotency-Key": f"race-{uuid.uuid4()}"},
                                      **REGISTRAR)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(post, range(8)))

    assert sorted(r.status_code for r in responses) == [201] + [409] * 7, [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"declaration_exists"}


def test_d8_a_body_found_later_is_linked_and_its_other_date_goes_to_the_registrar(api):
    """A person declared dead (judgment 20 days ago) is found dead, dated 5 days ago: the death is registered
    as any death (F-1), linked to the declaration, and the two dates wait for the registrar in the registrar's
    task list; the timeline gives the registered death from its date, the declared one before it (D-10)."""
    person = synthetic_id_number(sex="male")
    declared = declare(api, person, judged=-20)

    death = created(api.post("/v1/funeral/deaths", as_="funeral_staff", office="FH-610502", json={
        "id_number": person, "died_on": day(-5), "place_division": "610502", "certificate_no": "D-2026-88",
        "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"}))

    assert (death["declaration_id"], death["review"]) == (declared["declaration_id"], ["declared_date_conflict"])
    reviews = created(api.get("/v1/funeral/tasks", **REGISTRAR))["declaration_reviews"]
    [item] = [r for r in reviews if r["death_id"] == death["death_id"]]
    assert (item["declaration_id"], item["subject_id"], item["died_on"], item["declared_died_on"]) == (
        declared["declaration_id"], person, day(-5), day(-20))
    staff_view = created(api.get("/v1/funeral/tasks", as_="funeral_staff", office="FH-610502"))
    assert staff_view["declaration_reviews"] == []  # the registrar's, not the funeral home's
    answer = created(api.get(f"/v1/funeral/persons/{person}/death", as_="admin"))
    assert (answer["basis"], answer["died_on"], answer["death_id"]) == ("registered", day(-5), death["death_id"])

    now = wait_until(lambda: (f := facts(api, person))["death_basis"] == "registered" and f, timeout=30,
                     what="the registered death on the timeline")
    assert (now["alive"], now["died_on"]) == (False, day(-5))
    before = facts(api, person, as_of=-10)
    assert (before["alive"], before["died_on"], before["death_basis"]) == (False, day(-20), "declared")


def test_d8_a_body_found_later_dated_as_the_declaration_is_linked_with_nothing_to_review(api):
    person = synthetic_id_number(sex="male")
    declared = declare(api, person, judged=-12)
    death = created(api.post("/v1/funeral/deaths", as_="funeral_staff", office="FH-610502", json={
        "id_number": person, "died_on": day(-12), "place_division": "610502", "certificate_no": "D-2026-89",
        "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"}))

    assert (death["declaration_id"], death["review"]) == (declared["declaration_id"], [])
    reviews = created(api.get("/v1/funeral/tasks", **REGISTRAR))["declaration_reviews"]
    assert death["death_id"] not in {r["death_id"] for r in reviews}


def wait_for_timeline(api: Api, person: str, event_type: str) -> None:
    def shown() -> bool:
        answer = api.get(f"/v1/persons/{person}/timeline", as_="admin")
        return answer.status_code == 200 and event_type in {e["type"] for e in answer.json()["entries"]}
    wait_until(shown, timeout=30, what=f"{event_type} on the timeline")


def test_d2_a_judgment_contradicted_by_a_marriage_registered_since_is_held_for_the_registrar(api):
    """Missing since 2020, lawful by date; but the person married 29 days ago at a civreg office: the courts'
    entry is refused as implausible, naming the service and the date; a registrar confirms it, and the
    declaration records what was seen."""
    husband, wife = synthetic_id_number(sex="male"), synthetic_id_number(sex="female")
    marry(api, husband, wife, on=-29)
    wait_for_timeline(api, husband, "marriage.MarriageRegistered")
    body = {"kind": "missing", "id_number": husband, "court": "渭南市临渭区人民法院",
            "judgment_ref": f"(2026)陕0502民特{next(_cases)}号", "judgment_on": day(-3), "missing_since": "2020-01-01",
            "seen_alive": []}  # a client's `seen_alive` is replaced by what civreg saw

    problem = assert_problem(api.post(DECLARATIONS, json=body, **COURTS), 422, "declaration_implausible")
    assert {"loc": ["seen_alive", 0, "marriage"], "msg": day(-29)} in problem["errors"]
    assert_problem(api.post(DECLARATIONS, json={**body, "plausibility_confirmed": True}, **COURTS), 422,
                   "declaration_implausible")  # the courts' system does not confirm its own

    confirmed = created(api.post(DECLARATIONS, json={**body, "plausibility_confirmed": True}, **REGISTRAR))
    shown = created(api.get(f"{DECLARATIONS}/{confirmed['declaration_id']}", **REGISTRAR))
    assert (shown["standing"], shown["plausibility_confirmed"]) == (True, True)
    assert shown["seen_alive"] == [{"service": "marriage", "on": day(-29)}]


def test_d2_a_death_declaration_contradicted_by_a_marriage_after_the_accident_is_held_D2(api):
    """Accident 200 days ago (certified: three months' notice); the person married 29 days ago: held, naming the
    marriage service and the day; a registrar confirms it."""
    person, wife = synthetic_id_number(sex="male"), synthetic_id_number(sex="female")
    marry(api, person, wife, on=-29)
    wait_for_timeline(api, person, "marriage.MarriageRegistered")
    body = {"kind": "death", "id_number": person, "court": "渭南市临渭区人民法院",
            "judgment_ref": f"(2026)陕0502民特{next(_cases)}号", "judgment_on": day(-1), "ground": "accident_certified",
            "deemed_dead_on": day(-200)}

    problem = assert_problem(api.post(DECLARATIONS, json=body, **REGISTRAR), 422, "declaration_implausible")
    assert {"loc": ["seen_alive", 0, "marriage"], "msg": day(-29)} in problem["errors"]

    created(api.post(DECLARATIONS, json={**body, "plausibility_confirmed": True}, **REGISTRAR))
    assert wait_for_status(api, wife, "widowed")["since"] == day(-1)  # D-4 as for any death declaration


def test_d2_a_relief_stay_holds_the_judgment_for_a_registrar_naming_only_the_service_and_day_D9(api):
    """D-2 checks a judgment against every service's sightings, whatever the declarer may read of the timeline:
    a relief stay (class `case`, not the courts' or a registrar's to read) holds the courts' entry for a
    registrar, the refusal naming the service and the day and nothing of the case; the read is in the person's
    access history with its purpose; the station's staff are alerted when it is confirmed (D-9)."""
    person = synthetic_id_number(sex="male")
    case = take_in(api, "RS-610500", {"id_number": person, "name": "张流浪", "sex": "male"})  # two days ago
    wait_for_timeline(api, person, "vagrant_aid.PersonTakenIn")
    body = {"kind": "death", "id_number": person, "court": "渭南市临渭区人民法院",
            "judgment_ref": f"(2026)陕0502民特{next(_cases)}号", "judgment_on": day(-1), "ground": "accident_certified",
            "deemed_dead_on": day(-200)}

    problem = assert_problem(api.post(DECLARATIONS, json=body, **COURTS), 422, "declaration_implausible")
    assert {"loc": ["seen_alive", 0, "vagrant_aid"], "msg": day(-2)} in problem["errors"]
    assert case["case_id"] not in str(problem) and "RS-610500" not in str(problem)
    timeline = api.get(f"/v1/persons/{person}/timeline", **COURTS)
    assert timeline.status_code in (403, 404) or "vagrant_aid" not in timeline.text  # still not theirs to read

    declared = created(api.post(DECLARATIONS, json={**body, "plausibility_confirmed": True}, **REGISTRAR))
    [alert] = wait_until(lambda: relief_case(api, case, "RS-610500")["alerts"], timeout=30,
                         what="the station's staff alerted")
    assert alert["declaration_id"] == declared["declaration_id"]
    history = created(api.get(f"/v1/persons/{person}/access-log", as_="oversight"))["entries"]
    reads = [e for e in history if e["action"] == "timeline.seen_alive"]
    assert {(e["role"], e["detail"]) for e in reads} == {("bureau", f"vagrant_aid {day(-2)}"),
                                                         ("marriage_registrar", f"vagrant_aid {day(-2)}")}
    assert all(e["purpose"].startswith("D-2") for e in reads)


def test_d8_an_unidentified_body_identified_as_a_person_declared_dead_is_linked_for_the_registrar(api):
    """F-6: a body found four days ago, unidentified; identified by DNA as a man declared dead 15 days ago: the
    identification links the declaration, and the two dates wait for the registrar."""
    person = synthetic_id_number(sex="male")
    declared = declare(api, person, judged=-15)
    body = created(api.post("/v1/funeral/deaths", as_="funeral_staff", office="FH-610502", json={
        "died_on": day(-4), "place_division": "610502", "certificate_no": "D-2026-90", "issuer": "渭南市中心医院",
        "natural": True, "funeral_home": "FH-610502",
        "unidentified": {"police_case": "渭公刑字〔2026〕17号", "description": "male, about 50"}}))
    assert body["declaration_id"] is None  # nobody known yet

    created(api.post(f"/v1/funeral/deaths/{body['death_id']}/identification", as_="funeral_staff",
                     office="FH-610502", json={"id_number": person, "method": "dna"}))

    reviews = created(api.get("/v1/funeral/tasks", **REGISTRAR))["declaration_reviews"]
    [item] = [r for r in reviews if r["death_id"] == body["death_id"]]
    assert (item["declaration_id"], item["subject_id"], item["died_on"], item["declared_died_on"]) == (
        declared["declaration_id"], person, day(-4), day(-15))


def test_d8_the_registrar_settles_a_conflicting_date_and_it_leaves_the_task_list(api):
    """The body found later (dated 4 days ago) of a person declared dead 15 days ago: the registrar settles the
    review with the date found to stand and the reason, at the record's version (If-Match); the item leaves the
    list, neither date changes, and the settlement is on the person's history."""
    person = synthetic_id_number(sex="female")
    declare(api, person, judged=-15)
    death = created(api.post("/v1/funeral/deaths", as_="funeral_staff", office="FH-610502", json={
        "id_number": person, "died_on": day(-4), "place_division": "610502", "certificate_no": "D-2026-90",
        "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"}))
    path = f"/v1/funeral/deaths/{death['death_id']}/declaration-review"
    assert death["death_id"] in reviewed(api)
    body = {"outcome": "declared_date_stands", "reason": "遗体无法确定死亡日期，以判决认定为准"}

    assert_problem(api.post(path, json=body, as_="funeral_staff", office="FH-610502"), 403, "forbidden")
    assert_problem(api.post(path, json=body, headers={"If-Match": '"9"'}, **REGISTRAR), 409, "concurrency_conflict")
    assert_problem(api.post(path, json={**body, "outcome": "either"}, **REGISTRAR), 422, "validation_failed")
    settled = created(api.post(path, json=body, headers={"If-Match": f'"{death["version"]}"'}, **REGISTRAR))

    assert (settled["death_id"], settled["version"]) == (death["death_id"], death["version"] + 1)
    reviews = created(api.get("/v1/funeral/tasks", **REGISTRAR))["declaration_reviews"]
    assert death["death_id"] not in {r["death_id"] for r in reviews}
    assert death["death_id"] not in reviewed(api)
    assert_problem(api.post(path, json=body, **REGISTRAR), 409, "no_review_pending")
    answer = created(api.get(f"/v1/funeral/persons/{person}/death", as_="admin"))
    assert (answer["basis"], answer["died_on"]) == ("registered", day(-4))  # civreg decides neither date
    wait_for_timeline(api, person, "funeral.DeclarationReviewSettled")


def reviewed(api: Api) -> list[str]:
    """Every death on the registrar's review list, read one item a page (GET /v1/funeral/declaration-reviews)."""
    found, cursor = [], None
    while True:
        page = created(api.get("/v1/funeral/declaration-reviews", params={"limit": 1, **({"cursor": cursor} if cursor
                                                                                        else {})}, **REGISTRAR))
        found += [item["death_id"] for item in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            return found


def test_d8_the_review_list_is_paged_for_registrars_and_admins_only(api):
    for died in (-3, -2):
        person = synthetic_id_number(sex="male")
        declare(api, person, judged=-30)
        created(api.post("/v1/funeral/deaths", as_="funeral_staff", office="FH-610502", json={
            "id_number": person, "died_on": day(died), "place_division": "610502", "certificate_no": "D-2026-91",
            "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"}))

    whole = created(api.get("/v1/funeral/declaration-reviews", params={"limit": 500}, **REGISTRAR))
    assert len(whole["items"]) >= 2 and whole["next_cursor"] is None
    one_by_one = reviewed(api)
    assert one_by_one == [item["death_id"] for item in whole["items"]]  # oldest date of death first, none twice
    assert [i["died_on"] for i in whole["items"]] == sorted(i["died_on"] for i in whole["items"])
    assert created(api.get("/v1/funeral/declaration-reviews", as_="admin"))["items"] == whole["items"]
    assert_problem(api.get("/v1/funeral/declaration-reviews", as_="funeral_staff", office="FH-610502"), 403,
                   "forbidden")
