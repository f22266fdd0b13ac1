"""`civreg accounts add|list|disable|enable|password`: the operator's side of accounts, seen through sign-in."""

from __future__ import annotations

import pytest

from tests.e2e.identity.conftest import civreg, login
from tests.support.problems import assert_problem

pytestmark = pytest.mark.integration


def test_an_operator_adds_lists_disables_enables_and_resets_an_account(api, world):
    namespace = world[0].name
    added = civreg(namespace, "accounts", "add", "wang.fang", "--name", "王芳", "--role", "relief_staff",
                   "--office", "RS-610528", "--password-stdin", stdin="first-password-123\n")
    assert added.returncode == 0, added.stderr
    assert login(api, "wang.fang", "first-password-123").status_code == 200

    listed = civreg(namespace, "accounts", "list")
    assert "wang.fang\trelief_staff\tRS-610528\tactive\t王芳" in listed.stdout

    assert civreg(namespace, "accounts", "disable", "wang.fang").returncode == 0
    assert_problem(login(api, "wang.fang", "first-password-123"), 401, "account_locked")
    assert civreg(namespace, "accounts", "enable", "wang.fang").returncode == 0
    reset = civreg(namespace, "accounts", "password", "wang.fang", "--password-stdin", stdin="second-password-456\n")
    assert reset.returncode == 0, reset.stderr

    assert_problem(login(api, "wang.fang", "first-password-123"), 401, "invalid_credentials")
    assert login(api, "wang.fang", "second-password-456").status_code == 200


def test_the_cli_refuses_what_the_admin_route_refuses(world):
    namespace = world[0].name
    wrong_office = civreg(namespace, "accounts", "add", "li.lei", "--name", "李雷", "--role", "marriage_clerk",
                          "--office", "FH-610502", "--password-stdin", stdin="a-long-password-1\n")
    short = civreg(namespace, "accounts", "add", "li.lei", "--name", "李雷", "--role", "marriage_clerk",
                   "--office", "MR-610502", "--password-stdin", stdin="short\n")
    unknown = civreg(namespace, "accounts", "disable", "nobody.here")

    assert wrong_office.returncode == 2 and "cannot work at FH-610502" in wrong_office.stderr
    assert short.returncode == 2 and "password" in short.stderr and "at least 10" in short.stderr
    assert unknown.returncode == 1 and "no account" in unknown.stderr
