"""The workbench's 规划指标 page in Debian's chromium against the real stack (issue 16): an oversight officer
opens it from the menu and reads the year's indicators as a chart and a table, with no serious axe-core
violations; the page is not in a clerk's menu."""

from __future__ import annotations

import re
from typing import Any

import pytest

from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.vagrant_aid.service import VagrantAidService
from tests.support.stack import module_stack
from tests.support.workbench import as_role, no_serious_violations

pytestmark = pytest.mark.integration

world, api = module_stack([MarriageService, ChildWelfareService, FuneralService, VagrantAidService],
                          ("marriage", "child_welfare", "funeral", "vagrant_aid", "gateway"))


def test_oversight_reads_the_years_indicators_as_a_chart_and_a_table(page: Any, api: Any) -> None:
    as_role(page, api, "oversight")
    page.get_by_role("menuitem", name="规划指标").click()
    page.get_by_role("heading", name="规划指标").wait_for()

    page.get_by_role("row").filter(has_text="火化区遗体火化率").first.wait_for()
    assert page.get_by_role("row").filter(has_text="婚姻登记\"市内通办\"实施率").filter(has_text="达标").count() == 1
    assert page.get_by_role("img", name=re.compile("^比率类指标：.*市内通办")).count() == 1
    no_serious_violations(page)


def test_the_page_is_not_in_a_clerks_menu(page: Any, api: Any) -> None:
    as_role(page, api, "marriage_clerk", "MR-610502")
    assert page.get_by_role("menuitem", name="规划指标").count() == 0
