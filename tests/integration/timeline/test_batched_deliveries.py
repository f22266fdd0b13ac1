"""Deliveries applied in batches (services/timeline/consumer.py, adapters/deliveries.py) keep the single-event
guarantees on the real database: duplicates inside and across batches change nothing, a stream's versions are
applied in order whatever order they arrive in, an earlier version that never arrived is read from the
source store, and a batch that fails leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest

from services.timeline.adapters import deliveries, projection
from services.timeline.domain.entries import Entry
from shared.eventstore.postgres import PostgresEventStore
from shared.subscriptions import SubscriptionSpec
from tests.integration.timeline.conftest import ADMIN
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

SPEC = SubscriptionSpec("evt-funeral--timeline.on_funeral_event", "funeral", ("#",))


def steps(world, person: str, count: int, death: str = "d1") -> list:  # noqa: ANN001
    events = [world.append("funeral", f"death-{death}", "funeral.DeathRegistered", [(person, "deceased")],
                           death_id=death, died_on="2024-05-01", funeral_home="FH-610502")]
    for n in range(count - 1):
        events.append(world.append("funeral", f"death-{death}", "funeral.BodyStored", [(person, "deceased")],
                                   occurred_on=dt.date(2024, 5, 2), death_id=death, location=f"cell {n}"))
    return events


def apply_batch(world, events: list) -> list:  # noqa: ANN001
    """What the batch thread does: admit, project the admitted events, commit."""
    source = PostgresEventStore(world.readers["funeral"])
    with world.timeline.transaction() as tx:
        admitted = deliveries.admit(tx, SPEC, source, events)
        world.projector().project_many("funeral", admitted, tx)
    world.projector().advance_checkpoints()
    return admitted


def apply_at_once(world, events: list) -> list:  # noqa: ANN001
    """What the batch thread does for the timeline's own subscriptions: bookkeeping and projection in one
    statement (`deliveries.apply_at_once`), which commits on its own."""
    with world.timeline.connection() as conn:
        applied = deliveries.apply_at_once(conn, SPEC, events)
    world.projector().advance_checkpoints()
    return applied


@pytest.mark.parametrize("apply", [apply_batch, apply_at_once], ids=["general", "at_once"])
def test_duplicates_within_and_across_batches_are_applied_once_in_delivery_order_T1(world, apply):  # noqa: ANN001
    person = synthetic_id_number()
    events = steps(world, person, 5)
    assert [e.stream_version for e in apply(world, [*events[:3], events[1], events[0]])] == [1, 2, 3]
    assert [e.stream_version for e in apply(world, [*events, *events])] == [4, 5]
    assert apply(world, events) == []
    assert world.count("entries") == 5
    assert world.count("processed_events") == 5
    assert len(world.queries().timeline(person, None, None, ADMIN)["entries"]) == 5
    with world.timeline.connection() as conn:
        assert conn.execute("SELECT version FROM stream_checkpoints").fetchall() == [(5,)]


def test_a_shuffled_batch_is_applied_in_stream_order_with_missing_versions_read_from_the_source_T1(world):
    person = synthetic_id_number()
    events = steps(world, person, 12)
    arrived = [e for e in events if e.stream_version not in (1, 4)]  # two versions never delivered
    random.Random(11).shuffle(arrived)
    admitted = apply_batch(world, arrived)
    assert sorted(e.stream_version for e in admitted) == list(range(1, 13))
    per_stream = [e.stream_version for e in admitted]
    assert all(per_stream.index(v) < per_stream.index(v + 1) for v in (1, 2, 3, 4))  # earlier ones first
    with world.timeline.connection() as conn:
        assert projection.checkpoints(conn, 1)["funeral"] == 12
        version = conn.execute("SELECT version FROM stream_checkpoints WHERE stream_id = 'death-d1'").fetchone()[0]
    assert version == 12


def test_a_failing_batch_leaves_no_entry_record_or_checkpoint_behind_T1(world):
    person = synthetic_id_number()
    events = steps(world, person, 4)
    source = PostgresEventStore(world.readers["funeral"])
    with pytest.raises(RuntimeError), world.timeline.transaction() as tx:
        admitted = deliveries.admit(tx, SPEC, source, events)
        world.projector().project_many("funeral", admitted, tx)
        raise RuntimeError("the handler failed after projecting")
    assert world.count("entries") == 0
    assert world.count("processed_events") == 0
    assert world.count("stream_checkpoints") == 0
    assert len(apply_batch(world, events)) == 4  # the redelivered batch is applied in full


def test_batched_writes_merge_identities_as_single_writes_do_T1(world):
    """write_many makes the same alias rows as write: a temporary id linked by an identification event."""
    person, temporary = synthetic_id_number(), "TMP-RS610500-000124"
    linked = world.append("vagrant_aid", "case-c1", "vagrant_aid.PersonIdentified",
                          [(temporary, "temporary"), (person, "identified")], case_id="c1",
                          temporary_id=temporary, id_number=person)
    with world.timeline.transaction() as tx:
        assert projection.write_many(tx, [Entry.of("vagrant_aid", linked)]) == 1
    with world.timeline.connection() as conn:
        assert conn.execute("SELECT temporary_id, person_id, action FROM aliases").fetchall() == [
            (temporary, person, "link")]


def projection_tables(world) -> dict[str, set[tuple]]:  # noqa: ANN001
    """Every row of the projection's tables, whatever the generation."""
    with world.timeline.connection() as conn:
        return {table: set(conn.execute(f"SELECT t::text FROM {table} t").fetchall())
                for table in ("entries", "entry_subjects", "aliases")}


