"""More workbench screens in Debian's chromium against the real stack (issue 13, docs/workbench.md): a marriage
clerk's 今日办结 on the home page, as the statistics route counts the office's day. axe-core finds no serious
violations on each page; screenshots are kept as artifacts."""

from __future__ import annotations

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
from tests.support.workbench import as_role, no_serious_violations, screenshot

pytestmark = pytest.mark.integration

# Every consumer of the events these journeys write runs too (the relay halts on an unroutable event).
world, api = module_stack([MarriageService, ChildWelfareService, VagrantAidService, FuneralService, AdoptionService,
                           TimelineService],
                          ("marriage", "child_welfare", "vagrant_aid", "funeral", "adoption", "timeline", "gateway"))


def test_a_clerk_sees_the_offices_day_done_on_the_home_page(page: Any, api: Any) -> None:
    registered = api.post(REGISTRATIONS, json=registration(*couple()), **CLERK)
    assert registered.status_code == 201, registered.text
    day = local_today().isoformat()
    statistics = api.get("/v1/marriage/statistics", params={"from": day, "to": day}, **CLERK)
    assert statistics.status_code == 200, statistics.text
    office = next(o for o in statistics.json()["offices"] if o["office"] == CLERK["office"])
    assert office["registrations"] >= 1

    as_role(page, api, "marriage_clerk", CLERK["office"])
    done = page.get_by_role("region", name="今日办结")
    done.get_by_label(f"今日结婚登记：{office['registrations']}").wait_for()
    done.get_by_label(f"今日离婚登记：{office['divorces']}").wait_for()
    done.get_by_label(f"今日不予登记：{office['refusals']}").wait_for()
    no_serious_violations(page)
    screenshot(page, "marriage-done-today")

