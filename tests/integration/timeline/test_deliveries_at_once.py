"""A batch applied in one statement (adapters/deliveries.py, `apply_at_once`; SQL `project_deliveries`) keeps
the guarantees of the general way (`admit`, then the projection, in a transaction): a stream's versions go in
order, and it declines, writing nothing that matters, a batch with earlier versions missing or with an identity
merge, which the general way applies. That duplicates inside and across batches change nothing is tested for
both ways in test_batched_deliveries.py."""

from __future__ import annotations

import random

import psycopg
import pytest
from psycopg.types.json import Jsonb

from services.timeline.adapters import deliveries
from services.timeline.adapters.projection import entry_rows
from services.timeline.domain.entries import Entry
from shared.eventstore.postgres import PostgresEventStore
from shared.subscriptions import SubscriptionSpec
from tests.integration.timeline.test_batched_deliveries import SPEC, steps
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

BOOKKEEPING = ("entries", "entry_subjects", "aliases", "processed_events", "stream_checkpoints")


def at_once(world, events: list, spec: SubscriptionSpec = SPEC) -> list | None:  # noqa: ANN001
    with world.timeline.connection() as conn:
        return deliveries.apply_at_once(conn, spec, events)


def generally(world, events: list, spec: SubscriptionSpec) -> list:  # noqa: ANN001
    """The general way: `admit`, then the service's projection, in one transaction."""
    with world.timeline.transaction() as tx:
        admitted = deliveries.admit(tx, spec, PostgresEventStore(world.readers[spec.source]), events)
        world.projector().project_many(spec.source, admitted, tx)
    return admitted


def rows(world, subscription: str) -> dict[str, set[tuple]]:  # noqa: ANN001
    """Every row of the projection, and the subscription's bookkeeping (without the times of recording)."""
    with world.timeline.connection() as conn:
        found = {table: set(conn.execute(f"SELECT t::text FROM {table} t").fetchall())
                 for table in ("entries", "entry_subjects", "aliases")}
        found["processed_events"] = set(conn.execute(
            "SELECT event_id FROM processed_events WHERE subscription = %s", (subscription,)))
        found["stream_checkpoints"] = set(conn.execute(
            "SELECT stream_id, version FROM stream_checkpoints WHERE subscription = %s", (subscription,)))
    return found


def test_the_same_deliveries_leave_the_same_rows_as_the_general_way_T1(world):
    """Random batches of two interleaved streams, redelivered and shuffled within what arrived in order."""
    deliveries_ = []
    for death in ("d1", "d2"):
        deliveries_ += steps(world, synthetic_id_number(), 6, death=death)
    rng = random.Random(19)
    arrived = sorted(deliveries_ * 2, key=lambda e: (e.stream_version, rng.random()))  # each stream in order
    batches, at = [], 0
    while at < len(arrived):
        size = rng.randint(1, 4)
        batches.append(arrived[at:at + size])
        at += size
    applied_at_once = [at_once(world, batch) for batch in batches]
    assert all(applied is not None for applied in applied_at_once)  # nothing missing, no merge: never declined
    at_once_rows = rows(world, SPEC.name)
    with world.timeline.connection() as conn:  # the projection again, by another subscription the general way
        for table in ("aliases", "entry_subjects", "entries"):
            conn.execute(f"DELETE FROM {table}")
    other = SubscriptionSpec("evt-funeral--other.on_funeral_event", "funeral", ("#",))
    applied_generally = [generally(world, batch, other) for batch in batches]
    assert applied_at_once == applied_generally
    assert rows(world, other.name) == at_once_rows
    assert len(at_once_rows["entries"]) == 12 and len(at_once_rows["processed_events"]) == 12


def test_a_batch_missing_earlier_versions_is_declined_and_the_general_way_reads_them_from_the_source_T1(world):
    events = steps(world, synthetic_id_number(), 4)
    assert [e.stream_version for e in at_once(world, events[:1])] == [1]
    assert at_once(world, [events[1], events[3]]) is None  # version 3 never arrived
    assert world.count("entries") == 1 and world.count("processed_events") == 1
    with world.timeline.connection() as conn:
        assert conn.execute("SELECT version FROM stream_checkpoints").fetchall() == [(1,)]
    assert [e.stream_version for e in generally(world, [events[1], events[3]], SPEC)] == [2, 3, 4]


def test_a_later_version_delivered_before_an_earlier_one_is_left_to_the_general_way_T1(world):
    """`admit` reads version 2 from the source when 3 comes first, then drops the late 2: the rows are the same
    either way, but only the general way applies them in that order."""
    events = steps(world, synthetic_id_number(), 3)
    assert at_once(world, [events[0], events[2], events[1]]) is None
    assert world.count("entries") == 0 and world.count("processed_events") == 0
    assert [e.stream_version for e in generally(world, [events[0], events[2], events[1]], SPEC)] == [1, 2, 3]


def test_a_backlog_batch_of_many_streams_is_applied_at_once_T1(world):
    events = [event for n in range(60) for event in steps(world, synthetic_id_number(), 3, death=f"b{n}")]
    applied = at_once(world, events)
    assert applied == events
    assert world.count("entries") == 180 and world.count("processed_events") == 180
    with world.timeline.connection() as conn:
        assert conn.execute("SELECT DISTINCT version FROM stream_checkpoints").fetchall() == [(3,)]


def test_a_batch_with_an_identity_merge_is_declined_before_anything_is_written_T1(world):
    person, temporary = synthetic_id_number(), "TMP-RS610500-000126"
    taken_in = world.append("vagrant_aid", "case-c3", "vagrant_aid.PersonTakenIn", [(temporary, "person")],
                            case_id="c3", station="RS-610500")
    identified = world.append("vagrant_aid", "case-c3", "vagrant_aid.PersonIdentified",
                              [(temporary, "temporary"), (person, "identified")], case_id="c3",
                              temporary_id=temporary, id_number=person)
    spec = SubscriptionSpec("evt-vagrant_aid--timeline.on_vagrant_aid_event", "vagrant_aid", ("#",))
    assert at_once(world, [taken_in], spec) == [taken_in]  # no merge: applied at once
    assert at_once(world, [identified], spec) is None
    assert world.count("entries") == 1 and world.count("aliases") == 0 and world.count("processed_events") == 1
    assert generally(world, [identified], spec) == [identified]
    assert world.count("aliases") == 1


def test_a_statement_that_fails_leaves_no_record_checkpoint_or_entry_behind_T1(world):
    """One statement, one transaction: an entry the projection cannot write (its position is no number)
    takes the processed-event records and the moved checkpoints of the whole batch with it."""
    events = steps(world, synthetic_id_number(), 2)
    with world.timeline.connection() as conn:
        rows_ = entry_rows([Entry.of("funeral", e) for e in events]).obj
        rows_[1][1] = "not a position"
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            conn.execute("SELECT project_deliveries(%s, %s)", (SPEC.name, Jsonb(rows_)))
    assert all(world.count(table) == 0 for table in BOOKKEEPING)
    assert [e.stream_version for e in at_once(world, events)] == [1, 2]
