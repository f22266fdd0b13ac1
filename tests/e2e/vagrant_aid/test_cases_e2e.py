"""Relief cases end to end through the gateway, on the real database and broker: intake, services, stay,
family search, identification, exits, and the events other services consume (docs/events.md)."""

from __future__ import annotations

import pytest

from tests.e2e.vagrant_aid.support import count_events, days_ago, identified, intake, key, new_id_number, today
from tests.support.problems import assert_problem as problem

pytestmark = pytest.mark.integration

STAFF = {"as_": "relief_staff", "office": "RS-610500"}
COUNTY_STAFF = {"as_": "relief_staff", "office": "RS-610528"}
CASES = "/v1/vagrant-aid/cases"


def take_in(api, body, who=STAFF):
    response = api.post(CASES, json=body, headers=key(), **who)
    assert response.status_code == 201, response.text
    return response.json()


def test_identified_person_is_taken_in_and_PersonTakenIn_is_published_V2(api, probe):
    id_number = new_id_number()
    case = take_in(api, identified(id_number, person={"name": "张三"}, reason="钱包被盗",
                                   relatives=[{"relation": "儿子", "phone": "13800000000"}],
                                   belongings=[{"item": "背包"}]))

    assert case["subject_id"] == id_number and case["identified"] and case["version"] == 1
    assert case["status"] == "open" and case["station"] == "RS-610500"
    assert case["relatives"] == [{"relation": "儿子", "phone": "13800000000"}]
    event = probe.wait_for("vagrant_aid.PersonTakenIn", case["case_id"])
    assert event["subjects"] == [{"id": id_number, "role": "person"}]
    assert {"station": "RS-610500", "station_division": "610500", "source": "patrol", "identified": True,
            "minor": False, "birth_date": "1980-05-17", "sex": "male"}.items() <= event["payload"].items()
    assert event["metadata"]["office"] == "RS-610500" and event["metadata"]["actor"] == "relief.RS-610500"

    fetched = api.get(f"{CASES}/{case['case_id']}", **STAFF).json()
    assert fetched["version"] == 1 and fetched["history"][0]["type"] == "vagrant_aid.PersonTakenIn"


def test_unidentified_person_gets_a_temporary_subject_id_and_family_search_deadlines_V2_V6(api, probe):
    case = take_in(api, intake(person={"sex": "female", "estimated_age": 70, "description": "灰色外套"},
                               flags=["elderly"]))

    assert case["subject_id"].startswith("TMP-RS610500-") and case["temporary_id"] == case["subject_id"]
    assert case["family_search"]["notice_due_at"] and case["family_search"]["dna_due_on"]
    event = probe.wait_for("vagrant_aid.PersonTakenIn", case["case_id"])
    assert event["subjects"] == [{"id": case["subject_id"], "role": "person"}]
    assert event["payload"]["estimated_age"] == 70 and event["payload"]["identified"] is False


def test_screening_flags_refer_to_hospital_V3(api, probe):
    case = take_in(api, intake(flags=["infectious_suspected", "ill"], consent=False, speaks_for_self=False,
                               person={"sex": "male", "estimated_age": 50}))
    assert case["hospital_referral"] == {"reasons": ["ill", "infectious_suspected"]}
    probe.wait_for("vagrant_aid.HospitalReferred", case["case_id"])


def test_consent_is_required_of_a_person_who_can_speak_for_themselves_V2(api, store_db):
    before = count_events(store_db)
    problem(api.post(CASES, json=intake(consent=False), **STAFF), 422, "consent_required")
    assert count_events(store_db) == before


def test_minor_is_referred_to_child_welfare_and_cannot_leave_by_self_departure_V7(api, probe):
    case = take_in(api, intake(person={"sex": "female", "estimated_age": 13}, consent=False))
    assert case["minor"] and case["guardianship"] == "temporary_state"

    referral = probe.wait_for("vagrant_aid.MinorReferred", case["case_id"])
    assert referral["subjects"] == [{"id": case["subject_id"], "role": "child"}]
    assert {"station": "RS-610500", "station_division": "610500", "identified": False, "estimated_age": 13,
            "sex": "female", "guardianship": "temporary_state",
            "referred_on": today().isoformat()}.items() <= referral["payload"].items()

    refused = api.post(f"{CASES}/{case['case_id']}/exit", json={"kind": "self_departure",
                                                                 "declaration_signed": True}, **STAFF)
    problem(refused, 422, "minor_cannot_self_depart")
    left = api.post(f"{CASES}/{case['case_id']}/exit", json={"kind": "transferred",
                                                              "transferred_to": "minors_protection"}, **STAFF)
    assert left.status_code == 200 and left.json()["status"] == "closed"
    exited = probe.wait_for("vagrant_aid.PersonExited", case["case_id"])
    assert exited["payload"]["minor"] is True and exited["payload"]["transferred_to"] == "minors_protection"


