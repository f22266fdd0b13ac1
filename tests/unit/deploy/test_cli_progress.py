"""The long CLI jobs' progress (services/progress.py) and `civreg --version`: a rich bar with rate and ETA on a
terminal, plain lines anywhere else."""

import io
import subprocess
import sys
from importlib.metadata import version

import pytest

from services import cli
from services.progress import Reporter, line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_without_a_terminal_progress_is_plain_lines_with_rate_and_eta():
    stream = io.StringIO()
    reporter = Reporter(stream, interval=3600)  # at most one line an hour, besides the first and the last
    with reporter.running():
        tracker = reporter.tracker("funeral", 300, "events")
        for done in (100, 200, 300):
            tracker.update(done)
    lines = stream.getvalue().splitlines()
    assert [entry.split(",")[0] for entry in lines] == ["funeral: 100/300 events", "funeral: 300/300 events"]
    assert "events/s" in lines[0] and "ETA" in lines[0] and "\x1b[" not in stream.getvalue()
    assert lines[-1].endswith("ETA 0 s")


def test_a_plain_line_computes_rate_and_eta():
    assert line("marriage-import", 250, 1000, "rows", 5.0) == (
        "marriage-import: 250/1000 rows, 5.0 s, 50 rows/s, ETA 15 s")
    assert line("funeral", 0, 10, "events", 0.0).endswith("ETA unknown")


def test_on_a_terminal_progress_is_a_bar_with_count_rate_and_eta():
    terminal = Terminal()
    reporter = Reporter(terminal)
    assert reporter.rich
    with reporter.running():
        tracker = reporter.tracker("funeral", 100, "events")
        for done in range(0, 101, 25):
            tracker.update(done)
    shown = terminal.getvalue()
    assert "━" in shown and "100/100" in shown and "ETA" in shown and "events/s" in shown


def test_version_names_the_installed_release(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"civreg {version('civreg')}"


def test_the_installed_command_answers_version():
    done = subprocess.run([sys.executable, "-m", "services.cli", "--version"], capture_output=True, text=True,
                          check=True)
    assert done.stdout.startswith("civreg ")


def test_every_command_a_machine_reads_accepts_json():
    for command in (["migrate"], ["declare"], ["dead-letters", "list"], ["timeline-rebuild"],
                    ["marriage-import", "f.csv"]):
        assert cli.parser().parse_args([*command, "--json"]).json is True


@pytest.mark.parametrize(("content", "rows"), [
    (b"\xef\xbb\xbfa,b\r\n1,2\r\n3,4\r\n", 2),  # a BOM and CRLF line ends
    (b"a,b\n1,2\n3,4", 2),  # no line break after the last row
    (b"a,b\n", 0),
    (b"", 0),
])
def test_the_import_bar_counts_the_lines_after_the_header(tmp_path, content, rows):
    path = tmp_path / "paper.csv"
    path.write_bytes(content)
    assert cli._data_lines(str(path)) == rows
