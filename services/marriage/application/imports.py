"""M-12: importing a batch of historical records in one transaction.

A batch (the endpoint's body, or up to 1000 rows of a file read by `civreg marriage-import`) costs a fixed
number of round trips whatever its size: one statement looks up every person's current marriage, every
certificate number and the conflicts recorded before; the imported records' fields are COPYed into a staging
table and one call writes their read-model rows and then builds and appends their events (each record its own stream
`marriage-<id>` at version 1, under the store's append lock: adapters/historical.py); one multi-event append
records the conflicts on `import-<batch_id>`. A
batch is all or nothing: a concurrent registration of one of its persons (M-3), or of one of its certificate
numbers (M-7), fails it on the key, and it is decided again — records already imported are recognised
(`already_imported`) and nothing is written twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

import psycopg
from pydantic_core import to_json

from services.marriage.adapters.historical import write_registrations
from services.marriage.adapters.read_models import ReadModels
from services.marriage.application.reactions import apply_death
from services.marriage.application.unit_of_work import ATTEMPTS, EventIds, UnitOfWork, new_events
from services.marriage.contract.refusals import ALREADY_MARRIED, BATCH_TOO_LARGE, CERTIFICATE_NUMBER_TAKEN
from services.marriage.domain import events as ev
from services.marriage.domain.imports import (
    BatchDecision,
    Checked,
    HistoricalRecord,
    check_record,
    decide_batch,
    invalid,
)
from shared.envelope import Metadata, derived_event_id
from shared.errors import Refusal
from shared.eventstore.postgres import PostgresEventStore
from shared.turns import in_turns

MAX_BATCH = 1000
RACES = (ALREADY_MARRIED, CERTIFICATE_NUMBER_TAKEN)  # lost to a concurrent writer: decided again


def batch_id_of(raw: Sequence[Any]) -> str:
    """The same records give the same batch id: re-running a file appends its conflicts once. The records' JSON
    by pydantic-core's encoder, their keys in the order given (a file's header order): 0.9 ms a batch of a
    thousand against 2.5 with the standard library's keys sorted (issue 19). A batch sent again with its keys
    in another order gets another id, and still appends nothing twice: its imported records are found
    (`already_imported`), and a conflict recorded before is reported and not recorded again."""
    digest = hashlib.sha256(to_json(list(raw), fallback=str)).hexdigest()
    return str(derived_event_id("marriage", "import-batch", digest))


@dataclass(frozen=True)
class PreparedBatch:
    """A batch checked on its own (no I/O): what `commit_batch` decides on."""

    batch_id: str
    checked: list[Checked]
    invalid: dict[int, dict[str, Any]]


def prepare_batch(raw_records: Sequence[Any], today: dt.date, parse: Any, first_row: int = 1) -> PreparedBatch:
    """`raw_records`: dicts (CSV rows or JSON items); `parse(model, raw)` validates one (a Refusal when
    malformed).

    Checking a thousand records is some 25 ms of CPU without I/O: it is taken in turns (shared/turns.py), so
    that in `civreg marriage-import` the batches being committed meanwhile — one of them holding the store's
    append lock until its commit — do not wait for the whole batch between their round trips."""
    if len(raw_records) > MAX_BATCH:
        raise Refusal(BATCH_TOO_LARGE, f"at most {MAX_BATCH} records per batch", 422)
    invalid_rows: dict[int, dict[str, Any]] = {}
    checked: list[Checked] = []
    for offset, raw in enumerate(in_turns(raw_records)):
        row = first_row + offset
        try:
            checked.append(check_record(row, parse(HistoricalRecord, raw), today))
        except Refusal as refused:
            ref = raw.get("record_ref") if isinstance(raw, dict) else None
            invalid_rows[row] = invalid(row, ref if isinstance(ref, str) else None, refused)
    return PreparedBatch(batch_id_of(raw_records), checked, invalid_rows)


def commit_batch(store: PostgresEventStore, metadata: Metadata, batch: PreparedBatch) -> dict[str, Any]:
    """Decide the batch on what is known and write it, all or nothing. A batch that lost a race on a person
    (a registration or another batch committed them meanwhile: M-3's key, or a deadlock between two batches)
    is decided again on fresh facts, where the person shows as a conflict."""
    for attempt_number in range(1, ATTEMPTS + 1):
        try:
            decision = _commit(store, metadata, batch)
            break
        except (Refusal, psycopg.errors.DeadlockDetected) as lost:
            if attempt_number == ATTEMPTS or (isinstance(lost, Refusal) and lost.code not in RACES):
                raise
    if batch.invalid:
        merged = {**batch.invalid, **{item["row"]: item for item in decision.results}}
        ordered = [merged[row] for row in sorted(merged)]
    else:  # the usual batch: the decision's results are in file order already, one per checked record
        ordered = decision.results
    tally = Counter(map(itemgetter("status"), ordered))  # one pass over the batch, not one per status
    counts = {status: tally[status] for status in ("imported", "already_imported", "conflict", "invalid")}
    review = [r for r in ordered if r.get("review")]  # M-12: imported with a review flag, listed
    return {"batch_id": batch.batch_id, "results": ordered, **counts, "flagged": len(review), "review": review}


def import_batch(store: PostgresEventStore, metadata: Metadata, raw_records: Sequence[Any], today: dt.date,
                 parse: Any, first_row: int = 1) -> dict[str, Any]:
    """One batch from end to end: per-record results in input order, and the counts."""
    return commit_batch(store, metadata, prepare_batch(raw_records, today, parse, first_row))


def _commit(store: PostgresEventStore, metadata: Metadata, batch: PreparedBatch) -> BatchDecision:
    checked = batch.checked
    with store.db.transaction() as tx:
        read = ReadModels(tx)
        found = read.import_lookups(
            [p for item in checked for p in (item.husband.value, item.wife.value)],
            [n for item in checked for n in item.certificates], [item.registration_id for item in checked])
        decision = decide_batch(checked, found["married"], found["taken"], batch.batch_id, set(found["recorded"]))
        if decision.imported:
            write_registrations(tx, decision.imported, batch.batch_id, metadata,
                                frozenset(r for r, _ in decision.divorces))
            _paper_divorces(store, tx, metadata, decision)
            _deaths_known_already(store, tx, metadata, batch.batch_id, decision, found["deceased"])
        for draft in decision.conflicts:
            read.apply(SimpleNamespace(type=draft.type, payload=draft.payload))
        if decision.conflicts:
            record_ids = (d.payload["record_id"] for d in decision.conflicts)
            ids = EventIds(("marriage", "import", batch.batch_id, *record_ids))
            store.append(ev.import_stream(batch.batch_id), new_events(decision.conflicts, metadata, ids), None, tx=tx)
    return decision


def _paper_divorces(store: PostgresEventStore, tx: psycopg.Connection, metadata: Metadata,
                    decision: BatchDecision) -> None:
    """M-12: an imported marriage a paper divorce ended is divorced from that day (version 2 of its stream):
    an imported marriage is not always in force."""
    for registration_id, draft in decision.divorces:
        ids = EventIds(("marriage", "historical-divorce", registration_id))
        uow = UnitOfWork(store, tx, metadata, ids)
        uow.record(ev.marriage_stream(registration_id), [draft], 1)


def _deaths_known_already(store: PostgresEventStore, tx: psycopg.Connection, metadata: Metadata, batch_id: str,
                          decision: BatchDecision, deceased: dict[str, str]) -> None:
    """M-11: a party of an imported marriage recorded as deceased already — its marriage ended on the date of
    death (the survivor widowed, free to marry again), or is flagged if registered after it."""
    if not deceased:  # the usual batch: no party known to have died, so no set of its two thousand persons
        return
    imported = {person for item in decision.imported for person in (item.husband.value, item.wife.value)}
    for person in sorted(imported & set(deceased)):
        died_on, death_id = deceased[person].split(" ", 1)
        uow = UnitOfWork(store, tx, metadata, EventIds.for_reaction("historical-death", f"{batch_id}:{person}"))
        apply_death(uow, person, dt.date.fromisoformat(died_on), death_id)
