"""The marriage service end to end: HTTP through the real gateway, RPC to two real MarriageService
containers, events and read models in the real PostgreSQL, deaths from the real FuneralService over
RabbitMQ. Dates are relative to today in China Standard Time (clerks record at most 30 days back); the
procedures spanning weeks are in tests/integration/marriage."""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from shared.reference.idnumber import check_digit
from shared.reference.paging import encode_cursor
from tests.e2e.marriage.calls import (
    CLERK,
    OFFICES,
    REGISTRAR,
    REGISTRATIONS,
    clerk_of,
    couple,
    registration,
)
from tests.support.problems import assert_problem, events_in
from tests.support.stack import Api
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration



def register(api, man, woman, **who):
    response = api.post(REGISTRATIONS, json=registration(man, woman), **(who or CLERK))
    assert response.status_code == 201, response.text
    return response.json()


def status_of(api, person, **query):
    response = api.get(f"/v1/marriage/persons/{person}/status", params=query, **CLERK)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_clerk_registers_a_marriage_and_everyone_entitled_sees_it_M1_to_M7(api):
    man, woman = couple()

    registered = register(api, man, woman)

    assert len(registered["certificates"]) == 2 and registered["version"] == 1 and registered["warnings"] == []
    view = api.get(f"{REGISTRATIONS}/{registered['registration_id']}", **REGISTRAR).json()
    assert (view["status"], [p["id_number"] for p in view["parties"]]) == ("married", [man, woman])
    assert status_of(api, woman)["marital_status"] == "married"
    copy = registered["certificates"][0]
    public = api.get(f"/v1/marriage/certificates/{copy['number']}/verification",
                     params={"code": copy["verification_code"]})
    assert public.status_code == 200
    assert public.json()["valid"] is True and "names" not in public.json()  # K-9: no names
    courts = api.get(f"/v1/marriage/persons/{man}/status", as_="bureau", bureau="courts",
                     headers={"X-Purpose": "probate"})
    assert courts.json()["marital_status"] == "married"


def test_the_same_person_registered_at_every_office_at_once_succeeds_exactly_once_M3(api, marriage_db):
    for _round in range(3):
        man = couple()[0]
        bodies = [registration(man, couple()[1], office=office) for office in OFFICES]

        def post(n: int, bodies: list = bodies) -> requests.Response:
            # a clerk's terminal per office: own HTTP session, own idempotency key
            return Api(api.base_url).post(REGISTRATIONS, json=bodies[n], headers={"Idempotency-Key": str(uuid.uuid4())},
                                          **clerk_of(OFFICES[n]))

        with ThreadPoolExecutor(max_workers=len(OFFICES)) as pool:
            responses = list(pool.map(post, range(len(OFFICES))))

        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * (len(OFFICES) - 1), [r.text for r in responses]
        assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_married"}
        with marriage_db.connection() as conn:
            assert conn.execute("SELECT count(*) FROM events WHERE event_type = 'marriage.MarriageRegistered'"
                                " AND subjects @> %s::jsonb", (f'[{{"id": "{man}"}}]',)).fetchone()[0] == 1


def test_refusals_carry_their_rules_code_and_write_only_the_refusal_record_M5(api, marriage_db, today):
    man, woman = couple()
    register(api, man, woman)
    before = events_in(marriage_db)

    assert_problem(api.post(REGISTRATIONS, json=registration(man, couple()[1]), **CLERK), 409, "already_married")
    young = f"610502{today.year - 19}0101001"
    young += check_digit(young)
    assert_problem(api.post(REGISTRATIONS, json=registration(young, couple()[1]), **CLERK), 422, "below_legal_age")
    assert_problem(api.post(REGISTRATIONS, json=registration(*couple(), declaration_signed=False), **CLERK), 422,
                   "missing_declaration")
    assert events_in(marriage_db) == before + 3  # three refusal records, nothing else


