"""M-12: an import batch's events and read-model rows, built inside PostgreSQL from the staged records' fields
(`append_historical_registrations`, migrations 0011 and 0013), are the drafts' events and the rows the importing
process used to COPY: compared here, column by column, with the rows built in Python from the same drafts —
flagged and unflagged records, a paper divorce (no M-3 key), a first-generation number, a cross-county
household, backslashes and quotes in its texts — and the keys still refuse a person or certificate taken
meanwhile, writing nothing."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

import psycopg
import pytest

from services.marriage.adapters.historical import historical_event_id, write_registrations
from services.marriage.application.imports import prepare_batch
from services.marriage.application.marriage import parse
from services.marriage.contract.refusals import ALREADY_MARRIED, CERTIFICATE_NUMBER_TAKEN
from services.marriage.domain.imports import decide_batch
from shared.envelope import Metadata
from shared.errors import Refusal
from tests.integration.marriage.helpers import STAGING_TABLES, paper_rows, staged_sizes
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

TODAY = dt.date(2025, 6, 16)


def person(born: dt.date, sex: str) -> str:
    """A fresh number of that birth date and sex (a random sequence of 400 drew the same wife twice in one module
    now and then, and her second marriage failed the test's own setup on M-3's key)."""
    return synthetic_id_number(born=born, sex=sex)


def paper(ref: str, husband: str, wife: str, on: str, **changes: str) -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    return {"record_ref": ref, "registered_on": on, "office": "MR-610502", "husband_id_number": husband,
            "husband_name": "王大明", "husband_certificate": f"P{tag}-1", "wife_id_number": wife,
            "wife_name": "李大红", "wife_certificate": f"P{tag}-2", **changes}


def records() -> list[dict[str, str]]:
    return [
        paper("plain", person(dt.date(1950, 2, 2), "male"), person(dt.date(1952, 3, 3), "female"), "1979-04-04"),
        paper("below age", person(dt.date(1960, 1, 1), "male"), person(dt.date(1968, 9, 1), "female"),
              "1986-05-05"),  # she is 17: imported with a review flag
        paper("divorced", person(dt.date(1955, 3, 3), "male"), person(dt.date(1957, 4, 4), "female"), "1980-06-06",
              divorced_on="1990-01-02", divorce_ref="渭离-1990-1"),
        paper("first generation", "610502650101011", person(dt.date(1966, 5, 5), "female"), "1988-08-08"),
        paper("cross county", person(dt.date(1951, 6, 6), "male"), person(dt.date(1953, 7, 7), "female"),
              "1977-09-09", husband_household_division="610526", wife_household_division="610526"),
        # Backslashes and quotes in the texts: COPY's text format doubles the backslashes JSON writes.
        paper(r'C:\paper\1985 "A" \t', person(dt.date(1954, 8, 8), "male"), person(dt.date(1956, 9, 9), "female"),
              "1981-10-10", husband_name="O'Neil"),
    ]


def expected_rows(registered: list[tuple[str, Any]], ended: frozenset[str]) -> dict[str, set[tuple[Any, ...]]]:
    """The rows as the importing process COPYed them before migration 0009 (adapters/historical.py)."""
    marriages, current, certificates = set(), set(), set()
    for _, draft in registered:
        p = draft.payload
        husband, wife = p["parties"]
        marriages.add((p["registration_id"], p["office"], dt.date.fromisoformat(p["registered_on"]),
                       husband["id_number"], wife["id_number"], tuple(map(_frozen, p["parties"])),
                       p["cross_county"], True, "married", None, bool(p.get("review")), 1))
        if p["registration_id"] not in ended:
            current |= {(party["id_number"], p["registration_id"]) for party in p["parties"]}
        certificates |= {(c["number"], p["registration_id"], c["id_number"], "marriage",
                          dt.date.fromisoformat(p["registered_on"]), p["office"], True, None)
                         for c in p["certificates"]}
    return {"marriages": marriages, "current_marriages": current, "certificates": certificates}


def _frozen(value: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(value.items()))


def stored_rows(admin_db, ids: list[str]) -> dict[str, set[tuple[Any, ...]]]:  # noqa: ANN001
    with admin_db.connection() as conn:
        marriages = {(*row[:5], tuple(map(_frozen, row[5])), *row[6:]) for row in conn.execute(
            "SELECT registration_id, office, registered_on, husband, wife, parties, cross_county, imported, status,"
            " ended_on, flagged, version FROM marriages WHERE registration_id = ANY(%s)", (ids,))}
        current = set(conn.execute("SELECT person_id, registration_id FROM current_marriages"
                                   " WHERE registration_id = ANY(%s)", (ids,)).fetchall())
        certificates = set(conn.execute(
            "SELECT number, registration_id, id_number, kind, issued_on, office, valid, replaced_by FROM certificates"
            " WHERE registration_id = ANY(%s)", (ids,)).fetchall())
    return {"marriages": marriages, "current_marriages": current, "certificates": certificates}


def test_the_read_models_written_from_the_staged_events_are_the_rows_the_copy_path_wrote_M12(store, admin_db):
    batch = prepare_batch(records(), TODAY, parse)
    decision = decide_batch(batch.checked, {}, {}, batch.batch_id)
    ended = frozenset(registration_id for registration_id, _ in decision.divorces)
    assert len(decision.registered) == 6 and len(ended) == 1
    assert sum(1 for _, draft in decision.registered if draft.payload.get("review")) == 1
    assert sum(1 for _, draft in decision.registered if draft.payload["cross_county"]) == 1

    with store.db.transaction() as tx:
        write_registrations(tx, decision.imported, batch.batch_id, Metadata(actor="import.te\\st"), ended)

    ids = [registration_id for registration_id, _ in decision.registered]
    assert stored_rows(admin_db, ids) == expected_rows(decision.registered, ended)
    with admin_db.connection() as conn:
        events = conn.execute("SELECT event_id::text, stream_id, stream_version, event_type, schema_version,"
                              " occurred_on, subjects, payload, metadata->>'actor', metadata->>'office' FROM events"
                              " WHERE payload->>'registration_id' = ANY(%s) ORDER BY global_position",
                              (ids,)).fetchall()
        staged = staged_sizes(conn)
    # Nothing of the staged records and events is left on disk once the batch committed, though its session is
    # still open (docs/privacy.md).
    assert {name for name, _ in staged} == set(STAGING_TABLES) and all(size == 0 for _, size in staged)
    assert events == [(historical_event_id(registration_id), f"marriage-{registration_id}", 1, draft.type,
                       draft.schema_version, draft.occurred_on,
                       [{"id": subject, "role": role} for subject, role in draft.subjects], draft.payload,
                       "import.te\\st", "MR-610502")
                      for registration_id, draft in decision.registered]
    assert events[-1][7]["record_ref"] == 'C:\\paper\\1985 "A" \\t'


@pytest.mark.parametrize(("taken", "code"), [("person", ALREADY_MARRIED), ("number", CERTIFICATE_NUMBER_TAKEN)])
def test_a_person_or_number_taken_meanwhile_fails_the_batch_on_the_key_and_nothing_is_written_M12(
        store, admin_db, taken, code):
    """M-3 and M-7 between an import and a registration: the key refuses the batch's read-model rows
    before its events are appended; the caller decides the batch again."""
    batch = prepare_batch(records()[:2], TODAY, parse)
    decision = decide_batch(batch.checked, {}, {}, batch.batch_id)
    second = batch.checked[1]
    with admin_db.transaction() as tx:  # what a registration committed meanwhile holds
        if taken == "person":
            tx.execute("INSERT INTO current_marriages VALUES (%s, 'registered-meanwhile')", (second.wife.value,))
        else:
            tx.execute("INSERT INTO certificates (number, registration_id, id_number, kind, issued_on)"
                       " VALUES (%s, 'registered-meanwhile', %s, 'marriage', '2025-06-16')",
                       (second.certificates[0], second.husband.value))
    with admin_db.connection() as conn:
        before = conn.execute("SELECT count(*) FROM events").fetchone()[0]

    with pytest.raises(Refusal) as refused, store.db.transaction() as tx:
        write_registrations(tx, decision.imported, batch.batch_id, Metadata(actor="import.test"))

    assert refused.value.code == code
    ids = [registration_id for registration_id, _ in decision.registered]
    with admin_db.connection() as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == before
        assert conn.execute("SELECT count(*) FROM marriages WHERE registration_id = ANY(%s)",
                            (ids,)).fetchone() == (0,)


def test_the_staged_events_are_read_in_the_connections_encoding_M12(store, admin_db):
    """The COPY's bytes are UTF-8; a connection set to another encoding is sent them in its own."""
    batch = prepare_batch(records()[:2], TODAY, parse)
    decision = decide_batch(batch.checked, {}, {}, batch.batch_id)

    with store.db.transaction() as tx:
        tx.execute("SET LOCAL client_encoding = 'GBK'")
        write_registrations(tx, decision.imported, batch.batch_id, Metadata(actor="import.test"))

    ids = [registration_id for registration_id, _ in decision.registered]
    with admin_db.connection() as conn:
        events = conn.execute("SELECT payload FROM events WHERE payload->>'registration_id' = ANY(%s)"
                              " ORDER BY global_position", (ids,)).fetchall()
    assert [payload for (payload,) in events] == [draft.payload for _, draft in decision.registered]


