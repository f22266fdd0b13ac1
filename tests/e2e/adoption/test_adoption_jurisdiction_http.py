"""A-1 and A-10 over HTTP, on the real gateway, service, database and broker: a registration at an office without
jurisdiction (办法 4) is refused in Chinese and writes nothing, and the office of the placing parent's household
registers it; an application follows the same rule; a report after fewer than 30 days of living together is
refused in Chinese (A-10) and one after 30 recorded."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.e2e.adoption.test_adoption_http import AD, assessed, couple
from tests.support.problems import assert_problem, events_in
from tests.support.synthetic_ids import id_number_of, synthetic_id_number

pytestmark = pytest.mark.integration

ZH = {"Accept-Language": "zh-CN"}
LINWEI = {"as_": "adoption_registrar", "office": "MR-610502"}
FUPING = {"as_": "adoption_registrar", "office": "MR-610528"}


@pytest.fixture
def adoption_db(world):
    return world[0].admin("adoption")


def body(adopters: list[dict], office: str, today: dt.date, **more) -> dict:
    child = {"id_number": id_number_of(dt.date(2021, 6, 6), sequence=uuid.uuid4().int % 400), "name": "赵小宝"}
    return {"office": office, "adopters": adopters, "child": child, "statement_ref": "收养人声明 2026-07",
            "registered_on": today.isoformat(), **more}


def test_a1_a_registration_out_of_jurisdiction_is_refused_in_chinese_writes_nothing_and_the_right_office_registers(
        api, today, adoption_db):
    adopters = couple()
    assessed(api, adopters, today)
    placing = {"kind": "parent", "id_number": synthetic_id_number(sex="female"), "other_parent": "untraceable",
               "household_division": "610528"}  # the 户口簿 says 富平县; the number was issued in 临渭区
    registration = body(adopters, "MR-610502", today, placing_party=placing)
    before = events_in(adoption_db)

    refused = assert_problem(api.post(f"{AD}/registrations", json=registration, headers=ZH, **LINWEI), 422,
                             "not_in_jurisdiction")

    assert refused["title"] == "不属本登记机关管辖" and "送养人户籍" in refused["detail"]
    assert events_in(adoption_db) == before
    made = api.post(f"{AD}/registrations", json={**registration, "office": "MR-610528"}, **FUPING)
    assert made.status_code == 201, made.text
    assert made.json()["certificate"].startswith("SY610528-")


def test_a1_an_institution_placing_states_its_county_and_an_application_is_received_only_where_it_belongs(api, today):
    adopters = couple()
    institution = {"kind": "institution", "institution": "渭南市儿童福利院"}
    orphan = {"id_number": id_number_of(dt.date(2019, 9, 9), sequence=uuid.uuid4().int % 400), "name": "孤儿",
              "situation": "orphan"}
    unstated = assert_problem(api.post(f"{AD}/registrations", headers=ZH, **LINWEI, json={
        **body(adopters, "MR-610502", today), "child": orphan, "placing_party": institution}), 422,
        "jurisdiction_place_required")
    assert unstated["title"] == "缺少确定管辖的地点"

    application = {"office": "MR-610502", "child": orphan,
                   "adopters": [{"id_number": a["id_number"], "name": a["name"]} for a in adopters],
                   "placing_party": {**institution, "institution_division": "610528"}}
    assert_problem(api.post(f"{AD}/applications", json=application, **LINWEI), 422, "not_in_jurisdiction")
    received = api.post(f"{AD}/applications", json={**application, "office": "MR-610528"}, **FUPING)
    assert received.status_code == 201, received.text
    # a code that is no county's is refused as such at its field, not read as another county's registry
    unknown = {**application, "placing_party": {**institution, "institution_division": "610599"}}
    invalid = assert_problem(api.post(f"{AD}/applications", json=unknown, headers=ZH, **LINWEI), 422,
                             "invalid_division")
    assert invalid["errors"][0]["loc"] == ["body", "placing_party", "institution_division"]


def test_a10_a_report_after_fewer_than_30_days_living_together_is_refused_in_chinese_and_after_30_recorded(
        api, today, adoption_db):
    adopters = [{"id_number": a["id_number"], "name": a["name"]} for a in couple()]
    started = today - dt.timedelta(days=40)
    report = {"adopters": adopters, "assessor": "渭南市收养评估小组", "outcome": "suitable",
              "consented_on": (started - dt.timedelta(days=1)).isoformat(), "assessed_on": today.isoformat(),
              "living_together": {"started_on": started.isoformat(),
                                  "ended_on": (started + dt.timedelta(days=28)).isoformat()}}  # 29 days
    before = events_in(adoption_db)

    refused = assert_problem(api.post(f"{AD}/assessments", json=report, headers=ZH, **LINWEI), 422,
                             "living_together_too_short")

    assert refused["title"] == "融合期不足30日"
    assert events_in(adoption_db) == before
    thirty = {**report, "living_together": {**report["living_together"],
                                            "ended_on": (started + dt.timedelta(days=29)).isoformat()}}
    done = api.post(f"{AD}/assessments", json=thirty, **LINWEI)
    assert done.status_code == 201 and done.json()["living_together"]["started_on"] == started.isoformat(), done.text
