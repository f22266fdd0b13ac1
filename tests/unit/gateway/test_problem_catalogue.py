"""The zh-CN problem catalogue (problems.zh-CN.json): every code the code base can raise has a Chinese
message, and `Accept-Language: zh-CN` gives Chinese `title`/`detail` with the `code` unchanged."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from werkzeug.test import Client

from services.gateway.problems import catalogue
from tests.unit.gateway.fakes import call, make_app

ROOT = Path(__file__).resolve().parents[3]
CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
# Calls that raise or build a refusal, and the position of their code argument.
RAISERS = {"Refusal": 0, "refusal": 0, "Problem": 1}


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for folder in ("services", "shared"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _constants(trees: list[tuple[Path, ast.Module]]) -> dict[str, set[str]]:
    """Module-level `NAME = "code"` assignments, by name (codes are often named constants, e.g. M-5's)."""
    found: dict[str, set[str]] = {}
    for _, tree in trees:
        for node in tree.body:
            value = node.value if isinstance(node, ast.Assign) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, set()).add(value.value)
    return found


def raised_codes() -> tuple[set[str], set[str]]:
    """(codes, prefixes of codes built by f-strings) of every refusal and problem in the code base."""
    trees = list(_sources())
    constants = _constants(trees)
    codes: set[str] = set()
    prefixes: set[str] = set()
    for _, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name == "Code" and node.args and isinstance(node.args[0], ast.Constant):
                codes.add(str(node.args[0].value))  # a contract's refusal list (services/<svc>/contract/refusals.py)
                continue
            if name not in RAISERS:
                continue
            argument = next((k.value for k in node.keywords if k.arg == "code"), None)
            if argument is None and len(node.args) > RAISERS[name]:
                argument = node.args[RAISERS[name]]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                codes.add(argument.value)
            elif isinstance(argument, ast.Name | ast.Attribute):
                named = argument.id if isinstance(argument, ast.Name) else argument.attr
                codes |= {value for value in constants.get(named, ()) if CODE.fullmatch(value)}
            elif isinstance(argument, ast.JoinedStr) and isinstance(argument.values[0], ast.Constant):
                prefixes.add(str(argument.values[0].value))
    # Reason codes a rule module names as constants and collects into lists (M-5 records every broken rule).
    for path, tree in trees:
        if path.name == "rules.py" and path.parent.name == "domain":
            codes |= {node.value.value for node in tree.body
                      if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                      and isinstance(node.value.value, str) and CODE.fullmatch(node.value.value)
                      and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets)}
    return codes, prefixes


def test_the_scan_finds_the_codes_it_must() -> None:
    codes, prefixes = raised_codes()
    # A scan that finds nothing would pass the next test vacuously.
    assert {"below_legal_age", "not_one_man_one_woman", "invalid_id_number", "cash_over_limit",
            "unauthenticated", "concurrency_conflict"} <= codes
    assert "appointment_" in prefixes


def test_every_code_the_code_base_can_raise_has_a_chinese_message() -> None:
    codes, prefixes = raised_codes()
    missing = sorted(code for code in codes if code not in catalogue())
    assert missing == [], f"add these codes to services/gateway/problems.zh-CN.json: {missing}"
    for prefix in prefixes:
        assert any(code.startswith(prefix) for code in catalogue()), f"no catalogue entry for {prefix}…"


def test_every_entry_has_a_chinese_title_and_detail_and_a_rule_id_where_given() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    for code, entry in catalogue().items():
        assert CODE.fullmatch(code), code
        assert han.search(entry["title"]) and han.search(entry["detail"]), code
        assert re.fullmatch(r"[A-Z]-\d+(, [A-Z]-\d+)*", entry.get("rule", "X-0")), code


def test_the_rules_the_workbench_names_carry_their_ids() -> None:
    assert catalogue()["below_legal_age"] == {**catalogue()["below_legal_age"], "title": "未达法定婚龄", "rule": "M-1"}
    assert catalogue()["cooling_off"]["rule"] == "M-8"
    assert catalogue()["cash_over_limit"]["rule"] == "V-4"


def test_accept_language_zh_cn_gives_chinese_text_and_the_same_code() -> None:
    client = Client(make_app().wsgi)
    english = call(client, "GET", "/v1/me")
    chinese = call(client, "GET", "/v1/me", **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert english.status_code == chinese.status_code == 401
    assert english.get_json()["code"] == chinese.get_json()["code"] == "unauthenticated"
    assert chinese.get_json()["title"] == "请先登录"
    assert chinese.get_json()["detail"] == catalogue()["unauthenticated"]["detail"]
    assert chinese.headers["Content-Language"] == "zh-CN"
    assert chinese.headers["WWW-Authenticate"].startswith("Bearer")  # the rest of the answer is untouched
    assert english.get_json()["title"] == "Unauthorized"


def test_other_languages_and_no_preference_keep_english() -> None:
    client = Client(make_app().wsgi)
    for header in ({}, {"Accept-Language": "en-US"}, {"Accept-Language": "de, en;q=0.5"}):
        assert call(client, "GET", "/v1/nowhere", **header).get_json()["title"] == "Not Found"
    assert call(client, "GET", "/v1/nowhere", **{"Accept-Language": "zh"}).get_json()["title"] == "记录不存在"