def batches_of_their_own(*counts: int) -> tuple[list[Any], list[Any]]:
    """Paper batches of `counts` records each, of persons no other test of the module registers (their own
    birth days), with their decisions taken as if nothing were known."""
    start = secrets.randbelow(4000)
    batches = [prepare_batch(list(paper_rows(count, division="610528", first_day=start + day)), TODAY, parse)
               for day, count in enumerate(counts)]
    return batches, [decide_batch(batch.checked, {}, {}, batch.batch_id) for batch in batches]


def appended_ids(admin_db, ids: list[str]) -> list[str]:  # noqa: ANN001
    """Of these registrations, those whose event is in the store, in the store's order."""
    with admin_db.connection() as conn:
        rows = conn.execute("SELECT payload->>'registration_id' FROM events WHERE payload->>'registration_id'"
                            " = ANY(%s) ORDER BY global_position", (ids,)).fetchall()
    return [registration_id for (registration_id,) in rows]


def test_two_batches_written_in_one_transaction_each_append_only_their_own_records_M12(store, admin_db):
    """Each append function empties the staging table it has read (0012), as the shared tables' DELETEs did
    before: a second batch in the same transaction finds only its own records, not the first's again."""
    batches, decisions = batches_of_their_own(2, 3)

    with store.db.transaction() as tx:
        for batch, decision in zip(batches, decisions, strict=True):
            write_registrations(tx, decision.imported, batch.batch_id, Metadata(actor="import.test"))

    ids = [registration_id for decision in decisions for registration_id, _ in decision.registered]
    with admin_db.connection() as conn:
        married = conn.execute("SELECT count(*) FROM marriages WHERE registration_id = ANY(%s)", (ids,)).fetchone()
        staged = staged_sizes(conn)
    assert len(ids) == 5 and appended_ids(admin_db, ids) == ids
    assert married == (5,)
    assert all(size == 0 for _, size in staged)


def test_a_batch_rolled_back_in_a_new_session_leaves_nothing_to_its_next_batch_M12(store, admin_db):
    """The session's first batch makes its staging tables, and a rollback takes them away again: the next batch
    of that session makes them anew (`historical_import_tables()` is asked in every batch), finds none of the
    rolled-back records, appends only its own, and leaves nothing staged once it commits (docs/privacy.md)."""
    (failed, second), (failed_decision, second_decision) = batches_of_their_own(2, 3)
    with store.db.connect() as session:  # a session of its own: no staging tables yet
        with pytest.raises(psycopg.errors.DivisionByZero), session.transaction():
            write_registrations(session, failed_decision.imported, failed.batch_id, Metadata(actor="import.test"))
            session.execute("SELECT 1 / 0")  # the batch fails after its append: all of it is rolled back
        with session.transaction():
            write_registrations(session, second_decision.imported, second.batch_id, Metadata(actor="import.test"))
        staged = staged_sizes(session)

    failed_ids, second_ids = ([r for r, _ in decision.registered] for decision in (failed_decision, second_decision))
    assert appended_ids(admin_db, failed_ids + second_ids) == second_ids
    assert {name for name, _ in staged} >= set(STAGING_TABLES) and all(size == 0 for _, size in staged)