@pytest.mark.parametrize("body", [
    {"office": "MR-610502", "parties": [{"id_number": "1' OR '1'='1", "name": "x"}] * 2, "declaration_signed": True},
    registration("610502199001010011", "61050219900101002X", office="MR-610502; DROP TABLE marriages"),
    registration("610502199001010011", "王" * 10_000),
    {"office": "MR-610502", "parties": [{"id_number": "610502199001010011", "name": "王\x00"}] * 2},
    {"office": "MR-610502", "parties": [{"id_number": 610502199001010011, "name": "王"}] * 2},
    registration("610502199001010012", "61050219900101002X"),
    registration("610502199001010011", "61050219900101002X", registered_on="2025-02-30"),
], ids=["sql in id", "sql in office", "10k chars", "control char", "wrong type", "check digit", "impossible date"])
def test_hostile_input_is_4xx_and_writes_nothing(api, marriage_db, body):
    before = events_in(marriage_db)

    response = api.post(REGISTRATIONS, json=body, **CLERK)

    assert 400 <= response.status_code < 500 and response.status_code != 409, response.text
    assert events_in(marriage_db) == before


def test_a_body_that_is_not_json_is_400_and_a_clerk_acts_only_at_the_clerks_office(api, marriage_db):
    before = events_in(marriage_db)
    raw = api.post(REGISTRATIONS, data=b"{'office': 1", headers={"Content-Type": "application/json"}, **CLERK)

    assert_problem(raw, 400, "malformed_json")
    assert_problem(api.post(REGISTRATIONS, json=registration(*couple(), office="MR-610528"), **CLERK), 403,
                   "forbidden_place")
    assert events_in(marriage_db) == before


def test_a_retry_with_the_same_idempotency_key_answers_the_same_and_writes_nothing_new(api, marriage_db):
    body = registration(*couple())
    headers = {"Idempotency-Key": f"e2e-{uuid.uuid4()}"}
    first = api.post(REGISTRATIONS, json=body, headers=headers, **CLERK)
    before = events_in(marriage_db)

    again = api.post(REGISTRATIONS, json=body, headers=headers, **CLERK)
    other_body = api.post(REGISTRATIONS, json=registration(*couple()), headers=headers, **CLERK)

    assert (again.status_code, again.json()) == (201, first.json())
    assert other_body.status_code == 422
    assert events_in(marriage_db) == before


def test_a_stale_if_match_is_409_concurrency_conflict_M7(api):
    man, woman = couple()
    registered = register(api, man, woman)
    path = f"{REGISTRATIONS}/{registered['registration_id']}/certificate-reissues"
    body = {"party_id_number": woman, "reason": "lost"}

    reissued = api.post(path, json=body, headers={"If-Match": "1"}, **CLERK)
    assert reissued.status_code == 201, reissued.text
    assert_problem(api.post(path, json=body, headers={"If-Match": "1"}, **CLERK), 409, "concurrency_conflict")
    copy = registered["certificates"][1]
    old = api.get(f"/v1/marriage/certificates/{copy['number']}/verification",
                  params={"code": copy["verification_code"]}).json()
    assert old["valid"] is False  # K-6: the replaced copy


def test_a_registered_death_from_the_funeral_service_widows_the_survivor_and_bars_the_deceased_M11(api, today):
    man, woman = couple()
    registered = api.post(REGISTRATIONS, json=registration(man, woman, registered_on=(today - dt.timedelta(days=10))
                                                           .isoformat()), **CLERK)
    assert registered.status_code == 201, registered.text
    died_on = (today - dt.timedelta(days=1)).isoformat()
    death = api.post("/v1/funeral/deaths", json={"id_number": man, "died_on": died_on, "place_division": "610502",
                                                 "certificate_no": "F6105020001", "issuer": "渭南市中心医院",
                                                 "natural": True, "funeral_home": "FH-610502"},
                     as_="funeral_staff", office="FH-610502")
    assert death.status_code == 201, death.text

    wait_until(lambda: status_of(api, woman)["marital_status"] == "widowed", timeout=30,
               what="the death to reach the marriage service")
    assert status_of(api, woman)["since"] == died_on
    assert_problem(api.post(REGISTRATIONS, json=registration(man, couple()[1]), **CLERK), 409, "deceased")