def test_death_in_care_publishes_PersonExited_died_for_the_funeral_service_V8(api, probe):
    case = take_in(api, intake(arrived_at=days_ago(2), person={"sex": "male", "estimated_age": 80}))
    died_on = today().isoformat()
    response = api.post(f"{CASES}/{case['case_id']}/exit", json={
        "kind": "died", "died_on": died_on, "place_division": "610502", "natural": True,
        "certificate_no": "D-2025-0001", "issuer": "渭南市中心医院"}, **STAFF)
    assert response.status_code == 200, response.text

    event = probe.wait_for("vagrant_aid.PersonExited", case["case_id"])
    assert event["subjects"] == [{"id": case["subject_id"], "role": "person"}]  # TMP: unidentified body
    assert {"kind": "died", "died_on": died_on, "exited_on": died_on, "place_division": "610502",
            "natural": True, "certificate_no": "D-2025-0001", "issuer": "渭南市中心医院", "station": "RS-610500",
            "identified": False}.items() <= event["payload"].items()
    problem(api.post(f"{CASES}/{case['case_id']}/services", json={"kind": "food"}, **STAFF), 409, "case_closed")


def test_services_with_cash_capped_at_twenty_yuan_V4(api, store_db):
    case = take_in(api, identified(new_id_number()))
    path = f"{CASES}/{case['case_id']}/services"
    for body in ({"kind": "food", "detail": "午餐"}, {"kind": "lodging"}, {"kind": "cash", "amount": "15.00"}):
        assert api.post(path, json=body, headers=key(), **STAFF).status_code == 201

    before = count_events(store_db)
    problem(api.post(path, json={"kind": "cash", "amount": 5.5}, **STAFF), 422, "cash_over_limit")
    assert count_events(store_db) == before
    result = api.post(path, json={"kind": "cash", "amount": 5}, **STAFF).json()
    assert result["cash_total"] == "20.00" and result["version"] == 5
    assert [s["kind"] for s in result["services"]] == ["food", "lodging", "cash", "cash"]
    assert result["services"][1]["section"] == "male"  # lodging separated by sex


def test_a_command_with_a_stale_if_match_is_409_and_writes_nothing(api, store_db):
    case = take_in(api, identified(new_id_number()))
    path = f"{CASES}/{case['case_id']}/services"
    assert api.post(path, json={"kind": "food"}, headers={"If-Match": "1"}, **STAFF).json()["version"] == 2

    before = count_events(store_db)
    problem(api.post(path, json={"kind": "food"}, headers={"If-Match": "1"}, **STAFF), 409, "concurrency_conflict")
    assert count_events(store_db) == before
    assert api.post(path, json={"kind": "lodging"}, headers={"If-Match": "2"}, **STAFF).status_code == 201


def test_stranded_cases_are_listed_until_an_extension_is_filed_V5(api):
    stranded = take_in(api, identified(new_id_number(), arrived_at=days_ago(15)))
    recent = take_in(api, identified(new_id_number(), arrived_at=days_ago(1)))

    listed = {c["case_id"] for c in api.get(f"{CASES}?stranded=true", **STAFF).json()["cases"]}
    assert stranded["case_id"] in listed and recent["case_id"] not in listed
    assert api.get(f"{CASES}/{stranded['case_id']}", **STAFF).json()["stay"]["stranded"] is True

    until = today().replace(year=today().year + 1).isoformat()
    response = api.post(f"{CASES}/{stranded['case_id']}/extension", json={"until": until, "reason": "等待寻亲结果"},
                        **STAFF)
    assert response.status_code == 201 and response.json()["stay"]["last_day"] == until
    listed = {c["case_id"] for c in api.get(f"{CASES}?stranded=true", **STAFF).json()["cases"]}
    assert stranded["case_id"] not in listed


def test_overdue_family_search_notices_and_dna_requests_are_listed_V6(api):
    late_notice = take_in(api, intake(arrived_at=days_ago(2)))
    late_dna = take_in(api, intake(arrived_at=days_ago(20)))
    fresh = take_in(api, intake())

    overdue_notice = {c["case_id"] for c in api.get(f"{CASES}?overdue=notice", **STAFF).json()["cases"]}
    overdue_dna = {c["case_id"] for c in api.get(f"{CASES}?overdue=dna", **STAFF).json()["cases"]}
    assert {late_notice["case_id"], late_dna["case_id"]} <= overdue_notice
    assert late_dna["case_id"] in overdue_dna and late_notice["case_id"] not in overdue_dna
    assert fresh["case_id"] not in overdue_notice | overdue_dna

    api.post(f"{CASES}/{late_dna['case_id']}/family-search", json={"step": "notice", "detail": "渭南日报"}, **STAFF)
    api.post(f"{CASES}/{late_dna['case_id']}/family-search", json={"step": "dna_requested"}, **STAFF)
    overdue = {c["case_id"] for c in api.get(f"{CASES}?overdue=dna", **STAFF).json()["cases"]}
    assert late_dna["case_id"] not in overdue
    view = api.get(f"{CASES}/{late_dna['case_id']}", **STAFF).json()["family_search"]
    assert not view["notice_overdue"] and not view["dna_overdue"]


