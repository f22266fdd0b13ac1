"""M-12's bulk append (adapters/historical.py) on the real PostgreSQL: imported events written by COPY keep
the store's guarantees — dense positions that become visible in order while ordinary appends run at once,
the relay woken at commit, each record its own stream at version 1 — and their stored form is the one
every other reader expects."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import psycopg
import pytest

from services.audit import verify
from services.marriage.adapters.historical import write_registrations
from services.marriage.application.import_file import import_file
from services.marriage.application.imports import commit_batch, prepare_batch
from services.marriage.application.marriage import parse
from services.marriage.domain import events as ev
from services.marriage.domain.imports import decide_batch
from shared.envelope import Metadata, NewEvent
from shared.eventstore.postgres import RELAY_IDLE_LOCK
from tests.integration.marriage.helpers import STAGING_TABLES, paper_rows, staged_sizes, write_csv
from tests.support.infrastructure import ADMIN_URL

pytestmark = pytest.mark.integration


def test_a_reader_tailing_positions_never_sees_a_gap_while_imports_and_appends_run_at_once_M12(
        store, admin_db, tmp_path):
    """The relay's ordering guarantee: a position becomes visible only after every lower one. Two import
    batches at a time (COPY under the append lock) and single appends race; a reader polling for positions
    after the last it saw must always find the next one first, and at the end they are 1..n with no hole."""
    path = tmp_path / "paper.csv"
    write_csv(path, paper_rows(3_000, division="610581"))
    done = threading.Event()
    gaps: list[tuple[int, int]] = []
    appended: list[object] = []

    def tail() -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True, options=f"-c search_path={admin_db.settings.schema}") as c:
            last = c.execute("SELECT coalesce(max(global_position), 0) FROM events").fetchone()[0]
            while True:
                finished = done.is_set()
                for (position,) in c.execute("SELECT global_position FROM events WHERE global_position > %s"
                                             " ORDER BY global_position", (last,)):
                    if position != last + 1:
                        gaps.append((last, position))
                    last = position
                if finished:
                    return

    def append_singles() -> None:
        while not done.is_set():
            appended.append(store.append(f"single-{len(appended)}", [
                NewEvent(type="marriage.TestAppended", occurred_on=dt.date(2025, 6, 16), payload={})], None))

    threads = [threading.Thread(target=tail), threading.Thread(target=append_singles)]
    for thread in threads:
        thread.start()
    try:
        totals = import_file(store, path, "import.test", batch_size=250, workers=2, results=None, progress=None)
    finally:
        done.set()
        for thread in threads:
            thread.join()

    assert totals.imported == 3_000 and appended  # both kinds of append ran
    assert gaps == []
    with admin_db.connection() as conn:
        count, highest, lowest = conn.execute(
            "SELECT count(*), max(global_position), min(global_position) FROM events").fetchone()
    assert (lowest, highest) == (1, count)
    # Imported and single appends form one intact hash chain, and no staged row outlives its transaction
    # (docs/privacy.md: the staging tables keep nothing once a batch commits).
    namespace = admin_db.settings.schema.removesuffix("_marriage")
    (report,) = verify(ADMIN_URL, namespace, "marriage")
    assert report.intact and report.rows == count
    with admin_db.connection() as conn:
        staged = staged_sizes(conn)
    assert {name for name, _ in staged} == set(STAGING_TABLES) and all(size == 0 for _, size in staged)


def test_imported_events_are_stored_as_registrations_with_their_subjects_and_wake_the_relay_M12(store, admin_db):
    rows = list(paper_rows(3, division="610582"))
    batch = prepare_batch(rows, dt.date(2025, 6, 16), parse)
    channel = f"{admin_db.settings.schema}_events"
    with psycopg.connect(ADMIN_URL, autocommit=True) as listener:
        listener.execute(f'LISTEN "{channel}"')
        # As a relay waiting for a NOTIFY does (shared/migrations/0006_notify_idle_relay.sql).
        listener.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (RELAY_IDLE_LOCK, admin_db.settings.schema))

        outcome = commit_batch(store, Metadata(actor="import.test"), batch)

        assert [n.channel for n in listener.notifies(timeout=5, stop_after=1)] == [channel]
    assert outcome["imported"] == 3
    registration_id = outcome["results"][0]["registration_id"]
    [event] = store.read_stream(ev.marriage_stream(registration_id))
    assert (event.type, event.stream_version) == (ev.MARRIAGE_REGISTERED, 1)
    assert [(s.id, s.role) for s in event.subjects] == [(rows[0]["husband_id_number"], "party"),
                                                         (rows[0]["wife_id_number"], "party")]
    assert event.payload["imported"] is True and event.payload["record_ref"] == rows[0]["record_ref"]
    assert [p["id_number"] for p in event.payload["parties"]] == [rows[0]["husband_id_number"],
                                                                  rows[0]["wife_id_number"]]
    assert event.metadata.actor == "import.test" and event.metadata.office == rows[0]["office"]
    with admin_db.connection() as conn:
        parties = conn.execute("SELECT parties FROM marriages WHERE registration_id = %s",
                               (registration_id,)).fetchone()[0]
    assert parties == event.payload["parties"]


def test_an_event_appended_twice_by_the_bulk_path_fails_on_the_stores_key_and_writes_nothing_M12(store, admin_db):
    """Idempotency's backstop: were a record decided as new twice (it cannot be: its certificates are found
    first), the second COPY would fail on the event id, not store a duplicate."""
    batch = prepare_batch(list(paper_rows(1, division="610502")), dt.date(2025, 6, 16), parse)
    assert commit_batch(store, Metadata(actor="t"), batch)["imported"] == 1
    decision = decide_batch(batch.checked, {}, {}, batch.batch_id)  # as if nothing were known
    with admin_db.connection() as conn:
        before = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(psycopg.errors.UniqueViolation), admin_db.transaction() as tx:
        tx.execute("DELETE FROM current_marriages WHERE person_id = ANY(%s)",
                   ([batch.checked[0].husband.value, batch.checked[0].wife.value],))
        tx.execute("DELETE FROM certificates WHERE registration_id = %s", (batch.checked[0].registration_id,))
        tx.execute("DELETE FROM marriages WHERE registration_id = %s", (batch.checked[0].registration_id,))
        write_registrations(tx, decision.imported, batch.batch_id, Metadata(actor="t"))
    with admin_db.connection() as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == before


@pytest.mark.parametrize("ref", ['P-1 "quoted" \\ back', "备注：第1号", "P/1 'single' & <x>", "\\N", "{a,b}"])
def test_the_event_built_from_the_staged_fields_is_the_records_draft_whatever_its_texts_M12(store, admin_db, ref):
    """The bulk path COPYs a record's fields and PostgreSQL builds its event (migrations 0013): the stored
    payload and subjects are the draft's, texts that COPY or JSON would escape included."""
    rows = list(paper_rows(1, division="610502", first_day=uuid.uuid4().int % 4000))  # a couple of its own
    rows[0]["record_ref"] = ref
    batch = prepare_batch(rows, dt.date(2025, 6, 16), parse)
    decision = decide_batch(batch.checked, {}, {}, batch.batch_id)
    [(registration_id, draft)] = decision.registered
    with store.db.transaction() as tx:
        write_registrations(tx, decision.imported, batch.batch_id, Metadata(actor="t"))
    with admin_db.connection() as conn:
        stored = conn.execute("SELECT event_type, schema_version, occurred_on, subjects, payload FROM events"
                              " WHERE stream_id = %s", (ev.marriage_stream(registration_id),)).fetchone()
    assert stored == (draft.type, draft.schema_version, draft.occurred_on,
                      [{"id": s, "role": r} for s, r in draft.subjects], draft.payload)
    assert stored[4]["record_ref"] == ref
