"""The workbench against the real gateway and marriage service, in Debian's chromium (tests/support/workbench.py)."""

from __future__ import annotations

from services.marriage.service import MarriageService
from tests.support.stack import module_stack
from tests.support.workbench import browser, page, workbench_bundle  # noqa: F401 - fixtures

world, api = module_stack([MarriageService], ("marriage", "gateway"))
