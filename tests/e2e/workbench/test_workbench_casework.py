"""The casework screens of the workbench in Debian's chromium against the real stack (issue 13, docs/workbench.md):
a child welfare officer opens a child's file, the township checks it from its queue, the officer confirms an
orphan on the file page, signs the agreement, records a visit and reads the ledger reached from the file; a
marriage clerk books an appointment, opens it in the registration form and cancels it; relief staff register a
person prone to getting lost, meet the match at intake and on the watch-list page, extend the stay (refused
first in Chinese) and record a death at the station; a clerk voids a spoiled blank, reissues a lost
certificate from the registration record, issues the man's 婚姻登记记录证明 (K-7) and audits the office's 字号
(K-4). axe-core finds no serious violations on each page; screenshots are kept as artifacts."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest

from services.adoption.service import AdoptionService
from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.timeline.service import TimelineService
from services.vagrant_aid.service import VagrantAidService
from shared.business_dates import local_today
from tests.e2e.marriage.calls import CLERK, REGISTRATIONS, couple, registration
from tests.support.stack import module_stack
from tests.support.synthetic_ids import id_number_of, synthetic_id_number
from tests.support.workbench import as_role, fill_date, no_serious_violations, screenshot

pytestmark = pytest.mark.integration

# Every consumer of the events these journeys write runs too (the relay halts on an unroutable event), and
# adoption beside the timeline, which reads every service's store.
world, api = module_stack([MarriageService, ChildWelfareService, VagrantAidService, FuneralService, AdoptionService,
                           TimelineService],
                          ("marriage", "child_welfare", "vagrant_aid", "funeral", "adoption", "timeline", "gateway"))


def masked(id_number: str) -> str:
    return f"{id_number[:6]}********{id_number[14:]}"


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def test_an_officer_opens_a_file_the_township_checks_it_and_the_officer_confirms_an_orphan_and_reads_the_ledger(
        page: Any, browser: Any, api: Any) -> None:
    today = local_today()
    applied, checked, decided = (today - dt.timedelta(days=days) for days in (20, 18, 15))
    paid_from = (decided.replace(day=28) + dt.timedelta(days=4)).replace(day=1)  # C-5: the month after the decision
    standard = {"category": "orphan", "care": "dispersed", "from_month": "2025-01", "amount": "1500.00"}
    assert api.put("/v1/child-welfare/standards", json=standard, as_="admin").status_code == 200

    as_role(page, api, "child_welfare_officer")
    # The home page's counters, from the server's lists (GET /children?stage=, GET /tasks).
    for queue in ("待县级审批", "走访到期", "协议待续签", "90日内年满18周岁"):
        page.get_by_role("link", name=re.compile(rf"{queue}：\d+")).wait_for()
    page.get_by_role("menuitem", name="建档").click()
    child = id_number_of(dt.date(2016, 3, 1), sequence=uuid.uuid4().int % 500)
    page.locator("#of-child-id").fill(child)
    page.locator("#of-child-name").fill("王小宝")
    for i, name in enumerate(("王大山", "李秀兰")):
        page.locator(f"#of-p{i}-name").fill(name)
        fill_date(page, f"#of-p{i}-since", dt.date(2021, 5, 1))
        page.locator(f"#of-p{i}-evidence").fill(f"死亡证明{i + 1}号")
    page.locator("#of-g-name").fill("王爷爷")
    page.locator("#of-g-relation").fill("祖父")
    fill_date(page, "#of-applied", applied)
    no_serious_violations(page)
    screenshot(page, "cw-open-file")
    page.get_by_role("button", name="建档", exact=True).click()
    page.get_by_role("heading", name="儿童档案").wait_for()
    assert "王小宝" not in page.url and child not in page.url  # record ids only in the URL
    page.get_by_text("待乡镇审核").first.wait_for()

    # The township's queue: its counter on the home page, the file masked in the list, the check recorded.
    township = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900})
    try:
        clerk = township.new_page()
        as_role(clerk, api, "township_officer")
        clerk.get_by_role("link", name=re.compile(r"待乡镇审核：[1-9]")).wait_for()
        clerk.get_by_role("menuitem", name="待乡镇审核").click()
        row = clerk.get_by_role("row").filter(has_text=masked(child))
        row.get_by_role("button", name="乡镇审核").click()
        dialog = clerk.get_by_role("dialog", name="乡镇审核")
        fill_date(clerk, "#tc-on", checked)
        dialog.get_by_role("button", name="确认审核").click()
        clerk.get_by_text("已记录乡镇审核").first.wait_for()
        clerk.get_by_role("row").filter(has_text=masked(child)).wait_for(state="detached")
        dialog.wait_for(state="hidden")
        no_serious_violations(clerk)
        screenshot(clerk, "township-queue")
    finally:
        township.close()

    # The county's decision on the file page, then the agreement and a visit.
    page.reload()
    page.get_by_role("tab", name="审核审批").click()
    fill_date(page, "#dc-on", decided)
    page.get_by_role("button", name="县级审批").click()
    page.get_by_text("已认定").first.wait_for()
    page.get_by_text("保障中").first.wait_for()
    assert page.get_by_text(f"{checked.isoformat()} 通过").is_visible()
    no_serious_violations(page)
    screenshot(page, "cw-file-review")

    page.get_by_role("tab", name="父母情况").click()
    page.get_by_role("row").filter(has_text="王大山").get_by_text("死亡证明1号", exact=False).wait_for()

    page.get_by_role("tab", name="协议").click()
    page.locator("#ag-party").fill("王爷爷")
    page.get_by_role("button", name="签订协议").click()
    page.get_by_role("row").filter(has_text="监护协议").filter(has_text="王爷爷").wait_for()

    page.get_by_role("tab", name="走访").click()
    page.locator("#vs-findings").fill("生活照料良好，按时上学")
    page.get_by_role("button", name="登记走访").click()
    page.get_by_role("row").filter(has_text="生活照料良好").wait_for()

    page.get_by_role("tab", name="办理记录").click()
    for action in ("建档申请", "乡镇审核", "县级审批：认定", "签订协议", "走访"):
        assert page.get_by_role("row").filter(has_text=action).count() >= 1, action
    screenshot(page, "cw-file-history")

    # The ledger, reached from the file: month by month with the standard and its basis (C-5).
    page.get_by_role("tab", name="保障金").click()
    page.get_by_role("button", name="查看保障金明细").click()
    ledger = page.get_by_test_id("ledger")
    paid = ledger.get_by_role("row").filter(has_text=month_of(paid_from))
    paid.get_by_text("1500.00").first.wait_for()
    assert paid.get_by_text("孤儿 · 散居").is_visible()
    assert ledger.get_by_role("row").filter(has_text=month_of(applied)).count() >= 1  # from the application on
    no_serious_violations(page)
    screenshot(page, "cw-ledger-from-file")

    # The top bar's person search: the child's standing as the timeline derives it, the number never in the URL.
    for _ in range(30):  # the timeline applies the file's events from the broker, shortly after they are written
        page.locator("#top-person-id").fill(child)
        page.get_by_role("search", name="人员查询").get_by_role("button", name="查档").click()
        page.get_by_role("heading", name="人员档案").wait_for()
        page.wait_for_timeout(500)
        if page.get_by_text(re.compile(r"孤儿（\d{4}-\d{2}-\d{2} 起）")).count():
            break
    page.get_by_text(f"孤儿（{decided.isoformat()} 起）").wait_for()
    assert child not in page.url and child not in page.title()
    no_serious_violations(page)
    screenshot(page, "person-from-top-bar")


def test_a_clerk_books_an_appointment_opens_it_in_the_registration_form_and_cancels_it(page: Any, api: Any) -> None:
    as_role(page, api, "marriage_clerk", "MR-610502")
    page.get_by_role("menuitem", name="今日预约").click()
    man, woman = synthetic_id_number(), synthetic_id_number(sex="female")
    page.locator("#bk-first").fill(man)
    page.locator("#bk-second").fill(woman)
    no_serious_violations(page)
    page.get_by_role("button", name="预约", exact=True).click()
    page.get_by_text("预约成功").first.wait_for()
    row = page.get_by_role("row").filter(has_text=masked(man))
    row.get_by_text("已预约").wait_for()
    assert row.get_by_text(masked(woman), exact=False).is_visible()
    assert row.get_by_text(man).count() == 0  # lists mask the ID numbers
    screenshot(page, "marriage-appointment-booked")

    # 办理: the parties go to the registration form in memory, never through the URL.
    row.get_by_role("button", name="办理").click()
    page.get_by_role("heading", name="结婚登记").wait_for()
    assert page.locator("#party-0-id").input_value() == man
    assert page.locator("#party-1-id").input_value() == woman
    assert man not in page.url and woman not in page.url

    page.get_by_role("menuitem", name="今日预约").click()
    row.get_by_role("button", name="取消预约").click()
    row.get_by_text("已取消").wait_for()
    no_serious_violations(page)


def test_relief_staff_meet_a_watch_list_match_extend_the_stay_and_record_a_death(page: Any, api: Any) -> None:
    today = local_today()
    name = "张" + "".join(chr(0x4E00 + uuid.uuid4().int % 2000) for _ in range(2))
    as_role(page, api, "relief_staff", "RS-610500")
    page.get_by_role("menuitem", name="走失人员登记").click()
    page.locator("#wl-name").fill(name)
    page.locator("#wl-year input, input#wl-year").first.fill("1950")
    page.locator("#wl-contact-name").fill("张四")
    page.locator("#wl-contact-relation").fill("儿子")
    page.locator("#wl-contact-phone").fill("13800000000")
    page.get_by_role("button", name="登记", exact=True).click()
    page.get_by_text("已登记走失人员").first.wait_for()
    page.get_by_role("row").filter(has_text=name).filter(has_text="13800000000").wait_for()

    page.get_by_role("menuitem", name="救助登记").click()
    page.locator("#in-name").fill(name)
    page.locator("#in-age input, input#in-age").first.fill(str(today.year - 1950))
    page.get_by_text("本人自愿受助").click()
    page.get_by_role("button", name="救助登记").click()
    page.get_by_role("alert").filter(has_text=f"与走失人员登记匹配：{name}").wait_for()  # V-10 at intake

    page.get_by_role("menuitem", name="走失人员登记").click()
    page.locator("#wm-case").click()
    page.get_by_role("option").filter(has_text=name).first.click()
    page.get_by_role("button", name="查询匹配").click()
    match = page.get_by_role("alert").filter(has_text=f"与走失人员登记匹配：{name}（姓名、性别、年龄相符）")
    match.wait_for()
    assert match.get_by_text("儿子 张四 13800000000", exact=False).is_visible()
    no_serious_violations(page)
    screenshot(page, "relief-watchlist-match")

    page.get_by_role("menuitem", name="在站人员").click()
    page.get_by_role("row").filter(has_text=name).get_by_role("button", name="查看").click()
    page.get_by_role("heading", name="救助个案").wait_for()

    # V-5: an extension to a day not later than the stay's end is refused in Chinese, with nothing written.
    page.get_by_role("tab", name="延期").click()
    fill_date(page, "#xt-until", today)
    page.locator("#xt-reason").fill("待亲属来站接回")
    page.get_by_role("button", name="延期", exact=True).click()
    page.get_by_role("alert").filter(has_text="延期日期须晚于原期限 (V-5)").wait_for()
    assert page.locator("#xt-reason").input_value() == "待亲属来站接回"
    fill_date(page, "#xt-until", today + dt.timedelta(days=40))
    page.get_by_role("button", name="延期", exact=True).click()
    page.get_by_text("已办理延期").first.wait_for()
    page.get_by_text(f"救助期限至 {(today + dt.timedelta(days=40)).isoformat()}").wait_for()
    no_serious_violations(page)

    # V-8: a death at the station, with the medical certificate; the case closes.
    page.get_by_role("tab", name="离站").click()
    page.locator(".el-select:has(#ex-kind)").click()
    page.get_by_role("option", name="死亡").click()
    fill_date(page, "#ex-died-on", today)
    page.locator("#ex-place").fill("610502")
    page.locator("#ex-cert").fill("D610502" + uuid.uuid4().hex[:6])
    page.locator("#ex-issuer").fill("渭南市中心医院")
    screenshot(page, "relief-exit-died")
    page.get_by_role("button", name="离站", exact=True).click()
    page.get_by_text("已办理离站").first.wait_for()
    page.get_by_text(f"已于 {today.isoformat()} 离站：死亡").wait_for()
    page.get_by_role("tab", name="办理记录").click()
    for action in ("延期", "离站"):
        assert page.get_by_role("row").filter(has_text=action).count() >= 1, action
    no_serious_violations(page)


def test_a_clerk_receives_certificate_blanks_and_voids_a_spoiled_one(page: Any, api: Any) -> None:
    as_role(page, api, "marriage_clerk", "MR-610502")
    page.get_by_role("menuitem", name="空白证管理").click()
    page.locator("#rc-series").fill("WB")
    page.locator("#rc-first").fill("1")
    page.locator("#rc-last").fill("10")
    page.get_by_role("button", name="入库", exact=True).click()
    page.get_by_text("已登记入库").first.wait_for()
    page.locator("#vd-number").fill("WB00000003")
    page.locator("#vd-reason").fill("打印错位")
    page.get_by_role("button", name="作废", exact=True).click()
    page.get_by_text("已登记作废").first.wait_for()
    page.get_by_role("row").filter(has_text="WB00000003").filter(has_text="打印错位").wait_for()
    books = page.locator(".el-descriptions").filter(has_text="台账")
    for label, count in (("入库", "10"), ("作废", "1"), ("库存", "9")):
        cell = books.locator("td").filter(has_text=re.compile(f"^{label}$"))
        assert cell.locator("xpath=following-sibling::td[1]").inner_text().strip() == count, label
    no_serious_violations(page)
    screenshot(page, "marriage-certificate-stock")


def test_a_clerk_reissues_a_lost_certificate_from_the_registration_record(page: Any, api: Any) -> None:
    man, woman = couple()
    registered = api.post(REGISTRATIONS, json=registration(man, woman), **CLERK)
    assert registered.status_code == 201, registered.text
    first_numbers = {copy["number"] for copy in registered.json()["certificates"]}

    as_role(page, api, "marriage_clerk", "MR-610502")
    page.goto(f"{api.base_url}/marriage/registrations/{registered.json()['registration_id']}")
    page.get_by_role("heading", name="登记记录").wait_for()
    page.locator(".el-select:has(#rs-holder)").click()
    page.get_by_role("option").first.click()
    page.locator("#rs-reason").fill("本人遗失")
    page.get_by_role("button", name="补领结婚证").click()
    page.get_by_text("已补领结婚证").first.wait_for()
    status = page.get_by_role("status").filter(has_text="已补发")
    status.wait_for()
    new_number = re.search(r"已补发 ([A-Z0-9-]+)", status.inner_text()).group(1)
    assert new_number not in first_numbers  # a new 字号, the server's
    page.get_by_text(new_number).first.wait_for()
    with page.expect_download() as saved:
        status.get_by_role("button", name="下载证书 PDF").click()
    assert saved.value.suggested_filename == f"{new_number}.pdf"
    no_serious_violations(page)
    screenshot(page, "marriage-reissue")

    # K-7: the man's 婚姻登记记录证明 for a notarisation in Germany lists his own registration, then prints from the
    # server's PDF (the answer's code, in memory only).
    page.get_by_role("menuitem", name="婚姻登记记录证明").click()
    page.locator("#ks-id").fill(man)
    page.locator("#ks-name").fill("王小明")
    page.locator(".el-select:has(#ks-destination)").click()
    page.get_by_role("option", name="德国").click()
    no_serious_violations(page)
    page.get_by_role("button", name="出具证明").click()
    statement = page.get_by_test_id("statement")
    statement.get_by_role("row").filter(has_text="结婚登记").first.wait_for()
    assert re.search(r"ZM610502-\d{4}-\d+", statement.inner_text())  # its own serial, the server's
    statement.get_by_role("button", name="打印证明").click()
    dialog = page.get_by_role("dialog", name="婚姻登记记录证明")
    dialog.locator("iframe").wait_for()  # only once the PDF came back: a refusal shows an alert instead
    assert dialog.get_by_role("alert").count() == 0
    screenshot(page, "marriage-record-statement")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")

    # K-4: the office's 字号稽核 of this year lists the statement's own sequence beside the certificates'.
    page.get_by_role("menuitem", name="字号稽核").click()
    page.get_by_role("button", name="稽核").click()
    page.get_by_test_id("audit-result").wait_for()
    page.get_by_role("row").filter(has_text="ZM").first.wait_for()
    no_serious_violations(page)
    screenshot(page, "marriage-numbering-audit")