def test_divorce_by_agreement_opens_the_cooling_off_and_registration_before_it_is_409_M8(api, today):
    man, woman = couple()
    registered = register(api, man, woman)
    applied = api.post("/v1/marriage/divorces", json={
        "office": "MR-610502", "registration_id": registered["registration_id"],
        "agreement": {"children": "none", "property": "split", "debts": "none"}}, **CLERK)
    assert applied.status_code == 201, applied.text
    divorce_id = applied.json()["divorce_id"]
    assert dt.date.fromisoformat(applied.json()["withdraw_until"]) >= today + dt.timedelta(days=30)

    assert_problem(api.post(f"/v1/marriage/divorces/{divorce_id}/registration", json={}, **CLERK), 409, "cooling_off")
    withdrawn = api.post(f"/v1/marriage/divorces/{divorce_id}/withdrawal", json={"by_id_number": woman}, **CLERK)
    assert withdrawn.status_code == 200, withdrawn.text
    assert api.get(f"/v1/marriage/divorces/{divorce_id}", **CLERK).json()["status"] == "withdrawn"
    assert status_of(api, man)["marital_status"] == "married"


def test_revocation_and_court_outcomes_are_the_registrars_M9_M10(api):
    man, woman = couple()
    registered = register(api, man, woman)
    path = f"{REGISTRATIONS}/{registered['registration_id']}"
    revocation = {"reason": "forged household book", "document_ref": "渭公(2025)88号", "dishonest_id_number": man}

    assert_problem(api.post(f"{path}/revocation", json=revocation, **CLERK), 403, "forbidden")
    assert api.post(f"{path}/revocation", json=revocation, **REGISTRAR).status_code == 200
    assert status_of(api, woman)["marital_status"] == "unmarried"
    again = register(api, man, couple()[1])
    assert [w["code"] for w in again["warnings"]] == ["dishonesty_list"]


def test_the_historical_import_endpoint_answers_per_record_M12(api):
    man, woman = couple()
    tag = uuid.uuid4().hex[:8]
    record = {"record_ref": "P-1", "registered_on": "1995-10-01", "office": "MR-610502", "husband_id_number": man,
              "husband_name": "王大明", "husband_certificate": f"H{tag}1", "wife_id_number": woman,
              "wife_name": "李大红", "wife_certificate": f"H{tag}2"}

    assert_problem(api.post("/v1/marriage/historical-records", json={"records": [record]}, **CLERK), 403, "forbidden")
    response = api.post("/v1/marriage/historical-records", json={"records": [record, {**record, "record_ref": "P-2"}]},
                        **REGISTRAR)

    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["results"]] == ["imported", "conflict"]
    assert status_of(api, man, as_of="1995-10-01")["marital_status"] == "married"


def test_appointments_are_booked_and_cancelled_and_statistics_count_the_offices_M13(api, today):
    booked = api.post("/v1/marriage/appointments", json={"office": "MR-610502", "date": today.isoformat(),
                                                        "kind": "marriage", "id_numbers": list(couple())}, **CLERK)
    assert booked.status_code == 201, booked.text
    cancelled = api.post(f"/v1/marriage/appointments/{booked.json()['appointment_id']}/cancellation", json={},
                         **CLERK)
    assert cancelled.json()["status"] == "cancelled"

    stats = api.get("/v1/marriage/statistics", params={"from": today.replace(day=1).isoformat(),
                                                       "to": today.isoformat()}, **CLERK)
    assert stats.status_code == 200
    assert stats.json()["total"]["registrations"] >= 1
    assert_problem(api.get("/v1/marriage/statistics", params={"from": "yesterday"}, **CLERK), 422, "invalid_query")


def test_a_death_corrected_to_another_person_revives_the_marriage_M11(api, today):
    man, woman = couple()
    registered = api.post(REGISTRATIONS, json=registration(man, woman, registered_on=(today - dt.timedelta(days=10))
                                                           .isoformat()), **CLERK)
    assert registered.status_code == 201, registered.text
    staff = {"as_": "funeral_staff", "office": "FH-610502"}
    death = api.post("/v1/funeral/deaths", json={"id_number": man, "died_on": (today - dt.timedelta(days=2))
                                                 .isoformat(), "place_division": "610502", "certificate_no": "F1",
                                                 "issuer": "渭南市中心医院", "natural": True,
                                                 "funeral_home": "FH-610502"}, **staff)
    assert death.status_code == 201, death.text
    wait_until(lambda: status_of(api, woman)["marital_status"] == "widowed", timeout=30, what="the death")

    corrected = api.post(f"/v1/funeral/deaths/{death.json()['death_id']}/correction",
                         json={"reason": "the wrong person was recorded", "id_number": couple()[0]}, **staff)
    assert corrected.status_code == 200, corrected.text

    wait_until(lambda: status_of(api, woman)["marital_status"] == "married", timeout=30, what="the correction")
    view = api.get(f"{REGISTRATIONS}/{registered.json()['registration_id']}", **CLERK).json()
    assert [entry["type"] for entry in view["history"]][-2:] == ["marriage.MarriageEndedByDeath",
                                                                 "marriage.MarriageRevived"]


