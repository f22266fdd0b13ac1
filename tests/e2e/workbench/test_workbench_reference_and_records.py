"""More workbench screens in Debian's chromium against the real stack (issue 13, docs/workbench.md): a marriage
clerk's 今日办结 on the home page, as the statistics route counts the office's day; an admin opens a cemetery,
is refused a second one with the same code and a plot without its area in Chinese, lays out plots and reads the
cemetery's use; an officer records a parent's change on a confirmed child's file (refused first without its
evidence), changes the care and the guardian, terminates the support and reopens the file; relief staff are
refused 落户安置 for a recent case and settle a person unidentified for three months with a new ID number;
cemetery staff reach the plots whose term ends soon from the home page's counter and renew one. axe-core finds
no serious violations on each page; screenshots are kept as artifacts."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from services.adoption.service import AdoptionService
from services.child_welfare.service import ChildWelfareService
from services.funeral.application.funeral import Funeral
from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.timeline.service import TimelineService
from services.vagrant_aid.application.relief import VagrantAid
from services.vagrant_aid.domain.decide import Clock
from services.vagrant_aid.service import VagrantAidService
from shared.business_dates import local_today
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from tests.e2e.child_welfare.test_child_welfare_http import CW, OFFICER, confirm, open_file
from tests.e2e.funeral.calls import ADMIN, CEMETERY_STAFF, death_body
from tests.e2e.marriage.calls import CLERK, REGISTRATIONS, couple, registration
from tests.e2e.vagrant_aid.support import intake, key, new_id_number
from tests.e2e.workbench.test_workbench_casework import fill_date
from tests.support.stack import module_stack
from tests.support.workbench import as_role, no_serious_violations, screenshot

pytestmark = pytest.mark.integration

# Every consumer of the events these journeys write runs too (the relay halts on an unroutable event).
world, api = module_stack([MarriageService, ChildWelfareService, VagrantAidService, FuneralService, AdoptionService,
                           TimelineService],
                          ("marriage", "child_welfare", "vagrant_aid", "funeral", "adoption", "timeline", "gateway"))


def test_a_clerk_sees_the_offices_day_done_on_the_home_page(page: Any, api: Any) -> None:
    registered = api.post(REGISTRATIONS, json=registration(*couple()), **CLERK)
    assert registered.status_code == 201, registered.text
    man, woman = couple()
    booked = api.post("/v1/marriage/appointments", json={"office": CLERK["office"], "date": local_today().isoformat(),
                                                         "kind": "marriage", "id_numbers": [man, woman]}, **CLERK)
    assert booked.status_code == 201, booked.text
    day = local_today().isoformat()
    statistics = api.get("/v1/marriage/statistics", params={"from": day, "to": day}, **CLERK)
    assert statistics.status_code == 200, statistics.text
    office = next(o for o in statistics.json()["offices"] if o["office"] == CLERK["office"])
    assert office["registrations"] >= 1

    as_role(page, api, "marriage_clerk", CLERK["office"])
    # Under the counters, the first queue's table (今日预约) from the list the counter counts, ID numbers masked.
    first = page.get_by_role("region", name="今日预约")
    row = first.get_by_role("row").filter(has_text=f"{man[:6]}********{man[14:]}")
    row.get_by_text("已预约").wait_for()
    assert first.get_by_text(man).count() == 0
    done = page.get_by_role("region", name="今日办结")
    done.get_by_label(f"今日结婚登记：{office['registrations']}").wait_for()
    done.get_by_label(f"今日离婚登记：{office['divorces']}").wait_for()
    done.get_by_label(f"今日不予登记：{office['refusals']}").wait_for()
    no_serious_violations(page)
    screenshot(page, "marriage-done-today")


def test_an_admin_opens_a_cemetery_lays_out_plots_and_reads_its_use(page: Any, api: Any) -> None:
    code = f"CEM-610502-{1 + uuid.uuid4().int % 9999}"
    as_role(page, api, "admin")
    page.get_by_role("menuitem", name="公墓与墓位").click()
    page.get_by_role("heading", name="公墓与墓位").wait_for()
    page.locator("#cem-code").fill(code)
    page.locator("#cem-name").fill("临渭区公益性公墓")
    page.get_by_role("button", name="开设公墓").click()
    page.get_by_text(f"已开设公墓 {code}").first.wait_for()
    assert page.locator("#plots-code").input_value() == code  # the code goes on to 布设墓位

    # The same code again: the server's 409, in Chinese through the catalogue, nothing written.
    page.get_by_role("button", name="开设公墓").click()
    page.get_by_role("alert").filter(has_text="公墓已存在").wait_for()

    page.get_by_label("第1行 墓位号").fill("A-1")
    page.get_by_role("button", name="添加一行").click()
    page.get_by_label("第2行 墓位号").fill("T-1")
    page.locator(".el-select", has=page.get_by_role("combobox", name="第2行 安葬方式")).click()
    page.get_by_role("option", name="树葬").click()
    page.get_by_label("第2行 面积（平方米）").fill("0.5")
    page.get_by_role("button", name="布设墓位").click()
    page.get_by_role("alert").filter(has_text="须填写面积").wait_for()  # a plot without its area (F-3)
    page.get_by_label("第1行 面积（平方米）").fill("0.8")
    page.get_by_role("button", name="布设墓位").click()
    page.get_by_role("status").filter(has_text=f"{code}.A-1").wait_for()

    usage = api.get(f"/v1/funeral/cemeteries/{code}", **ADMIN).json()
    assert usage["plots"] == 2
    by_type = page.locator(".el-table")
    by_type.get_by_role("row").filter(has_text="树葬").wait_for()
    assert by_type.get_by_role("row").filter(has_text="骨灰安葬").count() == 1
    assert page.locator(".el-descriptions").get_by_text(f"{usage['places']}", exact=True).count() >= 1
    no_serious_violations(page)
    screenshot(page, "admin-cemeteries")


def pick(page: Any, field: str, option: str) -> None:
    """Choose an option of an el-select by its field's id (the select's wrapper takes the click)."""
    page.locator(f".el-select:has(#{field})").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_an_officer_records_a_parents_change_changes_the_care_and_terminates_the_support(page: Any, api: Any) -> None:
    today = local_today()
    child_id = open_file(api, today)["child_id"]
    confirm(api, child_id)
    as_role(page, api, "child_welfare_officer")
    page.goto(f"{api.base_url}/child-welfare/children/{child_id}")
    page.get_by_role("heading", name="儿童档案").wait_for()

    # 父母情况变更: without its evidence the server refuses, in Chinese; then recorded, as the file now says.
    page.get_by_role("tab", name="父母情况").click()
    pick(page, "pc-condition", "宣告死亡")
    since = today - dt.timedelta(days=10)
    fill_date(page, "#pc-since", since)
    page.get_by_role("button", name="记录变更").click()
    page.get_by_role("alert").filter(has_text="不予办理").wait_for()
    page.locator("#pc-evidence").fill("渭临民初字第12号")
    page.get_by_role("button", name="记录变更").click()
    page.get_by_text("已记录父母情况变更").first.wait_for()
    father = api.get(f"{CW}/children/{child_id}", **OFFICER).json()["parents"][0]
    assert father["condition"] == "declared_dead"
    page.get_by_text(f"{since.isoformat()} 起 宣告死亡 · 渭临民初字第12号").wait_for()
    no_serious_violations(page)

    # 变更安置: to the welfare institution, the care shown as the server now holds it.
    page.get_by_role("tab", name="安置").click()
    pick(page, "pl-care", "机构集中养育")
    page.get_by_role("button", name="变更安置").click()
    page.get_by_text("已变更安置").first.wait_for()
    care = api.get(f"{CW}/children/{child_id}", **OFFICER).json()["care"]
    assert care["care"] == "institution"
    page.get_by_text("机构集中养育（儿童福利院）").wait_for()
    no_serious_violations(page)
    screenshot(page, "cw-file-placement")

    # 其他办理 › 监护人变更 (C-2): the file names the new guardian, as the server now holds it.
    page.get_by_role("tab", name="其他办理").click()
    page.locator("#gd-name").fill("王淑芬")
    page.locator("#gd-relation").fill("姑母")
    page.get_by_role("button", name="变更监护人").click()
    page.get_by_text("已变更监护人").first.wait_for()
    assert api.get(f"{CW}/children/{child_id}", **OFFICER).json()["guardian"]["name"] == "王淑芬"
    no_serious_violations(page)
    screenshot(page, "cw-file-guardian")

    # 终止保障: the file's status becomes the server's 已终止, and the forms that no longer apply go.
    page.get_by_role("tab", name="基本信息").click()
    pick(page, "tm-reason", "其他")
    fill_date(page, "#tm-on", today)
    page.locator("#tm-notes").fill("迁往外省随亲属生活")
    page.get_by_role("button", name="终止保障").click()
    # the success message, not 其他办理's hidden 重新申请 text, which begins with the same words
    page.locator(".el-message").filter(has_text="已终止保障").wait_for()
    assert api.get(f"{CW}/children/{child_id}", **OFFICER).json()["status"] == "terminated"
    page.locator(".el-tag").filter(has_text="已终止").first.wait_for()
    assert page.get_by_role("button", name="终止保障").count() == 0
    no_serious_violations(page)
    screenshot(page, "cw-file-terminated")

    # 重新申请 (C-2, C-3): the terminated file is under assessment again, to be checked and decided anew.
    page.get_by_role("tab", name="其他办理").click()
    page.locator("#ro-reason").fill("随亲属返回本市生活")
    page.get_by_role("button", name="重新申请").click()
    page.get_by_text("已重新申请").first.wait_for()
    assert api.get(f"{CW}/children/{child_id}", **OFFICER).json()["status"] == "applied"


def settle(page: Any, api: Any, case_id: str, id_number: str) -> None:
    page.goto(f"{api.base_url}/vagrant-aid/cases/{case_id}")
    page.get_by_role("tab", name="落户安置").click()
    page.locator("#st-id").fill(id_number)
    page.locator("#st-division").fill("610502")
    page.get_by_role("button", name="落户安置").click()


def test_relief_staff_are_refused_an_early_settlement_and_settle_a_person_unidentified_for_three_months(
        page: Any, api: Any, world: Any) -> None:
    staff = {"as_": "relief_staff", "office": "RS-610500"}
    recent = api.post("/v1/vagrant-aid/cases", json=intake(), headers=key(), **staff)
    assert recent.status_code == 201, recent.text
    # A case taken in 100 days ago, written as it was then (the API backdates an intake by 30 days at most).
    namespace, _ = world
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=100)
    back_then = VagrantAid(PostgresEventStore(namespace.database("vagrant_aid", max_size=2)),
                           Correlation("e2e", None, "tester"), lambda: Clock.at(then))
    old = back_then.take_in(intake(person={"sex": "female", "estimated_age": 50}),
                            {"name": "relief.RS-610500", "role": "relief_staff", "office": "RS-610500"})

    as_role(page, api, "relief_staff", "RS-610500")
    settle(page, api, recent.json()["case_id"], new_id_number())
    page.get_by_role("alert").filter(has_text="落户安置时间未到").wait_for()  # V-6, the server's 422 in Chinese
    no_serious_violations(page)

    new_number = new_id_number(dt.date(1975, 1, 1), sex="female")
    settle(page, api, old["case_id"], new_number)
    page.get_by_text("已办理落户安置").first.wait_for()
    case = api.get(f"/v1/vagrant-aid/cases/{old['case_id']}", **staff).json()
    assert case["settlement"]["household_division"] == "610502"
    assert case["subject_id"] == new_number
    facts = page.locator(".el-descriptions").first
    facts.get_by_text(new_number, exact=True).wait_for()  # the record now under the new number, as the server says
    facts.get_by_text("在站" if case["status"] == "open" else "已离站", exact=True).wait_for()
    no_serious_violations(page)
    screenshot(page, "relief-settled")


def test_cemetery_staff_renew_a_plot_whose_term_ends_soon(page: Any, api: Any, world: Any) -> None:
    # A burial of twenty years ago less a month, written as it was then: its term ends within the list's horizon.
    namespace, _ = world
    then = local_today().replace(year=local_today().year - 20) + dt.timedelta(days=30)
    back_then = Funeral(PostgresEventStore(namespace.database("funeral", max_size=2)),
                        Correlation("e2e", None, "tester"), lambda: then)
    admin = {"name": "admin.city", "role": "admin", "office": None}
    home = {"name": "funeral.fh-610502", "role": "funeral_staff", "office": "FH-610502"}
    cemetery = {"name": "cemetery.cem-610502-1", "role": "funeral_staff", "office": "CEM-610502-1"}
    code, number = "CEM-610502-1", f"R-{uuid.uuid4().int % 10**6}"
    if api.get(f"/v1/funeral/cemeteries/{code}", **ADMIN).status_code == 404:
        back_then.open_cemetery({"code": code, "name": "临渭区公益性公墓", "kind": "public_welfare"}, admin)
    back_then.add_plots(code, {"plots": [{"number": number, "kind": "plot", "burial_type": "ashes", "area_m2": 0.8}]},
                        admin)
    death = back_then.register_death(death_body(then), home)
    back_then.cremate({"death_id": death["death_id"], "funeral_home": "FH-610502"}, home)
    back_then.bury({"death_id": death["death_id"], "cemetery": code, "plot": number, "burial_type": "ashes",
                    "rights_holder": {"name": "张三"}}, cemetery)
    plot_id = f"{code}.{number}"
    before = api.get(f"/v1/funeral/plots/{plot_id}", **CEMETERY_STAFF).json()["term_until"]

    as_role(page, api, "funeral_staff", code)
    page.get_by_role("link", name=re.compile(r"墓位即将到期：[1-9]")).click()  # the home page's counter of the list
    page.get_by_role("heading", name="即将到期墓位").wait_for()
    row = page.get_by_role("row").filter(has_text=number)
    row.get_by_text(before).wait_for()
    no_serious_violations(page)
    row.get_by_role("button", name="续期").click()
    page.get_by_text("已续期").first.wait_for()
    after = api.get(f"/v1/funeral/plots/{plot_id}", **CEMETERY_STAFF).json()["term_until"]
    assert after > before  # one full term more, the server's
    page.get_by_role("row").filter(has_text=number).wait_for(state="detached")  # no longer ending soon
    screenshot(page, "funeral-plot-renewed")

    # 墓位预留 as a cenotaph (衣冠冢, D-8): a plot kept by approved exception for a person a court declared dead.
    cenotaph = f"Y-{uuid.uuid4().int % 10**6}"
    back_then.add_plots(code, {"plots": [{"number": cenotaph, "kind": "plot", "burial_type": "ashes", "area_m2": 0.8}]},
                        admin)
    declared_dead = new_id_number()
    declaration = api.post("/v1/court-declarations", as_="marriage_registrar", json={
        "kind": "death", "id_number": declared_dead, "court": "渭南市临渭区人民法院",
        "judgment_ref": f"(2026)陕0502民特{uuid.uuid4().int % 10**5}号",
        "judgment_on": (local_today() - dt.timedelta(days=3)).isoformat()})
    assert declaration.status_code == 201, declaration.text
    page.locator("#rv-plot").fill(cenotaph)
    page.get_by_text("为被宣告死亡的人员立衣冠冢", exact=True).click()
    page.locator("#rv-declaration").fill(declaration.json()["declaration_id"])
    page.locator("#rv-name").fill("王建国")
    page.locator("#rv-id").fill(declared_dead)
    page.locator("#rv-holder").fill("王小明")
    page.locator("#rv-reason").fill("宣告死亡，家属立衣冠冢")
    page.locator("#rv-approver").fill("殡葬管理科")
    page.locator("#rv-ref").fill("YG-2026-1")
    opened = page.get_by_role("navigation", name="已打开页面")
    expect(opened.get_by_role("link", name=re.compile("有未提交的内容"))).to_have_count(1)
    page.get_by_role("button", name="预留墓位").click()
    page.get_by_text("已预留墓位（衣冠冢）").first.wait_for()
    expect(opened.get_by_role("link", name=re.compile("有未提交的内容"))).to_have_count(0)  # sent
    kept = api.get(f"/v1/funeral/plots/{code}.{cenotaph}", **CEMETERY_STAFF).json()
    assert (kept["reserved"], kept["occupants"]) == (1, 0)
