"""The benchmark comparison (tests/bench/compare.py): a run's ratios against the committed ones, 5% allowed."""

from __future__ import annotations

from tests.bench.compare import compare, main, sections


def report(rate: str, load_ms: str, printed: str, extra: str = "") -> str:
    return f"""# Benchmarks

<!-- bench:intake -->
## Intake

| measurement | rate | ratio to the baseline |
| --- | --- | --- |
| raw INSERT, one per commit (baseline) | 2,000 rows/s | 1.00 |
| POST /cases, 16 clients | {rate} | 0.05 |
{extra}
| what | time | × payroll |
| --- | --- | --- |
| payroll from the read model | {load_ms} | 1.0× |
| baseline: replay every stream | 1,000 ms | 10.0× |

| measurement | p50 ms | p99 ms |
| --- | --- | --- |
| lag | 18.4 | 30.5 |
<!-- /bench:intake -->

<!-- bench:audit -->
| what | ratio to raw read |
| --- | --- |
| verify | {printed} |
<!-- /bench:audit -->
"""


COMMITTED = report("100 intakes/s", "100 ms", "2.50")


def test_ratios_follow_from_the_baseline_of_the_same_table():
    found = sections(COMMITTED)
    assert found["intake"] == {"POST /cases, 16 clients": 0.05, "payroll from the read model": 10.0}
    assert found["audit"] == {"verify": 2.5}  # no rate, no time: the printed ratio


def test_a_rate_down_by_more_than_five_percent_is_a_regression_and_less_is_not():
    changes, missing = compare(COMMITTED, report("94 intakes/s", "100 ms", "2.50"))
    assert [c.measurement for c in changes if c.regressed()] == ["POST /cases, 16 clients"] and missing == []
    changes, _ = compare(COMMITTED, report("96 intakes/s", "104 ms", "2.40"))
    assert not [c for c in changes if c.regressed()]


def test_a_time_is_better_lower_and_a_printed_ratio_higher():
    changes, _ = compare(COMMITTED, report("100 intakes/s", "110 ms", "2.30"))
    assert sorted(c.measurement for c in changes if c.regressed()) == ["payroll from the read model", "verify"]


def test_the_baseline_moving_with_the_machine_is_no_regression():
    """The same ratio on a slower machine: the run's baseline and measurement both halved."""
    slower = report("50 intakes/s", "100 ms", "2.50").replace("2,000 rows/s", "1,000 rows/s")
    changes, _ = compare(COMMITTED, slower)
    assert not [c for c in changes if c.regressed()]


def test_a_measurement_the_run_lacks_is_named(tmp_path, monkeypatch, capsys):
    run = tmp_path / "benchmarks.md"
    run.write_text(COMMITTED.replace("| POST /cases, 16 clients | 100 intakes/s | 0.05 |\n", ""))
    monkeypatch.setattr("tests.bench.compare.committed_report", lambda revision: COMMITTED)
    assert main(["--run", str(run)]) == 2
    assert "MISSING   intake: POST /cases, 16 clients" in capsys.readouterr().out
    run.write_text(report("90 intakes/s", "100 ms", "2.50"))
    assert main(["--run", str(run)]) == 1
    assert "REGRESSED" in capsys.readouterr().out
