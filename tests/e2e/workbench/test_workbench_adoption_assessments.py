"""The adoption registrar's tasks in Debian's chromium against the real gateway and adoption service: an
assessment the adopters consented to 70 days ago and not reported is listed under 收养申请 with the server's due
day and a 逾期 badge (A-10); one whose living-together period pushed the day back is not. axe-core finds no
serious violations."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.adoption.service import AdoptionService
from services.child_welfare.service import ChildWelfareService
from services.timeline.service import TimelineService
from tests.support.stack import module_stack
from tests.support.synthetic_ids import id_number_of
from tests.support.workbench import account, no_serious_violations, screenshot, sign_in

pytestmark = pytest.mark.integration

world, api = module_stack([AdoptionService, ChildWelfareService, TimelineService],
                          ("adoption", "child_welfare", "timeline", "gateway"))
REGISTRAR = {"as_": "adoption_registrar", "office": "MR-610502"}


def consented(api, consented_on: dt.date, **more) -> dict:
    adopter = id_number_of(dt.date(1980, 1, 1), sequence=uuid.uuid4().int % 500)
    opened = api.post("/v1/adoption/assessments", json={
        "adopters": [{"id_number": adopter, "name": "李明"}], "assessor": "渭南市收养评估小组",
        "consented_on": consented_on.isoformat(), **more}, **REGISTRAR)
    assert opened.status_code == 201, opened.text
    return {**opened.json(), "adopter": adopter}


def test_a_registrar_sees_the_late_assessment_reports_with_their_due_day_A10(page, api, today) -> None:
    consented_on = today - dt.timedelta(days=70)
    late = consented(api, consented_on)
    thirty_one_days = {"started_on": (today - dt.timedelta(days=50)).isoformat(),
                       "ended_on": (today - dt.timedelta(days=20)).isoformat()}
    excused = consented(api, consented_on, living_together=thirty_one_days)
    sign_in(page, api, *account("adoption_registrar", "MR-610502"))

    page.get_by_role("menuitem", name="收养申请").click()
    table = page.get_by_test_id("late-assessments")
    row = table.get_by_role("row").filter(has_text=late["adopter"][:6] + "********" + late["adopter"][14:])
    row.get_by_text("逾期 10 天").wait_for()
    assert late["due_on"] in row.inner_text() and consented_on.isoformat() in row.inner_text()
    assert table.locator(".el-table__body tr").count() == 1  # the module's stack: only these two assessments
    assert excused["due_on"] not in table.inner_text()
    no_serious_violations(page)
    screenshot(page, "adoption-late-assessments")
