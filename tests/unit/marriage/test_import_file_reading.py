"""M-12 file reading, no database: rows in batches, checked one batch ahead, row numbers as a spreadsheet
shows them, a failure of the reading side surfacing in the importer."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from services.marriage.adapters.historical import staged_text
from services.marriage.application.import_file import ahead, batches, rows_of
from services.marriage.application.imports import prepare_batch
from services.marriage.domain.imports import decide_batch
from shared.turns import EVERY
from shared.unit_of_work import parse
from tests.integration.marriage.helpers import paper_rows

ROW = {"record_ref": "R", "registered_on": "1996-10-01", "office": "MR-610502",
       "husband_id_number": "610502199001010011", "husband_name": "王大明", "husband_certificate": "A-1",
       "wife_id_number": "61050219900101002X", "wife_name": "李大红", "wife_certificate": "A-2"}


def test_rows_come_in_batches_of_the_size_asked_with_empty_cells_left_out():
    text = "\n".join([",".join([*ROW, "husband_household_division"]),
                      *(",".join([*ROW.values(), ""]) for _ in range(7))])

    header, rows = rows_of(io.StringIO(text))
    sizes = [len(batch) for batch in batches(rows, 3)]

    assert header == [*ROW, "husband_household_division"] and sizes == [3, 3, 1]
    assert next(batches(rows_of(io.StringIO(text))[1], 3))[0] == ROW


def test_batches_are_checked_ahead_in_order_with_file_row_numbers():
    rows = [{**ROW, "record_ref": f"R{n}"} for n in range(5)]
    rows[3] = {**rows[3], "husband_id_number": "610502199001010012"}  # a wrong check digit

    prepared = list(ahead(iter(rows), 2, dt.date(2025, 6, 16)))

    assert [size for _, size in prepared] == [2, 2, 1]
    assert [item.row for batch, _ in prepared for item in batch.checked] == [2, 3, 4, 6]
    assert prepared[1][0].invalid[5]["code"] == "invalid_id_number"


def test_a_failure_while_reading_reaches_the_importer():
    def broken():
        yield ROW
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    with pytest.raises(UnicodeDecodeError):
        list(ahead(broken(), 1, dt.date(2025, 6, 16)))


@contextmanager
def turns_taken() -> Iterator[list[int]]:
    """How many turns another green thread got while the block ran (it stands in for a batch being committed,
    waiting to send its next statement)."""
    turns, done = [0], threading.Event()

    def other() -> None:
        while not done.is_set():
            turns[0] += 1
            time.sleep(0)

    thread = threading.Thread(target=other)
    thread.start()
    time.sleep(0)
    counted = [0]
    before = turns[0]
    try:
        yield counted
        counted[0] = turns[0] - before
    finally:
        done.set()
        thread.join()


def test_checking_a_batch_gives_the_batches_being_committed_a_turn_every_few_records():
    records = [{**ROW, "record_ref": f"R{n}"} for n in range(4 * EVERY)]

    with turns_taken() as turns:
        prepared = prepare_batch(records, dt.date(2025, 6, 16), parse)

    assert len(prepared.checked) == 4 * EVERY
    assert turns[0] >= 3  # one before each EVERY-th record after the first


def test_encoding_a_batchs_events_gives_the_other_batch_a_turn_every_few_records():
    prepared = prepare_batch(list(paper_rows(4 * EVERY)), dt.date(2025, 6, 16), parse)
    imported = decide_batch(prepared.checked, {}, {}, prepared.batch_id).imported

    with turns_taken() as turns:
        text = staged_text(imported)

    assert text.count(b"\n") == 4 * EVERY
    assert turns[0] >= 3


def test_a_row_with_cells_beyond_the_header_or_short_of_it_loses_them_and_a_whole_row_is_kept_as_read():
    whole = ",".join(ROW.values())
    text = "\n".join([",".join(ROW), whole, whole + ",stray", whole.rsplit(",", 1)[0], "", '"a, quoted",' + whole[2:]])

    header, rows = rows_of(io.StringIO(text))
    batch = next(batches(rows, 10))

    assert header == list(ROW) and len(batch) == 4  # the blank line is no row
    assert batch[0] == ROW and batch[1] == ROW
    assert batch[2] == {key: value for key, value in ROW.items() if key != "wife_certificate"}
    assert batch[3]["record_ref"] == "a, quoted" and batch[3]["wife_certificate"] == ROW["wife_certificate"]