def test_a_batch_with_duplicates_and_entries_present_writes_what_single_writes_write_T1(world):
    """One set-based write per batch (`project_events`): an entry present already or twice in the batch is
    written once, counted once, and its identity merges made once — the rows of one write per event."""
    person, temporary = synthetic_id_number(), "TMP-RS610500-000125"
    events = [*steps(world, person, 3),
              world.append("vagrant_aid", "case-c2", "vagrant_aid.PersonTakenIn", [(temporary, "person")],
                           case_id="c2", station="RS-610500"),
              world.append("vagrant_aid", "case-c2", "vagrant_aid.PersonIdentified",
                           [(temporary, "temporary"), (person, "identified")], case_id="c2",
                           temporary_id=temporary, id_number=person)]
    entries = [Entry.of(event.type.split(".")[0], event) for event in events]
    with world.timeline.transaction() as tx:
        assert projection.write_many(tx, entries[:2]) == 2
    with world.timeline.transaction() as tx:
        batch = [entries[4], entries[1], *entries, entries[4], entries[0]]
        assert projection.write_many(tx, batch) == 3
    with world.timeline.transaction() as tx:
        assert projection.write_many(tx, entries) == 0
    batched = projection_tables(world)
    assert len(batched["entries"]) == 5 and len(batched["entry_subjects"]) == 6 and len(batched["aliases"]) == 1

    with world.timeline.connection() as conn:  # the same events, one write each, into a fresh projection
        conn.execute("DELETE FROM aliases")
        conn.execute("DELETE FROM entry_subjects")
        conn.execute("DELETE FROM entries")
    for entry in entries:
        with world.timeline.transaction() as tx:
            assert projection.write(tx, entry) is True
            assert projection.write(tx, entry) is False
    assert projection_tables(world) == batched


def test_a_live_write_waiting_for_the_switch_over_goes_to_the_generation_it_made_live_T1(world):
    """The switch lock is taken before the live generation is read: a batch written while a rebuild switches
    over waits for the switch-over's commit and lands in the new live generation, never in the retired one."""
    person = synthetic_id_number()
    entries = [Entry.of("funeral", event) for event in steps(world, person, 3)]
    with world.timeline.transaction() as tx:  # a rebuilt generation, attached, not yet live
        tx.execute("INSERT INTO generations (generation, state) VALUES (2, 'building')")
        tx.execute("SELECT open_generation(2)")
        tx.execute("SELECT seal_generation(2)")
    written: list[int] = []
    with world.timeline.transaction() as switch:
        switch.execute("SELECT pg_advisory_xact_lock(%s, %s)", projection.SWITCH_LOCK)
        switch.execute("UPDATE generations SET state = 'retired' WHERE state = 'live'")
        switch.execute("UPDATE generations SET state = 'live' WHERE generation = 2")

        def live_write() -> None:
            with world.timeline.transaction() as tx:
                written.append(projection.write_many(tx, entries))

        writer = threading.Thread(target=live_write)
        writer.start()
        time.sleep(0.5)
        assert not written  # waiting for the switch lock
    writer.join(timeout=10)
    assert written == [3]
    with world.timeline.connection() as conn:
        assert conn.execute("SELECT generation, count(*) FROM entries GROUP BY generation").fetchall() == [(2, 3)]
        assert conn.execute("SELECT DISTINCT generation FROM entry_subjects").fetchall() == [(2,)]
