"""One whole journey per role of the workbench in Debian's chromium against the real stack (issue 13): relief
staff take in a minor, see the referral on the case page, refer the child to hospital (V-3) and record a
refusal of aid (V-2); an admin creates an account and that person signs in; funeral staff register a death,
find it waiting for cremation, correct it (F-7) and record its storage (F-2); a registrar uploads a historical
import, reads the per-row conflict report and finds the record imported below the marriage ages in 待复核婚姻登记
(M-12). axe-core finds no serious violations on each main page; screenshots are kept as artifacts
(docs/workbench.md shows some)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import pytest

from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.vagrant_aid.service import VagrantAidService
from tests.support.stack import module_stack
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.workbench import as_role, no_serious_violations, screenshot, sign_in

pytestmark = pytest.mark.integration

world, api = module_stack([MarriageService, VagrantAidService, FuneralService],
                          ("marriage", "vagrant_aid", "funeral", "gateway"))


def test_relief_staff_take_in_a_minor_and_see_the_referral_on_the_case_page(page, api) -> None:
    as_role(page, api, "relief_staff", "RS-610500")
    page.get_by_role("menuitem", name="救助登记").click()
    page.locator("#in-name").fill("小明")
    page.locator("#in-age input, input#in-age").first.fill("12")
    page.get_by_text("未成年人", exact=True).click()
    page.get_by_text("本人自愿受助").click()
    no_serious_violations(page)
    screenshot(page, "relief-intake")
    page.get_by_role("button", name="救助登记").click()
    page.get_by_role("button", name="查看个案").click()
    page.get_by_text("已转介儿童福利机构，实行临时监护（V-7）").wait_for()
    page.get_by_role("tab", name="办理记录").click()
    page.get_by_text("未成年人转介儿童福利机构（临时监护）").wait_for()
    screenshot(page, "relief-case-referral")
    no_serious_violations(page)
    # V-3: a screening during the stay finds an injury; the person is referred to hospital.
    page.get_by_role("tab", name="送医").click()
    page.get_by_text("受伤", exact=True).click()
    page.get_by_role("button", name="送医", exact=True).click()
    page.get_by_text("已送医").first.wait_for()
    page.get_by_role("tab", name="办理记录").click()
    page.get_by_role("row").filter(has_text="送医").wait_for()
    no_serious_violations(page)

    page.get_by_role("menuitem", name="在站人员").click()
    row = page.get_by_role("row").filter(has_text="小明")
    row.get_by_text("未成年", exact=True).wait_for()  # the badge, once its transition has run
    row.get_by_text(re.compile("寻亲公告截至")).wait_for()  # the server's V-6 deadline for an unidentified person
    assert row.get_by_text("救助期限").count() == 0  # the stay is not overdue: no badge for it
    page.wait_for_timeout(400)  # let the badges' zoom-in transition end before the picture
    screenshot(page, "relief-cases")
    no_serious_violations(page)

    # V-2: someone who asked but has a livelihood is refused aid, the refusal recorded with its reason.
    page.get_by_role("menuitem", name="不予救助").click()
    page.locator("#rf-name").fill("张某")
    page.locator("#rf-detail").fill("本人有固定住所和收入")
    no_serious_violations(page)
    page.get_by_role("button", name="不予救助").click()
    page.get_by_test_id("refused").get_by_text("有生活来源、不属于救助对象").wait_for()
    screenshot(page, "relief-refusal")


def test_an_admin_creates_an_account_and_that_person_signs_in(page, api, browser) -> None:
    as_role(page, api, "admin")
    page.get_by_role("menuitem", name="账号管理").click()
    page.get_by_role("button", name="新增账号").click()
    username = f"clerk.{uuid.uuid4().hex[:8]}"
    page.locator("#ac-username").fill(username)
    page.locator("#ac-name").fill("新入职登记员")
    assert page.locator("#ac-role").get_attribute("aria-label") == "角色"  # 婚姻登记员, the default
    page.locator("#ac-office").fill("MR-610502")
    page.locator("#ac-password").fill("a-long-enough-password")
    screenshot(page, "admin-new-account")
    page.get_by_role("button", name="创建账号").click()
    page.get_by_text("账号已创建").first.wait_for()
    page.get_by_role("row").filter(has_text=username).wait_for()
    page.get_by_role("dialog", name="新增账号").wait_for(state="hidden")  # axe reads colours, not fading ones
    no_serious_violations(page)
    screenshot(page, "admin-accounts")

    newcomer = browser.new_page(locale="zh-CN")
    try:
        sign_in(newcomer, api, username, "a-long-enough-password")
        assert newcomer.get_by_role("heading", name=re.compile("新入职登记员，您好")).is_visible()
        assert newcomer.get_by_role("menuitem", name="今日预约").is_visible()
    finally:
        newcomer.close()
    page.get_by_role("menuitem", name="登录日志").click()
    page.get_by_role("row").filter(has_text=username).first.wait_for()


def test_funeral_staff_register_a_death_and_find_it_waiting_for_cremation(page, api) -> None:
    as_role(page, api, "funeral_staff", "FH-610502")
    page.get_by_role("menuitem", name="死亡登记").click()
    person = synthetic_id_number()
    page.locator("#dt-id").fill(person)
    page.locator("#dt-place").fill("610502")
    page.locator("#dt-cert").fill("F610502" + uuid.uuid4().hex[:6])
    page.locator("#dt-issuer").fill("渭南市中心医院")
    no_serious_violations(page)
    page.get_by_role("button", name="死亡登记").click()
    page.get_by_text("已登记死亡").wait_for()
    screenshot(page, "funeral-death-registered")

    page.get_by_role("menuitem", name="火化与安葬").click()
    masked = f"{person[:6]}********{person[14:]}"
    page.get_by_role("row").filter(has_text=masked).wait_for()
    no_serious_violations(page)
    screenshot(page, "funeral-waiting")

    # 死亡记录 (F-7): the home finds the death by the ID number and corrects the certificate number with a reason;
    # the correction is in the record's history.
    page.get_by_role("menuitem", name="死亡记录").click()
    page.locator("#dr-subject").fill(person)
    page.get_by_role("button", name="查询").click()
    page.get_by_test_id("death-record").get_by_text(person).wait_for()
    page.locator("#dc-reason").fill("死亡医学证明编号录入错误")
    page.locator("#dc-cert").fill("F610502" + uuid.uuid4().hex[:6])
    no_serious_violations(page)
    page.get_by_role("button", name="更正", exact=True).click()
    page.get_by_text("已更正").first.wait_for()
    # F-2: the body kept in the home's cold storage, recorded on the same record.
    page.get_by_role("tab", name="接运与存放（F-2）").click()
    page.locator("#sg-location").fill("冷藏柜 3 号")
    page.get_by_role("button", name="遗体存放").click()
    page.get_by_text("已记录遗体存放").first.wait_for()
    no_serious_violations(page)
    page.get_by_role("tab", name="办理记录").click()
    page.get_by_role("row").filter(has_text="死亡信息更正").wait_for()
    page.get_by_role("row").filter(has_text="遗体存放").wait_for()
    screenshot(page, "funeral-death-corrected")


def test_a_registrar_uploads_a_historical_import_and_reads_the_conflict_report(page, api, tmp_path: Path) -> None:
    as_role(page, api, "marriage_registrar")
    page.get_by_role("menuitem", name="历史档案补录").click()
    man, woman, tag = synthetic_id_number(), synthetic_id_number(sex="female"), uuid.uuid4().hex[:8]
    header = "record_ref,registered_on,office,husband_id_number,husband_name,husband_certificate,wife_id_number," \
             "wife_name,wife_certificate"
    row = f"1995-10-01,MR-610502,{man},王大明,H{tag}1,{woman},李大红,H{tag}2"
    upload = tmp_path / "historical.csv"
    young = synthetic_id_number(born=dt.date(1975, 1, 1))  # 20 on the day: below the 22 of 1995 (M-1), flagged
    flagged = f"1995-10-01,MR-610502,{young},赵小强,H{tag}3,{synthetic_id_number(sex='female')},孙小芳,H{tag}4"
    upload.write_text(f"\ufeff{header}\nP-1,{row}\nP-2,{row}\nP-3,{flagged}\n", encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="上传").click()
    page.get_by_role("status").filter(has_text="已补录 2").wait_for()
    assert page.get_by_role("status").filter(has_text="冲突 1").is_visible()
    page.get_by_text("仅看冲突").click()
    assert page.get_by_role("row").filter(has_text="P-2").is_visible()
    assert page.get_by_role("row").filter(has_text="P-1").count() == 0
    screenshot(page, "registrar-import-conflicts")
    no_serious_violations(page)

    # M-12: the marriage imported below the ages of its date waits in 待复核婚姻登记 (every flagged marriage, this one
    # marked 历史补录), counted on the home page, and opens its 登记记录.
    page.get_by_role("menuitem", name="工作台").click()
    page.get_by_role("link", name=re.compile(r"待复核婚姻登记：[1-9]")).click()
    review = page.get_by_role("row").filter(has_text=f"{young[:6]}********{young[14:]}")
    review.get_by_text("登记时未达当时法定婚龄").wait_for()
    assert review.get_by_text("历史补录").is_visible()
    no_serious_violations(page)
    screenshot(page, "registrar-import-reviews")
    review.get_by_role("link", name="查看").click()
    page.get_by_role("heading", name="登记记录").wait_for()
