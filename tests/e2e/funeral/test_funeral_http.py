"""The funeral service end to end: HTTP through the real gateway, RPC to the real FuneralService, events and
read models in the real PostgreSQL. Dates are relative to today in China Standard Time, since staff may
record at most 30 days back; procedures that span longer are in tests/integration/funeral."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.funeral.calls import (
    ADMIN,
    CEMETERY_STAFF,
    POLICE_CASE,
    STAFF,
    death_body,
)
from tests.support.problems import assert_problem, events_in
from tests.support.stack import Api
from tests.support.synthetic_ids import id_number_of, synthetic_id_number

pytestmark = pytest.mark.integration

DEATHS = "/v1/funeral/deaths"


def register(api, today, id_number=None, **changes):
    response = api.post(DEATHS, json=death_body(today, id_number, **changes), **STAFF)
    assert response.status_code == 201, response.text
    return response.json()


def status_of(api, person_id, **who):
    return api.get(f"/v1/funeral/persons/{person_id}/death", **(who or STAFF))


# -- F-1 ----------------------------------------------------------------------------------------------------
def test_a_registered_death_is_what_every_reader_sees_F1(api, today):
    person = synthetic_id_number()

    registered = register(api, today, person)

    assert registered["subject_id"] == person and registered["version"] == 1 and registered["identified"]
    staff_view = status_of(api, person).json()
    assert (staff_view["deceased"], staff_view["died_on"], staff_view["death_id"]) == (
        True, (today - dt.timedelta(days=1)).isoformat(), registered["death_id"])
    clerk_view = status_of(api, person, as_="marriage_clerk", office="MR-610502").json()
    assert clerk_view == {"person_id": person, "deceased": True, "died_on": staff_view["died_on"],
                          "basis": "registered"}  # D-8: every "deceased" answer names its basis
    courts = status_of(api, person, as_="bureau", bureau="courts", headers={"X-Purpose": "probate"})
    assert courts.json()["deceased"] is True
    assert_problem(status_of(api, person, as_="bureau", bureau="education", headers={"X-Purpose": "school"}),
                   403, "forbidden")


def test_every_read_of_a_persons_death_is_in_the_access_log_with_the_person(api, world):
    person = synthetic_id_number()
    status_of(api, person, as_="bureau", bureau="courts", headers={"X-Purpose": "probate case 7"})

    with world[0].admin("gateway").connection() as conn:
        rows = conn.execute("SELECT principal, action, purpose, outcome FROM access_log WHERE subject = %s",
                            (person,)).fetchall()
    assert rows == [("bureau.courts", "funeral.person_death", "probate case 7", 200)]


def test_a_person_not_recorded_as_dead_is_alive_and_a_malformed_id_is_422(api):
    alive = synthetic_id_number()

    assert status_of(api, alive).json() == {"person_id": alive, "deceased": False}
    assert_problem(status_of(api, "610502199001010012"), 422, "invalid_id_number")
    assert_problem(status_of(api, "1%27%20OR%201=1"), 422, "invalid_id_number")


def test_second_death_of_the_same_person_is_refused_with_already_deceased_F1(api, today, funeral_db):
    person = synthetic_id_number()
    register(api, today, person)
    before = events_in(funeral_db)

    second = api.post(DEATHS, json=death_body(today, person), **STAFF)

    assert_problem(second, 409, "already_deceased")
    assert events_in(funeral_db) == before


def test_dates_of_death_before_birth_in_the_future_or_too_far_back_are_refused_F1(api, today, funeral_db):
    newborn = id_number_of(today - dt.timedelta(days=3), sequence=7)
    before = events_in(funeral_db)

    assert_problem(api.post(DEATHS, json=death_body(today, newborn, died_on=(today - dt.timedelta(days=5))
                                                    .isoformat()), **STAFF), 422, "death_before_birth")
    assert_problem(api.post(DEATHS, json=death_body(today, died_on=(today + dt.timedelta(days=1)).isoformat()),
                            **STAFF), 422, "business_date_in_future")
    assert_problem(api.post(DEATHS, json=death_body(today, died_on=(today - dt.timedelta(days=31)).isoformat()),
                            **STAFF), 422, "business_date_too_old")
    assert_problem(api.post(DEATHS, json=death_body(today, "610502199001010012"), **STAFF), 422, "invalid_id_number")
    assert events_in(funeral_db) == before


def test_staff_act_for_their_own_place_and_other_roles_not_at_all(api, today):
    assert_problem(api.post(DEATHS, json=death_body(today, funeral_home="FH-610503"), **STAFF), 403, "forbidden_place")
    assert_problem(api.post(DEATHS, json=death_body(today), **CEMETERY_STAFF), 403, "forbidden_place")
    assert_problem(api.post(DEATHS, json=death_body(today), as_="marriage_clerk", office="MR-610502"), 403,
                   "forbidden")
    assert_problem(api.post(DEATHS, json=death_body(today)), 401, "unauthenticated")


def test_an_admin_records_no_funeral_business_separation_of_duties(api, today, funeral_db):
    """Issue 12: an admin opens cemeteries and lays out plots (reference data) but records no death, no
    correction, no identification: 403 `forbidden` at the gateway, and nothing is written."""
    death_id = register(api, today)["death_id"]
    before = events_in(funeral_db)

    assert_problem(api.post(DEATHS, json=death_body(today), **ADMIN), 403, "forbidden")
    assert_problem(api.post(f"{DEATHS}/{death_id}/correction", json={"reason": "typo"}, **ADMIN), 403, "forbidden")
    assert_problem(api.post(f"{DEATHS}/{death_id}/identification",
                            json={"id_number": synthetic_id_number(), "method": "dna"}, **ADMIN), 403, "forbidden")
    assert events_in(funeral_db) == before
    assert api.get(f"{DEATHS}/{death_id}", **ADMIN).status_code == 200  # oversight: admins still read


def test_two_staff_recording_the_same_death_at_once_exactly_one_succeeds_F1(api, today, funeral_db):
    person = synthetic_id_number()
    body = death_body(today, person)
    before = events_in(funeral_db)

    def post(n: int) -> requests.Response:
        # one session per staff member's terminal, each with its own idempotency key
        return Api(api.base_url).post(DEATHS, json=body, headers={"Idempotency-Key": f"race-{n}-{uuid.uuid4()}"},
                                      **STAFF)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(post, range(8)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 7, [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_deceased"}
    assert events_in(funeral_db) == before + 1


def test_a_retry_with_the_same_idempotency_key_is_replayed_and_writes_nothing(api, today, funeral_db):
    body, key = death_body(today), secrets.token_hex(8)
    first = api.post(DEATHS, json=body, headers={"Idempotency-Key": key}, **STAFF)
    before = events_in(funeral_db)

    again = api.post(DEATHS, json=body, headers={"Idempotency-Key": key}, **STAFF)

    assert (first.status_code, again.status_code, again.json()) == (201, 201, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert events_in(funeral_db) == before


HOSTILE = [
    {"issuer": "x" * 10_000},
    {"issuer": "医院\u0000"},
    {"issuer": "医院\u001b[2J"},
    {"certificate_no": "1'; DROP TABLE events; --"},
    {"funeral_home": "FH-610502'--"},
    {"id_number": "610502199001010011' OR '1'='1"},
    {"id_number": 610502199001010011},
    {"natural": "false"},
    {"died_on": "next tuesday"},
    {"place_division": ["610502"]},
    {"unidentified": {"police_case": "x" * 61}},
    {"role": "admin"},
]


@pytest.mark.parametrize("change", HOSTILE, ids=lambda change: next(iter(change)))
def test_hostile_and_invalid_input_is_4xx_and_writes_nothing(api, today, funeral_db, change):
    before = events_in(funeral_db)

    response = api.post(DEATHS, json={**death_body(today), **change}, **STAFF)

    assert 400 <= response.status_code < 500, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "DROP TABLE" not in response.text and "\u001b" not in response.text
    assert events_in(funeral_db) == before


def test_hostile_path_ids_are_404_and_write_nothing(api, funeral_db):
    before = events_in(funeral_db)
    for death_id in ("1' OR '1'='1", "x" * 300, str(uuid.uuid4())):
        assert_problem(api.get(f"{DEATHS}/{death_id}", **STAFF), 404, "not_found")
        response = api.post(f"{DEATHS}/{death_id}/correction", json={"reason": "r", "died_on": "2025-01-01"}, **STAFF)
        assert_problem(response, 404, "not_found")
    assert events_in(funeral_db) == before


# -- F-2, F-6 -------------------------------------------------------------------------------------------------
def test_a_body_is_collected_stored_cremated_once_and_its_ashes_deposited_F2(api, today):
    death_id = register(api, today)["death_id"]

    assert api.post(f"{DEATHS}/{death_id}/collection", json={"collected_from": "家中"}, **STAFF).status_code == 200
    assert api.post(f"{DEATHS}/{death_id}/storage", json={"location": "冷藏柜 3"}, **STAFF).status_code == 200
    cremation = api.post("/v1/funeral/cremations", json={"death_id": death_id, "funeral_home": "FH-610502"}, **STAFF)
    assert cremation.status_code == 201, cremation.text
    assert cremation.json()["cremation_certificate"].startswith("CC-FH610502-")
    assert_problem(api.post("/v1/funeral/cremations", json={"death_id": death_id, "funeral_home": "FH-610502"},
                            **STAFF), 409, "already_cremated")
    ashes = api.post(f"{DEATHS}/{death_id}/ashes", json={"disposition": "deposit", "location": "寄存室 A-3",
                                                         "term_years": 2}, **STAFF)
    assert ashes.status_code == 200, ashes.text
    record = api.get(f"{DEATHS}/{death_id}", **STAFF).json()
    assert (record["ashes"], record["cremation"]["certificate"], record["version"]) == (
        "deposit", cremation.json()["cremation_certificate"], 5)


def test_cremation_needs_a_registered_death_and_a_certificate_number_of_its_own_F2(api, today):
    assert_problem(api.post("/v1/funeral/cremations", json={"death_id": str(uuid.uuid4()),
                                                            "funeral_home": "FH-610502"}, **STAFF),
                   404, "death_not_registered")
    certificate = f"HZ-{secrets.token_hex(4)}"
    first, second = register(api, today)["death_id"], register(api, today)["death_id"]
    assert api.post("/v1/funeral/cremations", json={"death_id": first, "funeral_home": "FH-610502",
                                                    "cremation_certificate": certificate}, **STAFF).status_code == 201
    assert_problem(api.post("/v1/funeral/cremations", json={"death_id": second, "funeral_home": "FH-610502",
                                                            "cremation_certificate": certificate}, **STAFF),
                   409, "duplicate_cremation_certificate")
    assert_problem(api.post("/v1/funeral/cremations", json={"death_id": second, "funeral_home": "FH-610503"},
                            **STAFF), 403, "forbidden_place")


def test_an_unidentified_body_waits_30_days_after_its_claim_notice_and_is_identified_later_F6(api, today):
    registered = register(api, today, unidentified={"police_case": POLICE_CASE, "description": "male, about 60"})
    death_id, temporary = registered["death_id"], registered["subject_id"]
    assert temporary.startswith("TMP-FH610502-") and registered["identified"] is False
    cremation = {"death_id": death_id, "funeral_home": "FH-610502"}

    assert_problem(api.post("/v1/funeral/cremations", json=cremation, **STAFF), 409, "claim_notice_required")
    assert api.post(f"{DEATHS}/{death_id}/claim-notice", json={"medium": "渭南日报"}, **STAFF).status_code == 200
    assert_problem(api.post("/v1/funeral/cremations", json=cremation, **STAFF), 409, "disposal_too_early")
    assert api.post(f"{DEATHS}/{death_id}/disposal-approval", json={"police_case": POLICE_CASE,
                                                                    "document_ref": "JQ-2025-17"},
                    **STAFF).status_code == 200
    assert_problem(api.post("/v1/funeral/cremations", json=cremation, **STAFF), 409, "disposal_too_early")

    person = synthetic_id_number()
    identified = api.post(f"{DEATHS}/{death_id}/identification", json={"id_number": person, "method": "dna"},
                          **STAFF)
    assert identified.json() == {"death_id": death_id, "subject_id": temporary, "version": 4}
    assert status_of(api, person).json()["death_id"] == death_id
    assert status_of(api, temporary).json()["death_id"] == death_id
    assert_problem(api.post(f"{DEATHS}/{death_id}/identification", json={"id_number": person, "method": "dna"},
                            **STAFF), 409, "already_identified")


# -- F-7 -------------------------------------------------------------------------------------------------------
def test_a_death_recorded_against_the_wrong_person_is_corrected_with_a_reason_F7(api, today):
    wrong, right = synthetic_id_number(), synthetic_id_number()
    death_id = register(api, today, wrong)["death_id"]

    assert_problem(api.post(f"{DEATHS}/{death_id}/correction", json={"id_number": right}, **STAFF), 422,
                   "validation_failed")
    stale = api.post(f"{DEATHS}/{death_id}/correction", json={"reason": "wrong patient", "id_number": right,
                                                              "version": 5}, **STAFF)
    assert_problem(stale, 409, "concurrency_conflict")
    corrected = api.post(f"{DEATHS}/{death_id}/correction", json={"reason": "wrong patient", "id_number": right,
                                                                  "version": 1}, **STAFF)

    assert corrected.status_code == 200, corrected.text
    assert status_of(api, wrong).json()["deceased"] is False
    assert status_of(api, right).json()["death_id"] == death_id
    history = api.get(f"{DEATHS}/{death_id}", **ADMIN).json()["history"]
    assert [step["type"] for step in history] == ["funeral.DeathRegistered", "funeral.DeathCorrected"]


def test_if_match_with_a_stale_version_is_409_and_with_the_current_one_succeeds(api, today):
    death_id = register(api, today, synthetic_id_number())["death_id"]
    path = f"{DEATHS}/{death_id}/collection"

    assert_problem(api.post(path, json={}, headers={"If-Match": '"7"'}, **STAFF), 409, "concurrency_conflict")
    assert_problem(api.post(path, json={}, headers={"If-Match": "seven"}, **STAFF), 400, "invalid_if_match")
    collected = api.post(path, json={}, headers={"If-Match": "1"}, **STAFF)
    assert collected.status_code == 200, collected.text
    assert api.get(f"{DEATHS}/{death_id}", **ADMIN).json()["version"] == 2


# -- F-3, F-4, F-5 and the queries --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cemetery(api):
    opened = api.post("/v1/funeral/cemeteries", json={"code": "CEM-610502-1", "name": "临渭区公益性公墓",
                                                      "kind": "public_welfare"}, **ADMIN)
    assert opened.status_code == 201, opened.text
    plots = api.post("/v1/funeral/cemeteries/CEM-610502-1/plots", json={"plots": [
        {"number": "A-1", "kind": "plot", "burial_type": "ashes", "area_m2": 0.8},
        {"number": "D-1", "kind": "plot", "burial_type": "body_double", "area_m2": 6},
        {"number": "T-1", "kind": "plot", "burial_type": "tree", "area_m2": 0.5},
    ]}, **ADMIN)
    assert plots.status_code == 201, plots.text
    return "CEM-610502-1"


def cremated(api, today):
    death_id = register(api, today)["death_id"]
    response = api.post("/v1/funeral/cremations", json={"death_id": death_id, "funeral_home": "FH-610502"}, **STAFF)
    assert response.status_code == 201, response.text
    return death_id


def test_plots_are_laid_out_within_their_area_limits_by_admins_F3(api, cemetery):
    too_big = {"plots": [{"number": "B-1", "kind": "plot", "burial_type": "body_single", "area_m2": 4.5}]}
    assert_problem(api.post(f"/v1/funeral/cemeteries/{cemetery}/plots", json=too_big, **ADMIN), 422,
                   "area_exceeds_limit")
    assert_problem(api.post(f"/v1/funeral/cemeteries/{cemetery}/plots", json=too_big, **CEMETERY_STAFF), 403,
                   "forbidden")
    assert_problem(api.post("/v1/funeral/cemeteries/CEM-610503-9/plots", json=too_big, **ADMIN), 404, "not_found")
    assert_problem(api.post("/v1/funeral/cemeteries", json={"code": cemetery, "name": "x", "kind": "commercial"},
                            **ADMIN), 409, "cemetery_exists")


def test_a_burial_allocates_a_plot_for_20_years_renewable_and_listed_before_it_ends_F3(api, today, cemetery):
    death_id = cremated(api, today)
    burial = api.post("/v1/funeral/burials", json={"death_id": death_id, "cemetery": cemetery, "plot": "A-1",
                                                   "burial_type": "ashes", "rights_holder": {"name": "张三"}},
                      **CEMETERY_STAFF)
    assert burial.status_code == 201, burial.text
    term_until = dt.date.fromisoformat(burial.json()["term_until"])
    assert term_until == today.replace(year=today.year + 20) or term_until.year == today.year + 20

    other = cremated(api, today)
    assert_problem(api.post("/v1/funeral/burials", json={"death_id": other, "cemetery": cemetery, "plot": "A-1",
                                                         "burial_type": "ashes", "rights_holder": {"name": "李四"}},
                            **CEMETERY_STAFF), 409, "plot_occupied")
    assert_problem(api.post("/v1/funeral/burials", json={"death_id": other, "cemetery": cemetery, "plot": "A-1",
                                                         "burial_type": "ashes", "rights_holder": {"name": "李四"}},
                            **STAFF), 403, "forbidden_place")

    as_of = (term_until - dt.timedelta(days=30)).isoformat()
    tasks = api.get(f"/v1/funeral/tasks?as_of={as_of}", **CEMETERY_STAFF).json()
    assert [task["plot_id"] for task in tasks["tasks"]] == [f"{cemetery}.A-1"] and tasks["horizon_days"] == 90
    renewal = api.post(f"/v1/funeral/plots/{cemetery}.A-1/renewals", json={"years": 10}, **CEMETERY_STAFF)
    assert renewal.status_code == 201, renewal.text
    assert api.get(f"/v1/funeral/tasks?as_of={as_of}", **CEMETERY_STAFF).json()["tasks"] == []


def test_occupancy_and_statistics_report_cremations_eco_burials_and_assistance_F3_F4_F5(api, today, cemetery):
    before = api.get(f"/v1/funeral/statistics?year={today.year}", **ADMIN).json()
    tree, sea = cremated(api, today), cremated(api, today)
    assert api.post("/v1/funeral/burials", json={"death_id": tree, "cemetery": cemetery, "plot": "T-1",
                                                 "burial_type": "tree", "rights_holder": {"name": "王五"}},
                    **CEMETERY_STAFF).status_code == 201
    assert api.post("/v1/funeral/burials", json={"death_id": sea, "burial_type": "sea",
                                                 "rights_holder": {"name": "赵六"}}, **STAFF).status_code == 201
    waiver = api.post("/v1/funeral/assistance", json={"death_id": tree, "category": "special_hardship",
                                                      "items": ["collection", "cremation"], "amount": 800}, **STAFF)
    assert waiver.status_code == 201, waiver.text
    assert_problem(api.post("/v1/funeral/assistance", json={"death_id": sea, "category": "celebrity",
                                                            "items": ["cremation"], "amount": 1}, **STAFF),
                   422, "category_not_eligible")

    stats = api.get(f"/v1/funeral/statistics?year={today.year}", **ADMIN).json()
    occupancy = api.get(f"/v1/funeral/cemeteries/{cemetery}", **CEMETERY_STAFF).json()

    assert stats["cremations"] == before["cremations"] + 2 and stats["deaths"] == before["deaths"] + 2
    assert stats["eco_burials"] == before["eco_burials"] + 2
    assert 0 < stats["eco_burial_share"] <= 1 and 0 < stats["cremation_rate"] <= 1
    assert stats["assistance"]["by_category"]["special_hardship"]["amount"] == "800.00"
    assert (occupancy["kind"], occupancy["division"]) == ("public_welfare", "610502")
    assert occupancy["by_burial_type"]["tree"]["occupied"] == 1
    assert occupancy["by_burial_type"]["body_double"]["places"] == 2


def test_a_plot_is_reserved_by_approved_exception_only_F3(api, cemetery):
    exception = {"reason": "92-year-old widow keeps the place beside her husband", "approved_by": "殡葬管理科",
                 "approval_ref": "LW-2025-3"}
    reservation = api.post(f"/v1/funeral/plots/{cemetery}.D-1/reservations", json={
        "exception": exception, "reserved_for": {"name": "王五", "id_number": synthetic_id_number(sex="female")},
        "rights_holder": {"name": "王小五"}}, **CEMETERY_STAFF)
    assert reservation.status_code == 201, reservation.text
    assert_problem(api.post(f"/v1/funeral/plots/{cemetery}.D-1/reservations", json={
        "reserved_for": {"name": "王五"}, "rights_holder": {"name": "王小五"}}, **CEMETERY_STAFF),
        422, "validation_failed")
    plot = api.get(f"/v1/funeral/plots/{cemetery}.D-1", **CEMETERY_STAFF).json()
    assert (plot["capacity"], plot["reserved"], plot["occupants"]) == (2, 1, 0)


def test_deaths_waiting_for_a_step_are_listed_for_the_own_funeral_home_F2_F6(api, today):
    known = register(api, today)
    body = register(api, today, unidentified={"police_case": POLICE_CASE})

    def waiting(awaiting, **who):
        response = api.get(DEATHS, params={"awaiting": awaiting, "limit": 500}, **(who or STAFF))
        assert response.status_code == 200, response.text
        return {item["death_id"]: item for item in response.json()["items"]}

    assert known["death_id"] in waiting("cremation") and body["death_id"] not in waiting("cremation")
    assert body["death_id"] in waiting("claim")
    api.post(f"{DEATHS}/{body['death_id']}/claim-notice", json={"medium": "渭南日报"}, **STAFF)
    noticed = waiting("disposal")[body["death_id"]]
    assert body["death_id"] not in waiting("claim")
    assert dt.date.fromisoformat(noticed["disposal_from"]) > dt.date.fromisoformat(noticed["claim_notice_on"])
    assert noticed["version"] == 2 and noticed["id_number"] is None
    api.post("/v1/funeral/cremations", json={"death_id": known["death_id"], "funeral_home": "FH-610502"}, **STAFF)
    assert known["death_id"] not in waiting("cremation")
    assert body["death_id"] in waiting("disposal", **ADMIN)

    assert_problem(api.get(DEATHS, params={"awaiting": "cremation", "funeral_home": "FH-610521"}, **STAFF), 403,
                   "forbidden_place")
    assert_problem(api.get(DEATHS, params={"awaiting": "burial"}, **STAFF), 422, "validation_failed")


def test_plots_ending_soon_are_listed_and_cemetery_staff_read_their_own_F3(api, today):
    listed = api.get("/v1/funeral/plots", params={"expiring_before": (today + dt.timedelta(days=30)).isoformat()},
                     **CEMETERY_STAFF)
    assert listed.status_code == 200, listed.text
    assert all(item["cemetery"] == "CEM-610502-1" for item in listed.json()["items"])
    assert_problem(api.get("/v1/funeral/plots", params={"cemetery": "CEM-610502-2"}, **CEMETERY_STAFF), 403,
                   "forbidden_place")
