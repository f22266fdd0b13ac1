"""docs/refusals.md, rendered from the services' contracts (`civreg docs refusals`): every refusal code a
service can raise, with its meaning from `contract/refusals.py` and its Chinese title from the gateway's
problem catalogue, so the list clients read is the one the deciders raise. A test fails when it is stale."""

from __future__ import annotations

import importlib
from pathlib import Path

from services.gateway.problems import catalogue
from shared.reference.refusals import COMMON, codes_of

REFUSALS_MD = Path(__file__).resolve().parents[1] / "docs" / "refusals.md"
SERVICES = ("marriage", "child_welfare", "funeral", "vagrant_aid", "adoption", "timeline")

PREAMBLE = """\
# Refusal codes

<!-- Generated from services/<name>/contract/refusals.py by `civreg docs refusals`; do not edit by hand. -->

Every refusal is a problem+json answer (`application/problem+json`) with a stable `code`; with
`Accept-Language: zh-CN` its `title` and `detail` are Chinese (services/gateway/problems.zh-CN.json), the code
never changes. Each service lists the codes it can raise as constants of its contract
(`services/<name>/contract/refusals.py`), and its deciders raise those constants, never a literal. The HTTP
status is 422 unless the meaning names another.
"""


def _rows(codes: dict[str, str]) -> list[str]:
    titles = catalogue()
    return [f"| `{code}` | {meaning} | {titles.get(code, {}).get('title', '')} |"
            for code, meaning in sorted(codes.items())]


def render() -> str:
    sections = [PREAMBLE, "## Every service\n", "| code | meaning | 中文 |", "| --- | --- | --- |",
                *_rows({str(code): code.meaning for code in COMMON}), ""]
    for service in SERVICES:
        codes = codes_of(importlib.import_module(f"services.{service}.contract.refusals"))
        own = {code: meaning for code, meaning in codes.items() if code not in COMMON}
        sections += [f"## {service}\n", "| code | meaning | 中文 |", "| --- | --- | --- |", *_rows(own), ""]
    return "\n".join(sections).rstrip() + "\n"
