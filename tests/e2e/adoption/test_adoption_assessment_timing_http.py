"""A-10 assessment timing end to end, through HTTP alone: an assessment opens at the adopters' consent, its report
is due within 60 days with the living-together period not counted; one not reported by then is a registrar's
task as of the day asked; a report before the consent is refused in Chinese."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.e2e.adoption.test_adoption_http import AD, REGISTRAR, couple, register
from tests.support.problems import assert_problem
from tests.support.synthetic_ids import id_number_of, synthetic_id_number

pytestmark = pytest.mark.integration

COUNTY = {"as_": "adoption_registrar", "office": "MR-610528"}
ZH = {"Accept-Language": "zh-CN"}


def consent(api, consented_on: dt.date, **more):
    adopters = [{"id_number": a["id_number"], "name": a["name"]} for a in couple()]
    opened = api.post(f"{AD}/assessments", json={"adopters": adopters, "assessor": "渭南市收养评估小组",
                                                 "consented_on": consented_on.isoformat(), **more}, **REGISTRAR)
    assert opened.status_code == 201, opened.text
    return opened.json()


def late(api, *, as_of: dt.date | None = None, **who) -> dict:
    answer = api.get(f"{AD}/tasks", params={"as_of": as_of.isoformat()} if as_of else None, **(who or REGISTRAR))
    assert answer.status_code == 200, answer.text
    return {t["assessment_id"]: t for t in answer.json()["late_assessments"]}


def test_A_10_an_assessment_unreported_60_days_after_consent_is_late_until_its_report(api, today):
    consented_on = today - dt.timedelta(days=70)
    waiting = consent(api, consented_on)
    assert (waiting["outcome"], waiting["assessed_on"]) == (None, None)
    assert waiting["due_on"] == (consented_on + dt.timedelta(days=60)).isoformat() and waiting["late"] is True
    thirty_one_days = {"started_on": (today - dt.timedelta(days=50)).isoformat(),
                       "ended_on": (today - dt.timedelta(days=20)).isoformat()}
    living = consent(api, consented_on, living_together=thirty_one_days)
    assert living["due_on"] == (consented_on + dt.timedelta(days=91)).isoformat() and living["late"] is False

    tasks = late(api)
    assert waiting["assessment_id"] in tasks and living["assessment_id"] not in tasks
    task = tasks[waiting["assessment_id"]]
    assert (task["due_on"], task["days_late"], task["consented_on"]) == (
        waiting["due_on"], 10, consented_on.isoformat())
    assert waiting["assessment_id"] not in late(api, as_of=consented_on + dt.timedelta(days=60))  # as of its day
    assert waiting["assessment_id"] in late(api, as_of=consented_on + dt.timedelta(days=61))
    assert waiting["assessment_id"] not in late(api, **COUNTY)  # another office's registrar
    assert waiting["assessment_id"] in late(api, as_="oversight")
    history = api.get(f"/v1/persons/{waiting['adopters'][0]}/access-log", as_="oversight").json()["entries"]
    assert any(e["action"] == "adoption.tasks" and e["role"] == "oversight" for e in history)  # a disclosure

    path = f"{AD}/assessments/{waiting['assessment_id']}"
    read = api.get(path, **REGISTRAR)  # the task leads to the assessment: the same day and count, read again
    assert read.status_code == 200, read.text
    assert (read.json()["due_on"], read.json()["days_late"], read.json()["version"]) == (
        waiting["due_on"], 10, waiting["version"]) and waiting["days_late"] == 10
    assert api.get(path, as_="oversight").status_code == 200
    assert_problem(api.get(path, **COUNTY), 404, "not_found")  # another office's registrar: as if there were none
    # a living-together period begun after the day had passed is no excuse
    running = api.post(f"{path}/living-together", json={"started_on": (today - dt.timedelta(days=5)).isoformat()},
                       **REGISTRAR)
    assert running.status_code == 200 and running.json()["late"] is True, running.text
    assert waiting["assessment_id"] in late(api)
    report = {"outcome": "suitable", "assessed_on": (consented_on - dt.timedelta(days=1)).isoformat(),
              "report_ref": "评估报告 2026-11"}
    before = assert_problem(api.post(f"{path}/report", json=report, headers=ZH, **REGISTRAR), 422,
                            "assessment_before_consent")
    assert "同意" in before["title"]
    assert_problem(api.post(f"{path}/report", json={**report, "assessed_on": today.isoformat()}, **COUNTY), 403,
                   "forbidden_place")

    # the report assesses 30 days or more of living together, lived by its date: six are not enough
    short = assert_problem(api.post(f"{path}/report", json={**report, "assessed_on": today.isoformat()}, headers=ZH,
                                    **REGISTRAR), 422, "living_together_too_short")
    assert short["title"] == "融合期不足30日"
    # lived before the consent (a foster placement): enough for the report, and no excuse for its delay
    lived = {"started_on": (consented_on - dt.timedelta(days=40)).isoformat(), "ended_on": consented_on.isoformat()}
    reported = api.post(f"{path}/report", json={**report, "assessed_on": today.isoformat(), "living_together": lived},
                        **REGISTRAR)
    assert reported.status_code == 200, reported.text
    answer = reported.json()
    assert (answer["outcome"], answer["assessed_on"], answer["late"]) == ("suitable", today.isoformat(), True)
    assert api.get(path, **REGISTRAR).json()["outcome"] == "suitable"
    assert waiting["assessment_id"] not in late(api)
    assert_problem(api.post(f"{path}/report", json={**report, "assessed_on": today.isoformat()}, **REGISTRAR), 409,
                   "assessment_reported")


def test_A_10_a_report_in_one_step_dated_before_the_consent_writes_nothing_and_one_after_it_is_relied_on(api, today):
    adopters = couple()
    body = {"adopters": [{"id_number": a["id_number"], "name": a["name"]} for a in adopters],
            "assessor": "第三方评估机构", "outcome": "suitable",
            "assessed_on": (today - dt.timedelta(days=5)).isoformat(),
            "consented_on": (today - dt.timedelta(days=4)).isoformat()}
    child = {"id_number": id_number_of(dt.date(2021, 6, 6), sequence=uuid.uuid4().int % 400), "name": "赵小宝"}
    placing = {"kind": "parent", "id_number": synthetic_id_number(sex="female"), "other_parent": "untraceable"}

    assert_problem(api.post(f"{AD}/assessments", json=body, **REGISTRAR), 422, "assessment_before_consent")
    pending = api.post(f"{AD}/assessments", json={**body, "outcome": None, "assessed_on": None}, **REGISTRAR)
    assert pending.status_code == 201 and pending.json()["outcome"] is None, pending.text
    assert_problem(api.post(f"{AD}/assessments", json={**body, "outcome": None}, **REGISTRAR), 422,
                   "validation_failed")  # a report gives its outcome with its date
    # neither the refused report nor the one awaited counts for the registration
    assert_problem(register(api, adopters, child, today, placing_party=placing), 422, "no_assessment")

    consented_on = (today - dt.timedelta(days=30)).isoformat()
    # the report assesses the living-together period: one stating none is refused in Chinese
    bare = assert_problem(api.post(f"{AD}/assessments", json={**body, "consented_on": consented_on}, headers=ZH,
                                   **REGISTRAR), 422, "living_together_required")
    assert bare["title"] == "评估报告缺少融合期" and bare["errors"][0]["loc"] == ["body", "living_together"]
    assert_problem(register(api, adopters, child, today, placing_party=placing), 422, "no_assessment")
    lived = {"started_on": (today - dt.timedelta(days=45)).isoformat(), "ended_on": body["assessed_on"]}
    done = api.post(f"{AD}/assessments", json={**body, "consented_on": consented_on, "living_together": lived},
                    **REGISTRAR)
    assert done.status_code == 201, done.text
    assert (done.json()["late"], done.json()["consented_on"]) == (False, consented_on)
    assert register(api, adopters, child, today, placing_party=placing).status_code == 201