def test_a_registrar_records_a_late_registration_judged_by_its_date_and_an_admin_none(api):
    """api.md: registrars record business dates without limit — a 1996 marriage is judged by the household-
    county phase of 1996 (M-6) and numbered in 1996's sequence (K-4); clerks stay within 30 days."""
    man = synthetic_id_number(born=dt.date(1968, 3, 3), sex="male")
    woman = synthetic_id_number(born=dt.date(1970, 4, 4), sex="female")
    late = registration(man, woman, registered_on="1996-05-20")

    assert_problem(api.post(REGISTRATIONS, json=late, **CLERK), 422, "business_date_too_old")
    assert_problem(api.post(REGISTRATIONS, json=late, as_="admin"), 403, "forbidden")
    elsewhere = registration(man, woman, office="MR-610528", registered_on="1996-05-20")
    assert_problem(api.post(REGISTRATIONS, json=elsewhere, **REGISTRAR), 422, "not_in_jurisdiction")

    registered = api.post(REGISTRATIONS, json=late, **REGISTRAR)
    assert registered.status_code == 201, registered.text
    assert registered.json()["certificates"][0]["number"].startswith("J610502-1996-")
    assert status_of(api, man, as_of="1996-06-01")["marital_status"] == "married"
    assert status_of(api, man, as_of="1996-05-19")["marital_status"] == "unmarried"


def test_the_days_appointments_are_listed_for_the_clerks_own_office_only_M13(api, today):
    booked = [api.post("/v1/marriage/appointments", json={"office": "MR-610502", "date": today.isoformat(),
                                                           "kind": "marriage", "id_numbers": list(couple())}, **CLERK)
              for _ in range(3)]
    ids = {b.json()["appointment_id"] for b in booked}
    first = api.get("/v1/marriage/appointments", params={"limit": 2}, **CLERK)
    assert first.status_code == 200, first.text
    seen, page = [], first.json()
    while True:
        seen += page["items"]
        if not page["next_cursor"]:
            break
        page = api.get("/v1/marriage/appointments", params={"limit": 2, "cursor": page["next_cursor"]}, **CLERK).json()
    mine = [item for item in seen if item["appointment_id"] in ids]
    assert len(mine) == 3 and all(len(item["id_numbers"]) == 2 and item["version"] == 1 for item in mine)
    assert len({item["appointment_id"] for item in seen}) == len(seen)
    assert_problem(api.get("/v1/marriage/appointments", params={"office": "MR-610521"}, **CLERK), 403,
                   "forbidden_place")
    registrar_view = api.get("/v1/marriage/appointments", params={"office": "MR-610502", "limit": 500}, **REGISTRAR)
    assert ids <= {item["appointment_id"] for item in registrar_view.json()["items"]}


def test_divorces_are_listed_by_stage_M8(api, today):
    man, woman = couple()
    marriage = register(api, man, woman)
    applied = api.post("/v1/marriage/divorces", json={
        "registration_id": marriage["registration_id"], "office": "MR-610502",
        "agreement": {"children": "无", "property": "各自所有", "debts": "无"}}, **CLERK)
    assert applied.status_code == 201, applied.text
    cooling = api.get("/v1/marriage/divorces", params={"state": "cooling_off", "limit": 500}, **CLERK).json()["items"]
    row = next(item for item in cooling if item["divorce_id"] == applied.json()["divorce_id"])
    assert row["stage"] == "cooling_off" and row["register_from"] == applied.json()["register_from"]
    registrable = api.get("/v1/marriage/divorces", params={"state": "registrable", "limit": 500}, **CLERK).json()
    assert applied.json()["divorce_id"] not in {item["divorce_id"] for item in registrable["items"]}
    assert_problem(api.get("/v1/marriage/divorces", params={"state": "soon"}, **CLERK), 422, "validation_failed")
    forged = encode_cursor(("not a date", "x"))  # well-formed, but not a divorce list's key: 422, no SQL error
    assert_problem(api.get("/v1/marriage/divorces", params={"cursor": forged}, **CLERK), 422, "validation_failed")
