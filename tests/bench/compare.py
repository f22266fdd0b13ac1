"""Did a benchmark run regress? Compares the ratios of a run's docs/benchmarks.md with the committed ones.

Issue 11 asks that the benchmarks "do not regress by more than 5%". Absolute figures move with the load of
the machine, so what is compared is each measurement's ratio to the baseline measured in the same run, in
the same table: the `(baseline)` row (for a row, the nearest baseline above it, else the first below). A rate
(`… /s`) is better higher; a time (`… ms`) is better lower, so its ratio is baseline time / time. Where the
table gives no rate or time but a printed ratio column, that column is compared. Tables of latencies alone,
budgets and CPU shares are not ratios to a baseline and are left out.

    python -m tests.bench.compare                  # the working tree's docs/benchmarks.md against HEAD's
    python -m tests.bench.compare --against main   # … against another revision's
    python -m tests.bench.compare --tolerance 0.05 --only marriage,funeral
    python -m tests.bench.compare --reference before.md --run after.md   # two runs of the same hour

It prints one line a compared measurement and names the regressed ones; the exit status is 1 when any
regressed by more than the tolerance, 2 when a committed measurement is missing from the run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPORT = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
TOLERANCE = 0.05
_SECTION = re.compile(r"<!-- bench:(?P<name>[\w-]+) -->(?P<body>.*?)<!-- /bench:(?P=name) -->", re.S)
_NUMBER = re.compile(r"-?[0-9][0-9,]*(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Change:
    section: str
    measurement: str
    committed: float
    run: float

    @property
    def change(self) -> float:
        """The relative change of the ratio, + better, − worse."""
        return self.run / self.committed - 1

    def regressed(self, tolerance: float = TOLERANCE) -> bool:
        return self.change < -tolerance


def number(cell: str) -> float | None:
    found = _NUMBER.search(cell)
    return float(found.group().replace(",", "")) if found else None


def tables(body: str) -> list[tuple[list[str], list[list[str]]]]:
    """The Markdown tables of a section: (header, rows), cells stripped."""
    found: list[tuple[list[str], list[list[str]]]] = []
    lines = [line.strip() for line in body.splitlines()]
    for index, line in enumerate(lines):
        if line.startswith("|") and index + 1 < len(lines) and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[index + 1]):
            if index and lines[index - 1].startswith("|"):
                continue  # not a header: a row of a table above
            rows = []
            for row in lines[index + 2:]:
                if not row.startswith("|"):
                    break
                rows.append([cell.strip() for cell in row.strip("|").split("|")])
            found.append(([cell.strip() for cell in line.strip("|").split("|")], rows))
    return found


def _metric_column(header: list[str], rows: list[list[str]]) -> tuple[int, str] | None:
    """The column a table's ratios follow from, and its kind: a rate, a time, or a printed ratio."""
    for column, title in enumerate(header[1:], 1):
        cells = [row[column] for row in rows if column < len(row) and row[column]]
        if not cells:
            continue
        if title.lower() in ("rate", "events/s") or all("/s" in cell for cell in cells):
            return column, "rate"
        if title.lower() == "time" or all(re.fullmatch(r"[0-9,.]+ ms", cell) for cell in cells):
            return column, "time"
    for column, title in enumerate(header[1:], 1):
        if re.search(r"\bratio\b", title, re.I):
            return column, "ratio"
    return None


def ratios(body: str) -> dict[str, float]:
    """measurement → its ratio to its baseline, for every table of a section that has one."""
    found: dict[str, float] = {}
    for header, rows in tables(body):
        metric = _metric_column(header, rows)
        if metric is None:
            continue
        column, kind = metric
        values = [number(row[column]) if column < len(row) else None for row in rows]
        if kind == "ratio":
            found.update({row[0]: value for row, value in zip(rows, values, strict=True) if value})
            continue
        baselines = [index for index, row in enumerate(rows) if "baseline" in row[0].lower() and values[index]]
        if not baselines:
            continue
        for index, (row, value) in enumerate(zip(rows, values, strict=True)):
            if index in baselines or not value:
                continue
            base = values[max((b for b in baselines if b < index), default=baselines[0])]
            assert base is not None
            found[row[0]] = value / base if kind == "rate" else base / value
    return found


def sections(text: str) -> dict[str, dict[str, float]]:
    return {match["name"]: ratios(match["body"]) for match in _SECTION.finditer(text)}


def compare(committed: str, run: str, only: set[str] | None = None) -> tuple[list[Change], list[str]]:
    """Every measurement of `committed` with its ratio in `run`, and the measurements `run` lacks."""
    before, after = sections(committed), sections(run)
    changes, missing = [], []
    for section, measured in before.items():
        if only and section not in only:
            continue
        for measurement, ratio in measured.items():
            if measurement in after.get(section, {}):
                changes.append(Change(section, measurement, ratio, after[section][measurement]))
            else:
                missing.append(f"{section}: {measurement}")
    return changes, missing


def committed_report(revision: str) -> str:
    path = REPORT.relative_to(REPORT.parents[1]).as_posix()
    return subprocess.run(["git", "show", f"{revision}:{path}"], cwd=REPORT.parents[1], check=True,
                          capture_output=True, text=True).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="HEAD", help="the revision whose docs/benchmarks.md is the reference")
    parser.add_argument("--reference", type=Path, help="a report file to compare with instead of a revision's")
    parser.add_argument("--run", type=Path, default=REPORT, help="the run's report (default: the working tree's)")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument("--only", default="", help="comma-separated sections (bench names)")
    args = parser.parse_args(argv)
    only = {name for name in args.only.split(",") if name} or None
    reference = args.reference.read_text() if args.reference else committed_report(args.against)
    changes, missing = compare(reference, args.run.read_text(), only)
    for change in changes:
        flag = "REGRESSED" if change.regressed(args.tolerance) else "ok"
        print(f"{flag:9} {change.change:+7.1%}  {change.committed:10.4g} → {change.run:<10.4g} "
              f"{change.section}: {change.measurement}")
    for line in missing:
        print(f"MISSING   {line}")
    regressed = [change for change in changes if change.regressed(args.tolerance)]
    print(f"{len(changes)} ratios compared against {args.reference or args.against}, {len(regressed)} regressed by "
          f"more than {args.tolerance:.0%}, {len(missing)} missing")
    return 1 if regressed else 2 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
