"""Deliveries applied in batches (services/timeline/consumer.py, adapters/deliveries.py) keep the single-event
guarantees on the real database: duplicates inside and across batches change nothing, a stream's versions are
applied in order whatever order they arrive in, an earlier version that never arrived is read from the
source store, and a batch that fails leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import random

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


def test_duplicates_within_and_across_batches_are_applied_once_T1(world):
    person = synthetic_id_number()
    events = steps(world, person, 5)
    assert [e.stream_version for e in apply_batch(world, [*events[:3], events[1], events[0]])] == [1, 2, 3]
    assert [e.stream_version for e in apply_batch(world, [*events, *events])] == [4, 5]
    assert apply_batch(world, events) == []
    assert world.count("entries") == 5
    assert world.count("processed_events") == 5
    assert len(world.queries().timeline(person, None, None, ADMIN)["entries"]) == 5


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
