"""M-12 file reading, no database: rows in batches, checked one batch ahead, row numbers as a spreadsheet
shows them, a failure of the reading side surfacing in the importer."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from services.marriage.application.import_file import ahead, batches
from services.marriage.application.imports import TURN, prepare_batch
from services.marriage.application.marriage import parse

ROW = {"record_ref": "R", "registered_on": "1996-10-01", "office": "MR-610502",
       "husband_id_number": "610502199001010011", "husband_name": "王大明", "husband_certificate": "A-1",
       "wife_id_number": "61050219900101002X", "wife_name": "李大红", "wife_certificate": "A-2"}


def test_rows_come_in_batches_of_the_size_asked_with_empty_cells_left_out():
    rows = [{**ROW, "record_ref": f"R{n}", "husband_household_division": ""} for n in range(7)]

    sizes = [len(batch) for batch in batches(iter(rows), 3)]

    assert sizes == [3, 3, 1]
    assert "husband_household_division" not in next(batches(iter(rows), 3))[0]


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


def test_checking_a_batch_gives_the_batches_being_committed_a_turn_every_few_records():
    """The import's batches wait for PostgreSQL in green threads of the same process (one holding the store's
    append lock until its commit): checking the next batch must let them run between records, not only after
    the whole batch."""
    turns, done = [0], threading.Event()

    def committer() -> None:  # stands in for a batch waiting to send its next statement
        while not done.is_set():
            turns[0] += 1
            time.sleep(0)

    other = threading.Thread(target=committer)
    other.start()
    time.sleep(0)
    records = [{**ROW, "record_ref": f"R{n}"} for n in range(4 * TURN)]
    try:
        before = turns[0]
        prepared = prepare_batch(records, dt.date(2025, 6, 16), parse)
        during = turns[0] - before
    finally:
        done.set()
        other.join()

    assert len(prepared.checked) == 4 * TURN
    assert during >= 3  # a turn after each TURN records but the last


def test_a_row_with_cells_beyond_the_header_or_short_of_it_loses_them_and_a_whole_row_is_kept_as_read():
    whole = dict(ROW)
    extra = {**ROW, None: ["stray"]}  # csv.DictReader's key for cells beyond the header
    short = {**ROW, "wife_certificate": None}  # and its value for cells a row lacks

    batch = next(batches(iter([whole, extra, short]), 3))

    assert batch[0] == ROW and batch[1] == ROW
    assert batch[2] == {key: value for key, value in ROW.items() if key != "wife_certificate"}
