"""`civreg marriage-import --json`: the totals as one JSON document on stdout, the progress as plain lines on
stderr (no terminal); without --json, plain progress lines and the summary on stdout."""

import json

import pytest

from services import cli
from tests.integration.marriage.helpers import paper_rows, write_csv
from tests.integration.test_cli_json import civreg
from tests.support.infrastructure import ADMIN_URL

pytestmark = pytest.mark.integration


def test_marriage_import_json_reports_the_totals_and_progress_goes_to_stderr(marriage_namespace, tmp_path):
    path = tmp_path / "paper.csv"
    write_csv(path, paper_rows(40, division="610526"))
    done = civreg("marriage-import", str(path), "--batch-size", "10", "--json", DATABASE_URL=ADMIN_URL,
                  CIVREG_NAMESPACE=marriage_namespace.name)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"read": 40, "imported": 40, "already_imported": 0, "conflicts": 0,
                                       "invalid": 0, "results_file": None}
    assert "marriage-import: 40/40 rows" in done.stderr and "ETA" in done.stderr


def test_marriage_import_without_json_prints_plain_progress_and_the_summary(marriage_namespace, tmp_path,
                                                                            monkeypatch, capsys):
    path = tmp_path / "paper.csv"
    write_csv(path, paper_rows(12, division="610528"))
    monkeypatch.setenv("DATABASE_URL", ADMIN_URL)
    monkeypatch.setenv("CIVREG_NAMESPACE", marriage_namespace.name)
    assert cli.main(["marriage-import", str(path), "--batch-size", "5"]) == 0
    out = capsys.readouterr().out
    assert "marriage-import: 12/12 rows" in out and "rows/s" in out
    assert "imported 12, already imported 0" in out
