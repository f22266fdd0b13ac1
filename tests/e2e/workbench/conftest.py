"""The workbench against the real gateway and marriage service, in Debian's chromium (tests/support/workbench.py).

The development accounts are seeded into the module's namespace as `make up` seeds them, so the journeys sign
in through `/v1/auth/login` like a clerk."""

from __future__ import annotations

import pytest

from services.marriage.service import MarriageService
from tests.e2e.identity.conftest import ACCOUNTS_FILE, civreg
from tests.support.stack import module_stack
from tests.support.workbench import browser, page, workbench_bundle  # noqa: F401 - fixtures

world, api = module_stack([MarriageService], ("marriage", "gateway"))


@pytest.fixture(scope="module", autouse=True)
def development_accounts(world):
    seeded = civreg(world[0].name, "accounts", "seed", str(ACCOUNTS_FILE))
    assert seeded.returncode == 0, seeded.stderr