def test_identification_links_the_temporary_id_to_the_id_number_V6(api, probe):
    case = take_in(api, intake(person={"sex": "male", "estimated_age": 44}))
    id_number = new_id_number()
    response = api.post(f"{CASES}/{case['case_id']}/identification", json={"id_number": id_number,
                                                                             "method": "dna"}, **STAFF)
    assert response.status_code == 200, response.text
    assert response.json()["subject_id"] == id_number and response.json()["temporary_id"] == case["subject_id"]

    event = probe.wait_for("vagrant_aid.PersonIdentified", case["case_id"])
    assert event["subjects"] == [{"id": case["subject_id"], "role": "temporary"},
                                 {"id": id_number, "role": "identified"}]
    assert {"temporary_id": case["subject_id"], "id_number": id_number, "method": "dna",
            "identified_on": today().isoformat()}.items() <= event["payload"].items()
    listed = api.get(f"{CASES}?person={id_number}", **STAFF).json()["cases"]
    assert [c["case_id"] for c in listed] == [case["case_id"]]
    problem(api.post(f"{CASES}/{case['case_id']}/identification", json={"id_number": id_number, "method": "dna"},
                     **STAFF), 409, "already_identified")


def test_escorted_home_with_destination_and_handed_to_V8(api, probe):
    case = take_in(api, identified(new_id_number()))
    response = api.post(f"{CASES}/{case['case_id']}/exit", json={
        "kind": "escorted", "destination_division": "610528", "handed_to": "富平县救助管理站"}, **STAFF)
    assert response.json()["exit"]["returned_home"] is True
    event = probe.wait_for("vagrant_aid.PersonExited", case["case_id"])
    assert {"destination_division": "610528", "handed_to": "富平县救助管理站"}.items() <= event["payload"].items()


def test_staff_act_and_read_only_for_their_own_station_V1(api, store_db):
    case = take_in(api, identified(new_id_number()))

    before = count_events(store_db)
    problem(api.post(CASES, json=identified(new_id_number()), **COUNTY_STAFF), 403, "forbidden_station")
    problem(api.post(f"{CASES}/{case['case_id']}/services", json={"kind": "food"}, **COUNTY_STAFF), 403,
            "forbidden_station")
    problem(api.get(f"{CASES}/{case['case_id']}", **COUNTY_STAFF), 403, "forbidden_station")
    problem(api.get(f"{CASES}?station=RS-610500", **COUNTY_STAFF), 403, "forbidden_station")
    assert count_events(store_db) == before
    assert case["case_id"] not in {c["case_id"] for c in api.get(CASES, **COUNTY_STAFF).json()["cases"]}
    assert api.get(f"{CASES}/{case['case_id']}", as_="admin").status_code == 403  # no business role (release 2)
    assert api.get(f"{CASES}/{case['case_id']}", **STAFF).status_code == 200


def test_unknown_and_malformed_case_ids_are_404(api):
    problem(api.get(f"{CASES}/00000000-0000-4000-8000-00000000dead", **STAFF), 404, "not_found")
    problem(api.get(f"{CASES}/1%20OR%201=1", **STAFF), 404, "not_found")
    problem(api.post(f"{CASES}/not-a-case/services", json={"kind": "food"}, **STAFF), 404, "not_found")


def test_ineligible_person_is_refused_with_a_reason_V2(api, probe):
    response = api.post("/v1/vagrant-aid/refusals", json={
        "station": "RS-610500", "source": "walk_in", "reason": "self_sufficient", "detail": "有固定住所",
        "person": {"sex": "male", "estimated_age": 30}}, headers=key(), **STAFF)
    assert response.status_code == 201, response.text
    assert response.json()["reason"] == "self_sufficient"


def test_the_open_cases_list_carries_days_in_care_and_the_running_deadlines_V5_V6(api):
    late = take_in(api, intake(arrived_at=days_ago(20)))
    fresh = take_in(api, identified(new_id_number(), arrived_at=days_ago(1)))

    listed = {c["case_id"]: c for c in api.get(f"{CASES}?status=open&limit=500", **STAFF).json()["cases"]}
    late_row, fresh_row = listed[late["case_id"]], listed[fresh["case_id"]]
    assert late_row["days_in_care"] == 21 and fresh_row["days_in_care"] == 2
    assert {d["kind"]: d["overdue"] for d in late_row["deadlines"]} == {"stay": True, "notice": True, "dna": True}
    assert {d["kind"]: d["overdue"] for d in fresh_row["deadlines"]} == {"stay": False}


def test_cases_are_paged_by_cursor_without_repeats_V1(api):
    for _ in range(3):
        take_in(api, identified(new_id_number(), arrived_at=days_ago(1)))
    first = api.get(f"{CASES}?limit=2", **STAFF).json()
    assert len(first["cases"]) == 2 and first["next_cursor"]
    second = api.get(f"{CASES}?limit=2&cursor={first['next_cursor']}", **STAFF).json()
    assert not {c["case_id"] for c in first["cases"]} & {c["case_id"] for c in second["cases"]}
    problem(api.get(f"{CASES}?cursor=bm90LWEtY3Vyc29y", **STAFF), 422, "validation_failed")
