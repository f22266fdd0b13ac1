"""The adoption registrar in Debian's chromium against the real gateway and adoption service: an assessment
the adopters consented to 70 days ago and not reported is listed under 收养申请 with the server's due day and a
逾期 badge (A-10), one whose living-together period pushed the day back is not; an assessment opened at the
consent under 收养评估 shows its due day and 逾期 N 天 as the server counts them, is reached again from the late
list, takes its living-together period (the day moves back, 逾期 goes) and then its report; an adoption dissolved
by agreement on its record page prints the 解除收养关系证明 the answer issued, from the server's PDF (A-16, K-1).
axe-core finds no serious violations."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from services.adoption.service import AdoptionService
from services.child_welfare.service import ChildWelfareService
from services.timeline.service import TimelineService
from tests.e2e.adoption.test_adoption_http import assessed, couple, register
from tests.support.stack import module_stack
from tests.support.synthetic_ids import id_number_of
from tests.support.workbench import account, fill_date, no_serious_violations, screenshot, sign_in

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


def test_a_registrar_opens_an_assessment_at_consent_then_records_living_together_and_the_report_A10(
        page, api, today) -> None:
    adopter = id_number_of(dt.date(1981, 2, 2), sequence=uuid.uuid4().int % 500)
    shown_as = adopter[:6] + "********" + adopter[14:]
    consented_on = today - dt.timedelta(days=70)
    sign_in(page, api, *account("adoption_registrar", "MR-610502"))

    page.get_by_role("menuitem", name="收养评估与公告").click()
    page.get_by_text("同意评估（报告以后记录）", exact=True).click()
    page.locator("#as-0-id").fill(adopter)
    page.locator("#as-0-name").fill("周强")
    fill_date(page, "#as-consent", consented_on)
    page.locator("#as-assessor").fill("渭南市收养评估小组")
    page.get_by_role("button", name="开立评估").click()
    awaiting = page.get_by_test_id("assessment-awaiting")
    awaiting.get_by_role("heading", name="待出具报告的评估").wait_for()
    awaiting.get_by_text("逾期 10 天").wait_for()  # 60 days from the consent, as the server counts them
    assert (consented_on + dt.timedelta(days=60)).isoformat() in awaiting.inner_text()
    assert shown_as in awaiting.inner_text() and adopter not in awaiting.inner_text()

    # The late list leads to the assessment.
    page.get_by_role("menuitem", name="收养申请").click()
    row = page.get_by_test_id("late-assessments").get_by_role("row").filter(has_text=shown_as)
    row.get_by_text("逾期 10 天").wait_for()
    row.get_by_role("button", name="办理").click()
    page.wait_for_url(re.compile(r"/adoption/assessment\?assessment="))
    awaiting.get_by_text("逾期 10 天").wait_for()

    # 31 days of living together after the consent push the day back past today: no longer late.
    fill_date(page, "#lt-from", today - dt.timedelta(days=50))
    fill_date(page, "#lt-to", today - dt.timedelta(days=20))
    page.get_by_role("button", name="记录融合期").click()
    awaiting.get_by_text((consented_on + dt.timedelta(days=91)).isoformat()).wait_for()
    awaiting.get_by_text("逾期").wait_for(state="detached")  # the tag leaves through its transition
    assert f"{(today - dt.timedelta(days=50)).isoformat()} 至 {(today - dt.timedelta(days=20)).isoformat()}" \
        in awaiting.inner_text()
    no_serious_violations(page)
    screenshot(page, "adoption-assessment-awaiting-report")

    page.locator("#rp-ref").fill("评估报告 2026-12")
    page.get_by_role("button", name="登记评估报告").click()
    awaiting.get_by_role("heading", name="已出具报告的评估").wait_for()
    assert f"适合（{today.isoformat()}）" in awaiting.inner_text() and "逾期" not in awaiting.inner_text()
    assert page.get_by_role("button", name="登记评估报告").count() == 0  # a second report is not offered

    page.get_by_role("menuitem", name="收养申请").click()  # the list is read again: reported, it is no longer late
    page.get_by_test_id("late-assessments").get_by_role("row").filter(has_text=shown_as).wait_for(state="detached")


def test_a_dissolution_by_agreement_prints_its_proof_from_the_record_page_A16_K1(page, api, today) -> None:
    adopters = couple()
    assessed(api, adopters, today)
    child = {"id_number": id_number_of(dt.date(2021, 6, 6), sequence=uuid.uuid4().int % 500), "name": "王小宝"}
    made = register(api, adopters, child, today, placing_party={
        "kind": "parent", "id_number": id_number_of(dt.date(1990, 2, 2), sequence=uuid.uuid4().int % 500,
                                                      sex="female"), "other_parent": "untraceable"})
    assert made.status_code == 201, made.text
    certificate = made.json()["certificate"]
    sign_in(page, api, *account("adoption_registrar", "MR-610502"))

    page.get_by_role("menuitem", name="收养登记记录").click()
    page.get_by_role("row").filter(has_text=certificate).get_by_role("button", name="查看").click()
    page.locator("#ds-doc").fill("解除收养协议 2026-9")
    page.get_by_role("button", name="解除收养关系").click()
    page.get_by_text("已解除", exact=True).wait_for()
    page.get_by_text("已收回", exact=True).wait_for()  # the 收养登记证 taken back (K-6)

    page.get_by_role("button", name=re.compile(r"打印解除收养关系证明（SJ610502-\d{4}-\d{6}）")).click()
    dialog = page.get_by_role("dialog", name="解除收养关系证明预览")
    dialog.locator("iframe").wait_for()  # only once the server's PDF came back: a refusal shows an alert instead
    assert dialog.get_by_role("alert").count() == 0
    no_serious_violations(page)
    screenshot(page, "adoption-dissolution-proof")
