"""A marriage registrar's court-declaration journey in Debian's chromium against the real gateway, marriage and
funeral services (docs/declarations.md, docs/workbench.md): the registrar records a death declaration of a
married man (D-1), reads the declaration with its effects per service (D-4..D-10), and finds the wife widowed
from the judgment date once marriage has applied the event from the broker (D-4); a funeral home then registers the
body found later with another date of death, the registrar finds it in 死亡日期待核对 (D-8) and withdraws it as
registered in error (D-11). axe-core finds no serious violations; screenshots are kept as artifacts."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid

import pytest

from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from shared.business_dates import local_today
from tests.support.stack import module_stack
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.workbench import account, no_serious_violations, screenshot, sign_in

pytestmark = pytest.mark.integration

world, api = module_stack([MarriageService, FuneralService], ("marriage", "funeral", "gateway"))


def test_a_registrar_records_a_death_declaration_and_sees_the_spouse_widowed(page, api) -> None:
    husband, wife = synthetic_id_number(sex="male"), synthetic_id_number(sex="female")
    married_on = (local_today() - dt.timedelta(days=20)).isoformat()
    married = api.post("/v1/marriage/registrations", as_="marriage_clerk", office="MR-610502", json={
        "office": "MR-610502", "declaration_signed": True, "registered_on": married_on,
        "parties": [{"id_number": husband, "name": "王建国"}, {"id_number": wife, "name": "李秀兰"}]})
    assert married.status_code == 201, married.text

    sign_in(page, api, *account("marriage_registrar"))
    page.get_by_role("menuitem", name="宣告死亡/失踪").click()
    page.locator("#dc-id").fill(husband)
    page.locator("#dc-court").fill("渭南市临渭区人民法院")
    page.locator("#dc-ref").fill(f"（2026）陕0502民特{uuid.uuid4().int % 10_000}号")
    no_serious_violations(page)
    screenshot(page, "declaration-form")
    page.get_by_role("button", name="录入宣告").click()

    effects = page.get_by_test_id("effects")
    marriage = effects.get_by_role("row").filter(has_text="婚姻关系自判决之日起消除，配偶为丧偶")
    marriage.wait_for()
    today = local_today().isoformat()
    assert marriage.get_by_text(today).is_visible()  # dissolved on the judgment date (D-4)
    page.get_by_role("tab", name="配偶书面声明（D-5）").wait_for()
    no_serious_violations(page)
    screenshot(page, "declaration-effects")

    # Marriage applies the declaration from the broker: the wife is widowed from the judgment date.
    page.get_by_role("menuitem", name="婚姻状况查询").click()
    page.locator("#status-id").fill(wife)
    status = page.get_by_test_id("status")
    deadline = time.monotonic() + 30
    while True:
        page.get_by_role("button", name="查询").click()
        status.wait_for()
        if status.get_by_text("丧偶").count():
            break
        assert time.monotonic() < deadline, f"the wife is still {status.inner_text()}"
        page.wait_for_timeout(500)
    assert status.get_by_text(today).count() >= 1  # since the judgment date
    screenshot(page, "declaration-spouse-widowed")
    no_serious_violations(page)

    # D-8: the body found later, registered by a funeral home with another date of death, waits in the
    # registrar's 死亡日期待核对 (the funeral service's task list), counted on the home page, both dates the server's.
    found_dead_on = (local_today() - dt.timedelta(days=5)).isoformat()
    death = api.post("/v1/funeral/deaths", as_="funeral_staff", office="FH-610502", json={
        "id_number": husband, "died_on": found_dead_on, "place_division": "610502", "certificate_no": "J610502-0001",
        "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"})
    assert death.status_code == 201 and death.json()["review"] == ["declared_date_conflict"], death.text
    page.get_by_role("menuitem", name="工作台").click()
    page.get_by_role("link", name=re.compile(r"死亡日期待核对：[1-9]")).click()
    review = page.get_by_role("row").filter(has_text=f"{husband[:6]}********{husband[14:]}")
    review.get_by_text(found_dead_on).wait_for()
    assert review.get_by_text(today).is_visible()  # the declaration's date: the judgment date (art. 48)
    no_serious_violations(page)
    screenshot(page, "declaration-reviews")

    # D-11: the registrar withdraws that death as registered in error; the declaration stands, so the man is
    # dead on its basis again, and the review leaves the list.
    page.get_by_role("menuitem", name="撤回死亡登记").click()
    page.locator("#dw-id").fill(husband)
    page.get_by_role("button", name="查询").click()
    found = page.get_by_test_id("death")
    found.get_by_text(found_dead_on).wait_for()
    assert found.get_by_text("死亡登记").is_visible()  # a registered death outweighs the declaration (D-8)
    page.locator("#dw-reason").fill("死亡医学证明签发错误")
    page.locator("#dw-doc").fill("ZX-610502-0001")
    no_serious_violations(page)
    screenshot(page, "death-withdrawal")
    page.get_by_role("button", name="撤回死亡登记").click()
    page.get_by_text("死亡登记已撤回").first.wait_for()
    found.get_by_text("宣告死亡").wait_for()
    page.get_by_role("menuitem", name="死亡日期待核对").click()
    page.get_by_role("row").filter(has_text=f"{husband[:6]}********{husband[14:]}").wait_for(state="detached")
