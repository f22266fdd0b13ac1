"""The projector's guarantees on the real database (architecture.md, "Timeline projector"): idempotent under
redelivery, indifferent to arrival order, a checkpoint per source, missed messages found and filled from
the source store."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from services.timeline.adapters import projection
from tests.integration.timeline.conftest import ADMIN
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration


def death_events(world, person: str, count: int) -> list:  # noqa: ANN001
    """A death and `count - 1` later steps of its record, all about `person`."""
    events = [world.append("funeral", "death-d1", "funeral.DeathRegistered", [(person, "deceased")],
                           death_id="d1", died_on="2024-05-01", funeral_home="FH-610502")]
    for n in range(count - 1):
        events.append(world.append("funeral", "death-d1", "funeral.BodyStored", [(person, "deceased")],
                                   occurred_on=dt.date(2024, 5, 2), death_id="d1", location=f"cell {n}"))
    return events


def test_redelivered_events_are_projected_once_T1(world):
    person = synthetic_id_number()
    events = death_events(world, person, 5)
    world.project("funeral", *events, *events, events[2], events[0])
    assert world.count("entries") == 5
    assert world.count("entry_subjects") == 5
    timeline = world.queries().timeline(person, None, None, ADMIN)
    assert len(timeline["entries"]) == 5


def test_events_arriving_in_any_order_give_the_same_timeline_and_checkpoint_T1(world):
    person = synthetic_id_number()
    events = death_events(world, person, 12)
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    world.project("funeral", *shuffled)
    timeline = world.queries().timeline(person, None, None, ADMIN)["entries"]
    assert [e["type"] for e in timeline] == ["funeral.DeathRegistered"] + ["funeral.BodyStored"] * 11
    with world.timeline.connection() as conn:
        assert projection.checkpoints(conn, 1)["funeral"] == 12


def test_the_checkpoint_stops_at_the_first_missing_position_and_the_gap_is_filled_from_the_source(world):
    person = synthetic_id_number()
    events = death_events(world, person, 6)
    world.project("funeral", *(e for e in events if e.global_position != 3))
    with world.timeline.connection() as conn:
        assert projection.checkpoints(conn, 1)["funeral"] == 2
    projector = world.projector()
    assert projector.lag()["funeral"] == 4
    assert projector.fill_gaps() == {}  # first sight of the gap: it may still be in flight
    assert projector.fill_gaps() == {"funeral": 1}  # still there a tick later: read from the source
    with world.timeline.connection() as conn:
        assert projection.checkpoints(conn, 1)["funeral"] == 6
    assert projector.lag()["funeral"] == 0
    assert world.count("entries") == 6


def test_a_message_never_delivered_at_the_end_of_a_stream_is_found_too(world):
    person = synthetic_id_number()
    events = death_events(world, person, 3)
    world.project("funeral", *events[:2])  # the last one is lost; nothing later will reveal it by arriving
    projector = world.projector()
    projector.fill_gaps()
    assert projector.fill_gaps() == {"funeral": 1}
    assert len(world.queries().timeline(person, None, None, ADMIN)["entries"]) == 3
