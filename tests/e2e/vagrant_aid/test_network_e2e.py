"""The relief network end to end: stations (V-1), the watch list (V-10), statistics (V-9), settlement of
long-unidentified persons (V-6), concurrency (one open case per person), idempotency, hostile input."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest

from services.vagrant_aid.application.relief import VagrantAid
from services.vagrant_aid.domain.decide import Clock
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from tests.e2e.vagrant_aid.support import count_events, days_ago, identified, intake, key, new_id_number, today
from tests.support.stack import Api

pytestmark = pytest.mark.integration

STAFF = {"as_": "relief_staff", "office": "RS-610500"}
COUNTY_STAFF = {"as_": "relief_staff", "office": "RS-610528"}
CITY_STAFF = STAFF  # the city station leads the network: it reads every station and the whole watch list
ADMIN = {"as_": "admin"}  # reference data only (separation of duties, api.md release 2)
BASE = "/v1/vagrant-aid"


def code(response) -> str:
    return response.json().get("code")


# -- V-1 stations -------------------------------------------------------------------------------------
def test_admin_registers_township_and_village_points_under_the_county_station_V1(api):
    township = {"code": "RS-610502-1", "tier": "township", "name": "双王街道临时救助点", "parent": "RS-610502"}
    village = {"code": "RS-610502-2", "tier": "village", "name": "某村救助咨询点", "parent": "RS-610502-1"}
    assert api.post(f"{BASE}/stations", json=township, headers=key(), **ADMIN).status_code == 201
    assert api.post(f"{BASE}/stations", json=village, headers=key(), **ADMIN).status_code == 201

    stations = {s["code"]: s for s in api.get(f"{BASE}/stations", **STAFF).json()["stations"]}
    assert stations["RS-610500"]["tier"] == "city" and stations["RS-610528"]["tier"] == "county"
    assert stations["RS-610502-1"] | {} == {"code": "RS-610502-1", "tier": "township", "division": "610502",
                                           "name": "双王街道临时救助点", "parent": "RS-610502"}
    assert stations["RS-610502-2"]["parent"] == "RS-610502-1"

    again = api.post(f"{BASE}/stations", json=township, headers=key(), **ADMIN)
    assert (again.status_code, code(again)) == (409, "station_exists")
    wrong = api.post(f"{BASE}/stations", json={**village, "code": "RS-610502-3", "parent": "RS-610528"}, **ADMIN)
    assert (wrong.status_code, code(wrong)) == (422, "invalid_parent_station")
    staff = api.post(f"{BASE}/stations", json={**township, "code": "RS-610502-4"}, **STAFF)
    assert (staff.status_code, code(staff)) == (403, "forbidden")


def test_staff_of_a_township_aid_point_take_people_in_at_their_point_once_it_is_registered_V1(api):
    township = {"code": "RS-610502-1", "tier": "township", "name": "双王街道临时救助点", "parent": "RS-610502"}
    registered = api.post(f"{BASE}/stations", json=township, **ADMIN)
    assert registered.status_code in (201, 409), registered.text  # the test above may have registered it
    point_staff = {"as_": "relief_staff", "office": "RS-610502-1"}

    taken_in = api.post(f"{BASE}/cases", json=intake("RS-610502-1"), **point_staff)
    assert taken_in.status_code == 201, taken_in.text
    assert taken_in.json()["station"] == "RS-610502-1"
    elsewhere = api.post(f"{BASE}/cases", json=intake("RS-610500"), **point_staff)
    assert (elsewhere.status_code, code(elsewhere)) == (403, "forbidden_station")


# -- V-10 watch list ----------------------------------------------------------------------------------
def test_an_intake_matching_the_watch_list_shows_the_match_and_the_contact_V10(api):
    contact = {"name": "王小红", "relation": "女儿", "phone": "13900000001"}
    watched_id = new_id_number(dt.date(1948, 3, 1))
    by_id = api.post(f"{BASE}/watchlist", json={"id_number": watched_id, "name": "王大山", "condition": "dementia",
                                               "contacts": [contact]}, headers=key(), **CITY_STAFF)
    by_name = api.post(f"{BASE}/watchlist", json={"name": "赵老根", "sex": "male", "birth_year": 1950,
                                                 "condition": "intellectual", "contacts": [contact]},
                       headers=key(), **COUNTY_STAFF)
    assert by_id.status_code == 201 and by_name.status_code == 201

    case = api.post(f"{BASE}/cases", json=identified(watched_id, "RS-610528"), headers=key(), **COUNTY_STAFF).json()
    [match] = case["watchlist_matches"]
    assert match["matched_by"] == "id_number" and match["contacts"] == [contact]

    lost = intake("RS-610528", person={"name": "赵老根", "sex": "male", "estimated_age": today().year - 1952})
    case = api.post(f"{BASE}/cases", json=lost, headers=key(), **COUNTY_STAFF).json()
    [match] = case["watchlist_matches"]
    assert match["matched_by"] == "name_sex_age" and match["contacts"] == [contact]
    again = api.get(f"{BASE}/watchlist/matches?case_id={case['case_id']}", **COUNTY_STAFF).json()
    assert again["matches"] == case["watchlist_matches"]

    assert api.get(f"{BASE}/watchlist", **COUNTY_STAFF).status_code == 403
    assert api.get(f"{BASE}/watchlist", **ADMIN).status_code == 403
    entries = api.get(f"{BASE}/watchlist", **CITY_STAFF).json()["entries"]
    assert {e["name"] for e in entries} >= {"王大山", "赵老根"}


# -- V-9 statistics -----------------------------------------------------------------------------------
def statistics(api, **who) -> dict:
    response = api.get(f"{BASE}/statistics?station=RS-610528", **(who or COUNTY_STAFF))
    assert response.status_code == 200, response.text
    [row] = response.json()["stations"]
    return row


def test_statistics_count_intakes_exits_by_kind_return_rate_and_stranded_V9(api):
    before = statistics(api)
    cases = [api.post(f"{BASE}/cases", json=body, headers=key(), **COUNTY_STAFF).json() for body in (
        identified(new_id_number(), "RS-610528"), identified(new_id_number(), "RS-610528"),
        identified(new_id_number(), "RS-610528"), intake("RS-610528"),
        identified(new_id_number(), "RS-610528", arrived_at=days_ago(15)))]
    exits = [{"kind": "escorted", "destination_division": "610528", "handed_to": "家属"},
             {"kind": "collected", "relation": "妻子"}, {"kind": "absconded"}, {"kind": "collected", "relation": "子"}]
    for case, exit_body in zip(cases, exits, strict=False):
        response = api.post(f"{BASE}/cases/{case['case_id']}/exit", json=exit_body, **COUNTY_STAFF)
        assert response.status_code == 200, response.text
    api.post(f"{BASE}/refusals", json={"station": "RS-610528", "source": "walk_in", "reason": "declined_aid",
                                       "person": {"sex": "female"}}, **COUNTY_STAFF)
    after = statistics(api)

    def delta(name: str) -> int:
        return after[name] - before[name]

    assert (delta("intakes"), delta("exits"), delta("refusals"), delta("unidentified_intakes")) == (5, 4, 1, 1)
    assert (delta("identified_exits"), delta("identified_returned")) == (3, 2)  # the unidentified one is out
    assert delta("stranded") == 1
    kinds = {k: after["exits_by_kind"][k] - before["exits_by_kind"][k] for k in after["exits_by_kind"]}
    assert (kinds["escorted"], kinds["collected"], kinds["absconded"], kinds["died"]) == (1, 2, 1, 0)
    assert after["return_rate"] == round(after["identified_returned"] / after["identified_exits"], 4)

    assert api.get(f"{BASE}/statistics", **ADMIN).status_code == 403
    everywhere = api.get(f"{BASE}/statistics", **CITY_STAFF).json()
    assert {row["station"] for row in everywhere["stations"]} >= {"RS-610500", "RS-610528", "RS-610502-1"}
    assert everywhere["total"]["intakes"] == sum(row["intakes"] for row in everywhere["stations"])
    assert api.get(f"{BASE}/statistics?station=RS-610500", **COUNTY_STAFF).status_code == 403
    assert api.get(f"{BASE}/statistics?from=2025-02-01&to=2025-01-01", **COUNTY_STAFF).status_code == 422


# -- V-6 settlement after three months ----------------------------------------------------------------
def test_a_person_unidentified_for_three_months_is_settled_with_a_new_id_number_V6(api, relief_namespace, probe):
    # The intake is recorded as it was 100 days ago (staff may backdate only 30 days through the API).
    db = relief_namespace.database("vagrant_aid", max_size=2)
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=100)
    back_then = VagrantAid(PostgresEventStore(db), Correlation("e2e", None, "tester"), lambda: Clock.at(then))
    case = back_then.take_in(intake(person={"sex": "female", "estimated_age": 50}),
                             {"name": "relief.RS-610500", "role": "relief_staff", "office": "RS-610500"})
    assert case["family_search"]["settlement_from"] <= today().isoformat()

    new_number = new_id_number(dt.date(1975, 1, 1), sex="female")
    response = api.post(f"{BASE}/cases/{case['case_id']}/settlement",
                        json={"id_number": new_number, "household_division": "610502"}, **STAFF)
    assert response.status_code == 200, response.text
    assert response.json()["subject_id"] == new_number and response.json()["settlement"]["household_division"] \
        == "610502"
    event = probe.wait_for("vagrant_aid.PersonSettled", case["case_id"])
    assert event["subjects"] == [{"id": case["temporary_id"], "role": "temporary"},
                                 {"id": new_number, "role": "settled"}]

    recent = api.post(f"{BASE}/cases", json=intake(), headers=key(), **STAFF).json()
    early = api.post(f"{BASE}/cases/{recent['case_id']}/settlement",
                     json={"id_number": new_id_number(), "household_division": "610502"}, **STAFF)
    assert (early.status_code, code(early)) == (422, "settlement_too_early")


# -- one open case per person per station, under concurrency ------------------------------------------
def test_two_staff_taking_in_the_same_person_at_once_open_one_case(api, store_db):
    body = identified(new_id_number())
    barrier = threading.Barrier(16)
    statuses: list[tuple[int, str | None]] = []

    def attempt() -> None:
        client = Api(api.base_url)
        barrier.wait()
        response = client.post(f"{BASE}/cases", json=body, headers=key(), **STAFF)
        statuses.append((response.status_code, response.json().get("code")))

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [(201, None)] + [(409, "already_open_case")] * 15
    with store_db.connection() as conn:
        open_cases = conn.execute("SELECT count(*) FROM cases WHERE person_id = %s AND status = 'open'",
                                  (body["person"]["id_number"],)).fetchone()[0]
        streams = conn.execute("SELECT count(*) FROM events WHERE event_type = 'vagrant_aid.PersonTakenIn'"
                               " AND subjects @> %s::jsonb", (f'[{{"id": "{body["person"]["id_number"]}"}}]',)
                               ).fetchone()[0]
    assert (open_cases, streams) == (1, 1)


def test_sixteen_intakes_of_different_persons_at_once_are_all_taken_in(api, store_db):
    # More concurrent intakes than the service has workers and pooled connections (the test stack's pool is
    # smaller than its worker count): a command that took a second connection while holding its transaction's
    # drained the pool, and every worker waited for a connection only another waiting worker could give back.
    bodies = [identified(new_id_number()) for _ in range(16)]
    barrier = threading.Barrier(len(bodies))
    answers: list[tuple[int, str]] = []

    def take_in(body: dict) -> None:
        client = Api(api.base_url)
        barrier.wait()
        response = client.post(f"{BASE}/cases", json=body, headers=key(), **STAFF)
        answers.append((response.status_code, response.text[:200]))

    threads = [threading.Thread(target=take_in, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in answers] == [201] * len(bodies), answers
    people = [body["person"]["id_number"] for body in bodies]
    with store_db.connection() as conn:
        cases = conn.execute("SELECT count(*) FROM cases WHERE person_id = ANY(%s) AND status = 'open'",
                             (people,)).fetchone()[0]
    assert cases == len(bodies)


def test_concurrent_cash_on_one_case_stays_within_the_cap_V4(api):
    case = api.post(f"{BASE}/cases", json=identified(new_id_number()), headers=key(), **STAFF).json()
    barrier = threading.Barrier(4)
    outcomes: list[tuple[int, str | None]] = []

    def give() -> None:
        client = Api(api.base_url)
        barrier.wait()
        response = client.post(f"{BASE}/cases/{case['case_id']}/services", json={"kind": "cash", "amount": 15},
                               headers=key(), **STAFF)
        outcomes.append((response.status_code, response.json().get("code")))

    threads = [threading.Thread(target=give) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [(201, None), (422, "cash_over_limit"), (422, "cash_over_limit"),
                                (422, "cash_over_limit")]
    assert api.get(f"{BASE}/cases/{case['case_id']}", **STAFF).json()["cash_total"] == "15.00"


def test_a_retried_intake_with_the_same_key_writes_nothing_new(api, store_db):
    body, headers = identified(new_id_number()), {"Idempotency-Key": uuid.uuid4().hex}
    first = api.post(f"{BASE}/cases", json=body, headers=headers, **STAFF)
    written = count_events(store_db)
    again = api.post(f"{BASE}/cases", json=body, headers=headers, **STAFF)

    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["case_id"] == first.json()["case_id"]
    assert count_events(store_db) == written


# -- hostile input ------------------------------------------------------------------------------------
HOSTILE = [
    intake(person={"name": "x" * 10_000, "sex": "male", "estimated_age": 40}),
    intake(person={"name": "张\u0000三", "sex": "male", "estimated_age": 40}),
    intake(person={"name": "'); DELETE FROM cases; --", "sex": "male", "estimated_age": 40}),
    intake(station="RS-610500'; DROP TABLE cases; --"),
    intake(person={"id_number": "610502199001010011' OR '1'='1"}),
    intake(person={"id_number": "610502199001010012"}),  # wrong check digit
    intake(person={"sex": "male", "estimated_age": "forty"}),
    intake(consent="yes"),
    intake(flags=["minor", "'; DROP TABLE events; --"]),
    intake(arrived_at="tomorrow"),
    intake(arrived_at=days_ago(-2)),  # in the future
    intake(relatives=[{"relation": "子", "phone": "<script>alert(1)</script>"}]),
    {"station": "RS-610500"},
]


def test_hostile_and_invalid_input_is_refused_and_nothing_is_written(api, store_db):
    before = count_events(store_db)
    for body in HOSTILE:
        response = api.post(f"{BASE}/cases", json=body, headers=key(), **STAFF)
        assert 400 <= response.status_code < 500, (body, response.text)
        assert response.headers["Content-Type"] == "application/problem+json"
    for raw in (b"\xff\xfe", b"{" * 100_000, b"[]"):
        response = api.post(f"{BASE}/cases", data=raw, headers={"Content-Type": "application/json"}, **STAFF)
        assert 400 <= response.status_code < 500
    assert count_events(store_db) == before
    with store_db.connection() as conn:  # the tables are all still there
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] >= 0


def test_free_text_with_sql_is_stored_verbatim_as_text(api):
    note = "'); DROP TABLE cases; -- 穿着\"蓝色\"外套"
    case = api.post(f"{BASE}/cases", json=intake(person={"sex": "male", "estimated_age": 40, "description": note}),
                    headers=key(), **STAFF).json()
    assert api.get(f"{BASE}/cases/{case['case_id']}", **STAFF).json()["person"]["description"] == note
