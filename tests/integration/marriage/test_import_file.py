"""`civreg marriage-import FILE.csv` (M-12) on the real PostgreSQL: the file streamed in batches, every row
accounted for, conflicts kept and written to the results file, a second run writing nothing new."""

from __future__ import annotations

import csv
import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor

import pytest

from services import cli
from services.marriage.application.import_file import import_file
from services.marriage.application.imports import commit_batch, prepare_batch
from services.marriage.application.marriage import parse
from shared.envelope import Metadata
from tests.integration.marriage.helpers import counts, paper_rows, write_csv
from tests.support.infrastructure import ADMIN_URL

pytestmark = pytest.mark.integration


def test_a_file_is_imported_in_batches_with_conflicts_reported_and_kept_M12(store, admin_db, tmp_path):
    path = tmp_path / "paper.csv"
    write_csv(path, paper_rows(2_500, division="610527", twice_married_every=100))
    results, progress = io.StringIO(), io.StringIO()

    totals = import_file(store, path, "import.test", batch_size=500, results=results, progress=progress)

    assert (totals.read, totals.imported, totals.conflict, totals.invalid) == (2_500, 2_475, 25, 0)
    rows = list(csv.DictReader(io.StringIO(results.getvalue())))
    assert len(rows) == 25 and {r["code"] for r in rows} == {"twice_married_in_import"}
    assert rows[0]["row"] == "101"  # the 100th record, on line 101 of the file (the header is line 1)
    assert "2,500 rows read" in progress.getvalue()
    before = counts(admin_db)
    again = import_file(store, path, "import.test", batch_size=1000, results=None, progress=None)
    assert (again.already_imported, again.conflict, again.imported) == (2_475, 25, 0)
    assert counts(admin_db) == before


def test_the_cli_imports_a_file_into_the_namespace_it_is_given(marriage_namespace, tmp_path, monkeypatch, capsys,
                                                                admin_db):
    path = tmp_path / "paper.csv"
    write_csv(path, paper_rows(30, division="610524"))
    monkeypatch.setenv("DATABASE_URL", ADMIN_URL)
    monkeypatch.setenv("CIVREG_NAMESPACE", marriage_namespace.name)
    before = counts(admin_db)

    assert cli.main(["marriage-import", str(path), "--batch-size", "7", "--results", str(tmp_path / "out.csv")]) == 0

    assert "imported 30, already imported 0, conflicts 0, invalid 0 of 30 rows" in capsys.readouterr().out
    assert counts(admin_db)["marriages"] - before["marriages"] == 30


def test_two_batches_marrying_one_person_committed_at_once_import_one_and_report_the_other_M3_M12(store, admin_db):
    first, second = list(paper_rows(2, division="610525"))
    second["husband_id_number"] = first["husband_id_number"]  # the same man, in another batch
    batches = [prepare_batch([row], dt.date(2025, 6, 16), parse) for row in (first, second)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda batch: commit_batch(store, Metadata(actor="t"), batch), batches))

    statuses = sorted(outcome["results"][0]["status"] for outcome in outcomes)
    assert statuses == ["conflict", "imported"]
    with admin_db.connection() as conn:
        assert conn.execute("SELECT count(*) FROM current_marriages WHERE person_id = %s",
                            (first["husband_id_number"],)).fetchone()[0] == 1
