"""Writing benchmark results into docs/benchmarks.md, one section per benchmark module.

Each module owns the text between `<!-- bench:<name> -->` and `<!-- /bench:<name> -->`; re-running a
benchmark replaces its own section and leaves the others as they were.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from pathlib import Path

REPORT = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Written by `make bench`. Every figure is measured in the same run as its baseline on the same machine;
compare the ratios, not the absolute numbers. Timings are never asserted in tests. `make bench` ends with
`python -m tests.bench.compare`, which compares each ratio of the run with the committed one and names those
that fell by more than 5% (`--against <revision>`, `--only <sections>`, `--tolerance`).
"""


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}"


def write_section(name: str, title: str, body: str) -> None:
    text = REPORT.read_text() if REPORT.exists() else HEADER
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (f"<!-- bench:{name} -->\n## {title}\n\nMeasured {stamp} on {machine()}.\n\n{body.strip()}\n"
               f"<!-- /bench:{name} -->")
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text.rstrip() + "\n")


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
