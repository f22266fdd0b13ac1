"""A timeline upgraded from the release before a table per generation (migrations/0005): the live
generation's rows stay where they are, become its partitions and keep their `refs`; the left-overs of other
generations go; live writes and a rebuild work on the upgraded schema, the rebuild's rows equal to the live
projection's."""

from __future__ import annotations

from functools import partial

import pytest
from psycopg.types.json import Jsonb

from services.timeline.adapters import projection
from services.timeline.adapters.rebuild import Rebuild
from services.timeline.domain.entries import Entry, alias_changes
from services.timeline.sources import SOURCES
from shared.db import schema_name
from shared.envelope import Event
from shared.eventstore.postgres import PostgresEventStore
from tests.integration.timeline.conftest import World
from tests.integration.timeline.test_entry_refs import PAYLOADS
from tests.integration.timeline.test_rebuild_and_feed import projection_rows, some_history
from tests.support import upgrades
from tests.support.infrastructure import destroy_namespace
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

FIRST_OF_THIS_RELEASE = "timeline/0005_speed3_generation_partitions.sql"
THIS_RELEASE = [FIRST_OF_THIS_RELEASE, "timeline/0006_speed4_project_events.sql",
                "timeline/0007_speed5_project_deliveries.sql"]


def project_as_the_previous_release(world: World, source: str, *events: Event) -> None:
    """The previous release's live write: its SQL function `project_event`, an entry at a time (replaced by
    `project_events` in migrations/0006)."""
    for event in events:
        entry = Entry.of(source, event)
        with world.timeline.transaction() as tx:
            generation, new = tx.execute(
                "SELECT generation, inserted FROM project_event(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (entry.source, entry.global_position, entry.event_id, entry.stream_id, entry.stream_version,
                 entry.type, entry.occurred_on, entry.recorded_at,
                 Jsonb([{"id": i, "role": r} for i, r in entry.subjects]), Jsonb(dict(entry.payload)),
                 Jsonb(dict(entry.metadata)))).fetchone()
            if new:
                changes = alias_changes(entry, lambda stream, person, tx=tx, generation=generation:
                                        projection.linked_through(tx, generation, source, stream, person))
                projection.insert_aliases(tx, generation, entry, changes)
    world.projector().advance_checkpoints()


@pytest.fixture
def previous_release():
    namespace, migrations = upgrades.previous_release("timeline", FIRST_OF_THIS_RELEASE, sources=SOURCES)
    role = schema_name(namespace.name, "timeline")
    world = World(timeline=namespace.database("timeline"),
                  stores={s: PostgresEventStore(namespace.database(s, max_size=4)) for s in SOURCES},
                  readers={s: namespace.database(s, role=role, max_size=4) for s in SOURCES})
    yield namespace, migrations, world
    destroy_namespace(namespace)


def test_an_upgrade_keeps_the_live_rows_drops_left_overs_and_rebuilds(previous_release):
    namespace, migrations, world = previous_release
    some_history(world, persons=3, project=partial(project_as_the_previous_release, world))
    project_as_the_previous_release(world, "funeral", *[
        world.append("funeral", f"death-up{n}", "funeral.PayloadShape", [(synthetic_id_number(), "deceased")],
                     **payload) for n, payload in enumerate(PAYLOADS)])
    before = projection_rows(world, 1)
    with namespace.admin("timeline").transaction() as tx:  # a retired generation not yet deleted, a broken build
        tx.execute("INSERT INTO generations (generation, state) VALUES (2, 'retired'), (3, 'building')")
        for generation in (2, 3):
            tx.execute("INSERT INTO entries (generation, source, global_position, event_id, stream_id, stream_version,"
                       " event_type, occurred_on, recorded_at, subjects, payload, metadata) SELECT %s, source,"
                       " global_position, event_id, stream_id, stream_version, event_type, occurred_on, recorded_at,"
                       " subjects, payload, metadata FROM entries WHERE generation = 1", (generation,))
            tx.execute("INSERT INTO entry_subjects SELECT %s, subject_id, source, global_position, role"
                       " FROM entry_subjects WHERE generation = 1", (generation,))

    assert upgrades.upgrade(namespace, "timeline", migrations) == THIS_RELEASE

    assert projection_rows(world, 1) == before  # `refs` as written before, now a plain column
    with namespace.admin("timeline").connection() as conn:
        assert conn.execute("SELECT generation, state FROM generations").fetchall() == [(1, "live")]
        partitions = conn.execute(
            "SELECT c.relname, p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relnamespace = to_regnamespace(current_schema())"
            " AND p.relkind = 'p'"
            " ORDER BY 1").fetchall()
        assert partitions == [("entries_g1", "entries"), ("entry_subjects_g1", "entry_subjects")]
        assert conn.execute("SELECT count(*) FROM entries WHERE generation <> 1").fetchone() == (0,)

    # A live write after the upgrade gets its `refs` from the trigger, as the generated column gave it.
    world.project("funeral", world.append("funeral", "death-after", "funeral.DeathRegistered",
                                          [(synthetic_id_number(), "deceased")], death_id="after",
                                          died_on="2024-05-01", certificate_no="F-9"))
    with world.timeline.connection() as conn:
        refs = conn.execute("SELECT refs FROM entries WHERE stream_id = 'death-after'").fetchone()[0]
    assert refs["death_id"] == "after" and refs["certificate_no"] == "F-9" and "event_id" in refs

    live = projection_rows(world, 1)
    assert Rebuild(world.timeline, world.readers).run().generation == 2
    assert projection_rows(world, 2) == live
    with namespace.admin("timeline").connection() as conn:
        assert conn.execute("SELECT to_regclass('entries_g1'), to_regclass('entry_subjects_g1')").fetchone() == (
            None, None)
