"""M-12 from a file: `civreg marriage-import FILE.csv` streams a CSV of paper-era records into the service's
store in batches, with a progress line, per-record results and the conflicts reported.

Memory stays flat whatever the file's size: rows are read one at a time (`csv.reader` over the open file),
a batch of `batch_size` rows is checked (one batch ahead, in a thread of its own: Python's work on the
next batch overlaps the database's on this one) and imported in one transaction (application/imports.py),
and only the records that were not imported (conflicts, invalid rows) are written to the results file as
they come. The progress line is one rewritten stderr line (rows read, imported, conflicts, invalid, rate):
all an operator needs, so no progress-bar dependency is added.
"""

from __future__ import annotations

import csv
import datetime as dt
import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from services.marriage.application.imports import MAX_BATCH, PreparedBatch, commit_batch, prepare_batch
from services.marriage.contract.refusals import INVALID_FILE
from services.marriage.domain.imports import COLUMNS
from shared.business_dates import local_today
from shared.collector import fewer_collections
from shared.envelope import Metadata
from shared.errors import Refusal
from shared.eventstore.postgres import PostgresEventStore
from shared.unit_of_work import parse  # not the application module: its documents (reportlab) cost the CLI 0.1 s

DEFAULT_BATCH = 1000
# The collector's first threshold while importing (shared/collector.py): at the default (700) it ran every few
# records and was a fifth of the importing process's CPU (cProfile and process CPU per 1,000 records).
IMPORT_THRESHOLD = 100_000
# Four batches committed at once: with two, the importing process was busy for only about 70% of the run (its
# CPU 67-71 ms per 1,000 records in some 95 ms), waiting while both batches were in PostgreSQL's hands; a
# third gave it work meanwhile (three faster than two in every pair, alternated). Since a batch builds its
# events while it holds the store's append lock (migrations/0013), a fourth keeps both cores busier: 16,134-
# 17,001 against 13,913-15,859 records/s in three alternated rounds of 100,000, five no faster (issue 19).
DEFAULT_WORKERS = 4
RESULT_COLUMNS = ("row", "record_ref", "status", "code", "detail", "registration_id")


@dataclass
class Totals:
    read: int = 0
    imported: int = 0
    already_imported: int = 0
    conflict: int = 0
    invalid: int = 0
    started: float = field(default_factory=time.perf_counter)

    def add(self, outcome: dict[str, Any]) -> None:
        for status in ("imported", "already_imported", "conflict", "invalid"):
            setattr(self, status, getattr(self, status) + outcome[status])

    @property
    def rate(self) -> float:
        return self.read / max(time.perf_counter() - self.started, 1e-9)

    def line(self) -> str:
        return (f"marriage-import: {self.read:,} rows read, {self.imported:,} imported, "
                f"{self.already_imported:,} already imported, {self.conflict:,} conflicts, {self.invalid:,} invalid "
                f"({self.rate:,.0f} rows/s)")


def rows_of(source: IO[str]) -> tuple[list[str], Iterator[dict[str, str]]]:
    """The CSV file's header and its rows as dicts of the cells given, in one pass each: an empty cell, a cell
    beyond the header and a cell a short row lacks are left out (the record's optional fields are then absent),
    and a blank line is no row. `csv.DictReader` built each row's dict in Python and a second pass then dropped
    its empty cells (about 2 µs a row of the importer's time, issue 19)."""
    reader = csv.reader(source)
    header = next(reader, [])
    return header, ({key: value for key, value in zip(header, cells, strict=False) if value}
                    for cells in reader if cells)


def batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def ahead(reader: Iterator[dict[str, Any]], size: int, today: dt.date) -> Iterator[tuple[PreparedBatch, int]]:
    """The file's batches, parsed and checked one step ahead in a thread of their own, so that checking the
    next batch overlaps the database's work on this one (at most two batches are held)."""
    waiting: queue.Queue[Any] = queue.Queue(maxsize=1)

    def produce() -> None:
        try:
            first_row = 2  # the header is row 1: numbers as a spreadsheet shows them
            for batch in batches(reader, size):
                waiting.put((prepare_batch(batch, today, parse, first_row), len(batch)))
                first_row += len(batch)
            waiting.put(None)
        except BaseException as failure:  # handed to the consumer, which raises it
            waiting.put(failure)

    threading.Thread(target=produce, name="marriage-import-reader", daemon=True).start()
    while (item := waiting.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield item


def _report(future: Future[dict[str, Any]], size: int, totals: Totals, writer: Any, progress: IO[str] | None,
            on_batch: Callable[[Totals], None] | None = None) -> None:
    outcome = future.result()
    totals.read += size
    totals.add(outcome)
    if writer:
        writer.writerows(r for r in outcome["results"] if r["status"] in ("conflict", "invalid"))
    if on_batch:
        on_batch(totals)
    if progress:
        progress.write("\r" + totals.line())
        progress.flush()


def import_file(store: PostgresEventStore, path: Path, actor: str, *, batch_size: int = DEFAULT_BATCH,
                workers: int = DEFAULT_WORKERS, results: IO[str] | None = None,
                progress: IO[str] | None = sys.stderr, today: dt.date | None = None,
                on_batch: Callable[[Totals], None] | None = None) -> Totals:
    """Import every row of the CSV file at `path` (header: `domain.imports.COLUMNS`, the household
    divisions optional). Rows not imported go to `results` as CSV, with their row number and code, in file
    order. `workers` batches are committed at once, each in its own transaction and connection: while one
    waits for the store's append lock or its commit, the other's rows are being written. Two records of one
    person in batches committed at once: whichever commits first is imported, the other is reported as a
    conflict (`already_married`); within a batch, the first in the file wins. `on_batch` is told the running
    totals after each batch (the CLI's progress bar)."""
    if not 1 <= batch_size <= MAX_BATCH or not 1 <= workers <= 8:
        raise ValueError(f"batch size is 1 to {MAX_BATCH}, workers 1 to 8")
    metadata = Metadata(actor=actor)
    totals = Totals()
    writer = csv.DictWriter(results, RESULT_COLUMNS, extrasaction="ignore") if results else None
    if writer:
        writer.writeheader()
    with fewer_collections(IMPORT_THRESHOLD), path.open(newline="", encoding="utf-8-sig") as source:
        header, rows = rows_of(source)
        missing = set(COLUMNS[:9]) - set(header)
        if missing:
            raise Refusal(INVALID_FILE, f"the header lacks {', '.join(sorted(missing))}", 422)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="marriage-import") as pool:
            in_flight: deque[tuple[Future[dict[str, Any]], int]] = deque()
            for prepared, size in ahead(rows, batch_size, today or local_today()):
                in_flight.append((pool.submit(commit_batch, store, metadata, prepared), size))
                if len(in_flight) >= workers:
                    _report(*in_flight.popleft(), totals, writer, progress, on_batch)
            while in_flight:
                _report(*in_flight.popleft(), totals, writer, progress, on_batch)
    if progress:
        progress.write("\n")
    return totals
