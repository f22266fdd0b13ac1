"""Workbench budget (issue 13): the first load on localhost, the main bundle's gzipped size, and a page change,
measured in Debian's chromium against the real gateway serving the built bundle, and written to
docs/benchmarks.md. Budgets: first load < 1 s, main bundle < 500 KB gzipped, page change < 200 ms. Measured and
reported, never asserted.

* Main bundle: what `index.html` makes the browser fetch before the app runs (its script, the chunks it
  preloads, its stylesheet), each gzipped at level 9 as a server would send it. Pages load later, lazily.
* First load: a fresh browser context (empty cache) opens `/login`; from navigation start to the sign-in form
  being visible, by the page's own clock (`performance.now()`), median and worst of several runs.
* Page change: a signed-in clerk clicks a menu item; from the click to the new page's heading being visible, by
  the page's clock. First visits mount the page (its chunk was prefetched while idle); return visits find it
  kept alive.
"""

from __future__ import annotations

import gzip
import re
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.marriage.service import MarriageService
from tests.bench.report import table, write_section
from tests.e2e.identity.conftest import ACCOUNTS_FILE, civreg
from tests.support.infrastructure import create_namespace, destroy_namespace
from tests.support.stack import running_stack
from tests.support.workbench import account, build_bundle, chromium_path

pytestmark = pytest.mark.bench

LOADS = 7
ROUNDS = 3
PAGES = ("结婚登记", "离婚登记", "婚姻状况查询", "今日预约", "人员档案")


@pytest.fixture(scope="module")
def bundle() -> Path:
    return build_bundle()


@pytest.fixture(scope="module")
def api(bundle, amqp_uri) -> Iterator[Any]:
    namespace = create_namespace(("marriage", "gateway"))
    try:
        with running_stack(namespace, amqp_uri, [MarriageService]) as running:
            seeded = civreg(namespace.name, "accounts", "seed", str(ACCOUNTS_FILE))
            assert seeded.returncode == 0, seeded.stderr
            yield running
    finally:
        destroy_namespace(namespace)


@pytest.fixture(scope="module")
def chromium() -> Any:
    from playwright.sync_api import sync_playwright

    # Never stopped: under eventlet's monkey patching stopping the driver waits forever (tests/support/workbench.py).
    return sync_playwright().start().chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])


def main_bundle(dist: Path) -> list[tuple[str, int, int]]:
    """(file, bytes, gzipped bytes) of every asset index.html references."""
    index = (dist / "index.html").read_text(encoding="utf-8")
    files = sorted(set(re.findall(r'(?:src|href)="/(assets/[^"]+\.(?:js|css))"', index)))
    return [(name, len(data), len(gzip.compress(data, compresslevel=9)))
            for name in files for data in [(dist / name).read_bytes()]]


def first_load_ms(chromium: Any, base_url: str) -> float:
    context = chromium.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(base_url + "/login")
        page.get_by_role("button", name="登录").wait_for()
        return page.evaluate("performance.now()")  # ms since this document's navigation started
    finally:
        context.close()


def baseline_load_ms(chromium: Any, base_url: str) -> float:
    """The same browser's navigation to a small JSON answer of the same gateway (`/health`): what a load costs
    on this machine at this moment before any of the workbench's work."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(base_url + "/health", wait_until="load")
        return page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    finally:
        context.close()


def page_change_ms(page: Any, title: str) -> float:
    """From the menu click to the page's heading, timed inside the page (no driver round trips counted)."""
    return page.evaluate("""async (title) => {
        const item = [...document.querySelectorAll('[role=menuitem]')].find((el) => el.textContent.trim() === title)
        const heading = () => [...document.querySelectorAll('main h2')].some((h) => h.textContent.trim() === title
            && h.offsetParent !== null)
        const start = performance.now()
        item.click()
        // bounded, so a page that never shows its heading ends the run with a figure instead of hanging it
        while (!heading() && performance.now() - start < 5000) await new Promise((done) => setTimeout(done, 1))
        return performance.now() - start
    }""", title)


def test_workbench_budget(api, bundle, chromium) -> None:
    assets = main_bundle(bundle)
    loads = [first_load_ms(chromium, api.base_url) for _ in range(LOADS)]
    baselines = [baseline_load_ms(chromium, api.base_url) for _ in range(LOADS)]

    context = chromium.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    username, password = account("marriage_clerk", "MR-610502")
    page.goto(api.base_url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name=re.compile("您好")).wait_for()
    page.wait_for_timeout(2000)  # the home page's lists and the idle prefetch of the pages' chunks
    first_visits = [page_change_ms(page, title) for title in PAGES]
    returns = [page_change_ms(page, title) for _ in range(ROUNDS) for title in PAGES]
    context.close()

    gzipped = sum(a[2] for a in assets)
    rows = [*((name, f"{raw / 1024:.1f} KB", f"{packed / 1024:.1f} KB") for name, raw, packed in assets),
            ("**main bundle**", f"{sum(a[1] for a in assets) / 1024:.1f} KB", f"**{gzipped / 1024:.1f} KB**")]
    budget = [
        (f"first load of /login, fresh cache (median of {LOADS})", f"{statistics.median(loads):.0f} ms",
         f"worst {max(loads):.0f} ms", "< 1000 ms"),
        (f"baseline: navigation to /health, fresh cache (median of {LOADS})", f"{statistics.median(baselines):.0f} ms",
         f"worst {max(baselines):.0f} ms", ""),
        ("main bundle, gzipped", f"{gzipped / 1024:.1f} KB", "", "< 500 KB"),
        ("page change, first visit (the page's chunk prefetched)", f"{statistics.median(first_visits):.0f} ms",
         f"worst {max(first_visits):.0f} ms", "< 200 ms"),
        ("page change, return visit (kept alive)", f"{statistics.median(returns):.0f} ms",
         f"worst {max(returns):.0f} ms", "< 200 ms"),
    ]
    write_section("workbench", "Workbench: first load, bundle size, page change", "\n\n".join([
        "Debian's chromium against the gateway serving the built bundle on localhost (no network latency), one "
        "marriage service behind it. Times are the page's own clock (`performance.now()`); the machine is "
        "shared, so figures taken while others run are high: compare the first load with the baseline "
        "navigation measured in the same run.",
        table(budget, ("measurement", "median / size", "worst", "budget")),
        "What `index.html` loads before the app runs (pages and the XLSX writer load later, on demand):",
        table(rows, ("asset", "size", "gzipped")),
        "Where the time goes: the first load is the HTML, the main script and stylesheet from the gateway, "
        "then Vue mounting the sign-in form. After sign-in the layout prefetches the role's page chunks when the "
        "browser is idle, so a first visit costs the page's first mount: the worst is the registration form, "
        "whose Element Plus components (date picker, checkboxes, ID field) mount for the first time. A return "
        "visit re-activates the kept-alive page. Charts are plain SVG, so the statistics pages add no library.",
    ]))
    print(f"\nworkbench: first load {statistics.median(loads):.0f} ms, main bundle {gzipped / 1024:.1f} KB gz, "
          f"page change {statistics.median(first_visits):.0f}/{statistics.median(returns):.0f} ms",
          [round(v) for v in first_visits], [round(v) for v in returns])
