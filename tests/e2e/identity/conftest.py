"""End-to-end fixtures of identity: the real gateway alone (no domain service is needed to sign in) on a
namespace and virtual host of the module's own, its development accounts seeded by the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.infrastructure import ADMIN_URL
from tests.support.stack import module_stack

REPO = Path(__file__).resolve().parents[3]
ACCOUNTS_FILE = REPO / "deploy" / "dev" / "accounts.yaml"
DEV = yaml.safe_load(ACCOUNTS_FILE.read_text(encoding="utf-8"))

# The gateway rereads its key set every second, so that a rotation by the CLI shows within the test.
world, api = module_stack([], schemas=("gateway",), IDENTITY={"KEY_CACHE_SECONDS": 1})


def civreg(namespace: str, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    """The `civreg` command line on the module's namespace, as an operator runs it."""
    environ = {**os.environ, "DATABASE_URL": ADMIN_URL, "CIVREG_NAMESPACE": namespace, **env}
    return subprocess.run([sys.executable, "-m", "services.cli", *args], input=stdin, capture_output=True,
                          text=True, env=environ, cwd=REPO, timeout=120)


@pytest.fixture(scope="module")
def seeded(world):
    done = civreg(world[0].name, "accounts", "seed", str(ACCOUNTS_FILE))
    assert done.returncode == 0, done.stderr
    return DEV


def account(role: str, **where: str) -> dict:
    """A development account of `role` (and office, county or township)."""
    for entry in DEV["accounts"]:
        if entry["role"] == role and all(entry.get(k) == v for k, v in where.items()):
            return entry
    raise LookupError(role)


def client(bureau: str) -> dict:
    return next(c for c in DEV["clients"] if c["bureau"] == bureau)


def login(api, username: str, password: str, **kwargs):
    return api.post("/v1/auth/login", json={"username": username, "password": password}, **kwargs)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
