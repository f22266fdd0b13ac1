"""The workbench in a real browser: its bundle built once per run (`make web`: `npm ci`, then `vite build`,
only when web/ changed) and Debian's chromium driven by Playwright through `executable_path` (Playwright's
own browser download is not used). One browser per run; each test opens a context of its own.

Screenshots go to `artifacts/workbench/` (ignored by git); docs/workbench.md shows some of them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
BUNDLE = REPO_ROOT / "web" / "dist"
ARTIFACTS = REPO_ROOT / "artifacts" / "workbench"
AXE = REPO_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
ACCOUNTS_FILE = REPO_ROOT / "deploy" / "dev" / "accounts.yaml"
INSTALL_HINT = "apt-get install chromium fonts-noto-cjk (or set CHROMIUM=/path/to/chromium); `make test` does this"


def build_bundle() -> Path:
    """`make web`, as `make up` runs it; fails the run with make's own message (e.g. what to install)."""
    done = subprocess.run(["make", "-s", "web"], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"the workbench did not build:\n{done.stdout}\n{done.stderr}", pytrace=False)
    return BUNDLE


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail(f"the workbench's browser tests need Chromium: {INSTALL_HINT}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def workbench_bundle() -> Path:
    return build_bundle()


@pytest.fixture(scope="session")
def browser(workbench_bundle: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Started, never stopped: under eventlet's monkey patching (the test process, tests/conftest.py) stopping
    # Playwright's driver waits forever; the driver ends by itself when this process closes its pipe.
    # Started once per run (the fixture lives in tests/e2e/workbench/conftest.py only): a second start would
    # meet the first one's loop and refuse ("Sync API inside the asyncio loop").
    playwright = sync_playwright().start()
    # --no-sandbox: test runs are often root in a container, where Chromium's sandbox cannot start.
    launched = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core (from npm) run in the page; evaluated through the DevTools protocol, which the page's CSP
    does not govern, so the page keeps its policy."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    # Each node with axe's own words (a contrast names both colours and the ratio), so a failure says why.
    return [{"id": v["id"], "impact": v["impact"],
             "nodes": [(n["target"], n.get("failureSummary", "")[:300]) for n in v["nodes"]]}
            for v in result if v["impact"] in impacts]


# Element Plus fades and zooms its tags, dialogs and panels in; mid-way their colours are lighter than at rest,
# and axe, which reads colours, would judge a frame of the transition. Wait for every finite animation instead
# of a fixed pause, which a loaded machine outruns (a tag caught half-faded failed color-contrast in CI).
# A toast (ElMessage) fades out on a timer, possibly while axe runs: wait until it has gone.
# Vue's <transition> puts its `*-enter-*`/`*-leave-*` classes on an element a frame before the CSS transition
# runs (a form item's error was caught at #de9f9a, half-faded in, between the two): wait for those classes too.
SETTLED = """() => !document.querySelector('.el-message')
    && !document.querySelector('[class*="-enter-"], [class*="-leave-"]')
    && document.getAnimations().every(
    a => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)"""


def no_serious_violations(page: Any) -> None:
    """axe finds no serious or critical violation on the page at rest: no hover, no transition under way."""
    page.mouse.move(0, 0)  # a hovered button or table row is lighter than at rest
    page.wait_for_function(SETTLED, timeout=10_000)
    violations = axe_violations(page)
    if violations:
        # Something may have begun to appear after the page settled (an answer's error, a toast): judge the page
        # again once that too has settled. A violation of the page at rest is there both times.
        page.wait_for_function(SETTLED, timeout=10_000)
        violations = axe_violations(page)
    assert violations == [], violations


def fill_date(page: Any, selector: str, day: dt.date) -> None:
    """Type a date into an editable el-date-picker, as a clerk may; Tab takes it and closes the panel (Escape
    would close a dialog around it too)."""
    field = page.locator(selector)
    field.fill(day.isoformat())
    field.press("Enter")
    if field.evaluate("el => el === document.activeElement"):
        field.press("Tab")


def sign_in_route_missing(api: Any) -> str | None:
    """Why sign-in journeys cannot run on this branch, or None (they need issue 12's routes and accounts)."""
    paths = api.get("/openapi.json").json().get("paths", {})
    if "/v1/auth/login" not in paths:
        return "POST /v1/auth/login (issue 12, identity) is not served on this branch yet"
    if not ACCOUNTS_FILE.is_file():
        return "deploy/dev/accounts.yaml (issue 12) does not exist on this branch yet"
    return None


def account(role: str, office: str | None = None) -> tuple[str, str]:
    """(username, password) of the first development account with this role (and office)."""
    for entry in yaml.safe_load(ACCOUNTS_FILE.read_text(encoding="utf-8"))["accounts"]:
        if entry["role"] == role and (office is None or entry.get("office") == office):
            return entry["username"], entry["password"]
    raise LookupError(f"no development account with role={role} office={office}")


def sign_in(page: Any, api: Any, username: str, password: str) -> Any:
    """Sign in through the workbench's own form, as a person would, and wait for the home page."""
    missing = sign_in_route_missing(api)
    if missing:
        pytest.skip(missing)
    page.goto(api.base_url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name=re.compile("您好")).wait_for()
    return page


def as_role(page: Any, api: Any, role: str, office: str | None = None) -> Any:
    """Sign in with the first development account of this role (and office)."""
    return sign_in(page, api, *account(role, office))
