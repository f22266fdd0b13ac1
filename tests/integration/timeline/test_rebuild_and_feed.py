"""Rebuilding from zero while the live projection keeps answering, and the change feed's cursor, which a
rebuild must not invalidate (architecture.md, "Timeline projector"; api.md `GET /v1/feed`)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from services.timeline.adapters import projection, rebuild
from services.timeline.adapters.rebuild import REBUILD_LOCK, Rebuild, RebuildRunning
from services.timeline.contract.feed import FeedPage
from services.timeline.domain import cursor
from shared.errors import Refusal
from tests.integration.timeline.conftest import ADMIN
from tests.integration.timeline.test_entry_refs import PAYLOADS
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

POLICE = {"role": "bureau", "scopes": ["status", "case"]}
EDUCATION = {"role": "bureau", "scopes": ["protected:facts"]}


def some_history(world, persons: int = 20, project=None) -> list[str]:  # noqa: ANN001
    """Three events a person, one in each of three sources, each projected as a delivery would (`project`)."""
    project = project or world.project
    ids = []
    for n in range(persons):
        person = synthetic_id_number()
        ids.append(person)
        project("funeral", world.append("funeral", f"death-r{n}", "funeral.DeathRegistered",
                                        [(person, "deceased")], death_id=f"r{n}", died_on="2024-05-01"))
        project("vagrant_aid", world.append("vagrant_aid", f"case-r{n}", "vagrant_aid.PersonTakenIn",
                                            [(person, "person")], case_id=f"r{n}", station="RS-610500"))
        project("child_welfare", world.append("child_welfare", f"child-r{n}", "child_welfare.ChildFileOpened",
                                              [(person, "child")], child_id=f"r{n}", applied_on="2024-05-01"))
    return ids


def rows(world, generation: int) -> set[tuple]:  # noqa: ANN001
    with world.timeline.connection() as conn:
        return set(conn.execute("SELECT source, global_position, event_id FROM entries WHERE generation = %s",
                                (generation,)).fetchall())


def read_feed(world, viewer, after=None, limit=7) -> tuple[list[tuple[str, int]], str]:  # noqa: ANN001
    """Every page of the feed from `after` to its end."""
    seen, next_cursor = [], after
    while True:
        page = world.queries().feed(next_cursor, None, limit, viewer)
        seen += [(e["source"].removeprefix("urn:civreg:"), e["data"]["position"]) for e in page["entries"]]
        if not page["entries"]:
            return seen, page["next"]
        next_cursor = page["next"]


def test_a_rebuild_reproduces_the_projection_and_switches_over_while_live_writes_go_on(world):
    persons = some_history(world)
    before = rows(world, 1)
    stop = threading.Event()

    def live_writer() -> None:
        n = 0
        while not stop.is_set():
            person = synthetic_id_number()
            world.project("funeral", world.append("funeral", f"death-live{n}", "funeral.DeathRegistered",
                                                  [(person, "deceased")], death_id=f"live{n}", died_on="2024-06-01"))
            n += 1

    writer = threading.Thread(target=live_writer)
    writer.start()
    progress = []
    try:
        answered_during = world.queries().timeline(persons[0], None, None, ADMIN)
        report = Rebuild(world.timeline, world.readers, lambda *args: progress.append(args)).run()
    finally:
        stop.set()
        writer.join()
    world.projector().fill_gaps(stalled_only=False)  # what the writer projected into the retired generation
    assert len(answered_during["entries"]) == 3
    assert report.generation == 2 and progress
    with world.timeline.connection() as conn:
        assert projection.live_generation(conn) == 2
        heads = {s: world.stores[s].head_position() for s in world.stores}
        assert projection.checkpoints(conn, 2) == {s: h for s, h in heads.items()}
    after = rows(world, 2)
    assert before <= after and len(after) == sum(heads.values())
    assert rows(world, 1) == set()  # the retired generation is gone
    assert len(world.queries().timeline(persons[0], None, None, ADMIN)["entries"]) == 3


def test_the_feed_pages_through_every_visible_event_once_and_its_cursor_survives_a_rebuild_T3(world):
    some_history(world, persons=10)
    police, police_cursor = read_feed(world, POLICE)
    assert len(police) == len(set(police)) == 20  # deaths and relief cases; never child welfare
    assert {source for source, _ in police} == {"funeral", "vagrant_aid"}
    everything, _ = read_feed(world, ADMIN)
    assert len(everything) == 30

    Rebuild(world.timeline, world.readers).run()
    person = synthetic_id_number()
    world.project("funeral", world.append("funeral", "death-new", "funeral.DeathRegistered",
                                          [(person, "deceased")], death_id="new", died_on="2024-07-01"))
    after_rebuild, _ = read_feed(world, POLICE, police_cursor)
    assert len(after_rebuild) == 1 and after_rebuild[0][0] == "funeral"
    only_deaths, _ = read_feed(world, POLICE, None)
    assert len(only_deaths) == 21


def test_the_feed_filters_by_type_and_refuses_facts_only_scopes_and_forged_cursors_T3(world):
    some_history(world, persons=3)
    deaths = world.queries().feed(None, "funeral.DeathRegistered", 100, POLICE)["entries"]
    assert [e["type"] for e in deaths] == ["funeral.DeathRegistered"] * 3
    assert len(world.queries().feed(None, "vagrant_aid.*", 100, POLICE)["entries"]) == 3
    with pytest.raises(Refusal) as refused:
        world.queries().feed(None, None, 100, EDUCATION)
    assert refused.value.code == "feed_not_in_scope"
    for forged in ("not-base64!!", cursor.encode({"funeral": -1}), "eyJ4Ijoi", "' OR 1=1 --"):
        with pytest.raises(Refusal) as refused:
            world.queries().feed(forged, None, 100, POLICE)
        assert refused.value.code == "invalid_cursor"
    with pytest.raises(Refusal):
        world.queries().feed(None, "funeral.Death'; DROP TABLE entries", 100, POLICE)


def test_a_second_rebuild_is_refused_while_one_runs(world):
    some_history(world, persons=2)
    with world.timeline.connect() as other:
        other.execute("SELECT pg_advisory_lock(%s, hashtext(current_schema()))", (REBUILD_LOCK,))
        with pytest.raises(RebuildRunning):
            Rebuild(world.timeline, world.readers).run()
    assert Rebuild(world.timeline, world.readers).run().generation == 2


def test_feed_entries_are_cloudevents_1_0_with_the_cursor_beside_them_T3(world):
    person = synthetic_id_number()
    recorded = world.append("funeral", "death-ce1", "funeral.DeathRegistered", [(person, "deceased")],
                            occurred_on=dt.date(2024, 6, 1), death_id="ce1", died_on="2024-06-01",
                            funeral_home="FH-610502")
    world.project("funeral", recorded)
    page = world.queries().feed(None, "funeral.DeathRegistered", 100, ADMIN)
    FeedPage.model_validate(page)
    entry = next(e for e in page["entries"] if e["id"] == str(recorded.event_id))
    assert set(entry) == {"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"}
    assert (entry["specversion"], entry["source"], entry["type"], entry["subject"]) == (
        "1.0", "urn:civreg:funeral", "funeral.DeathRegistered", "death-ce1")
    assert dt.datetime.fromisoformat(entry["time"]) == recorded.recorded_at
    assert entry["data"]["position"] == recorded.global_position
    assert entry["data"]["occurred_on"] == "2024-06-01"
    assert page["next"]


def projection_rows(world, generation: int) -> dict[str, set[tuple]]:  # noqa: ANN001
    """Every row of a generation but the generation number: entries, the persons they concern, the aliases."""
    queries = {
        "entries": "SELECT source, global_position, event_id, stream_id, stream_version, event_type, occurred_on,"
                   " recorded_at, subjects, payload, metadata, office, refs FROM entries WHERE generation = %s",
        "entry_subjects": "SELECT subject_id, source, global_position, role FROM entry_subjects WHERE generation = %s",
        "aliases": "SELECT temporary_id, person_id, action, source, global_position, stream_id, recorded_at"
                   " FROM aliases WHERE generation = %s",
    }
    with world.timeline.connection() as conn:
        return {name: {tuple(map(str, row)) for row in conn.execute(query, (generation,))}
                for name, query in queries.items()}


@pytest.mark.parametrize("chunk", [rebuild.CHUNK, 2], ids=["one chunk", "chunks of two positions"])
def test_a_rebuild_writes_the_rows_the_live_projection_wrote_identity_merges_included_T1(world, monkeypatch, chunk):
    """The rebuild copies inside PostgreSQL and brings only identity events to Python: its rows must be the
    live projection's, link, correction and unlink included — also when the copy goes in many chunks, whose
    copies overlap the next chunks' reads (a link made in one chunk and undone in a later one)."""
    monkeypatch.setattr(rebuild, "CHUNK", chunk)
    some_history(world, persons=3)
    person, wrong, temporary, other, split = (synthetic_id_number(), synthetic_id_number(), "TMP-RS610500-000777",
                                              "TMP-FH610502-000778", "TMP-RS610500-000779")
    world.project("vagrant_aid", *[
        world.append("vagrant_aid", "case-m1", "vagrant_aid.PersonTakenIn", [(temporary, "person")], case_id="m1",
                     station="RS-610500"),
        world.append("vagrant_aid", "case-m1", "vagrant_aid.PersonIdentified",
                     [(temporary, "temporary"), (person, "identified")], case_id="m1", temporary_id=temporary,
                     id_number=person),
        world.append("vagrant_aid", "case-m1", "vagrant_aid.IdentificationWithdrawn",
                     [(temporary, "temporary"), (person, "unlinked")], case_id="m1", unlinked_temporary_id=temporary),
        # An unlink found by its payload alone: no subject with the temporary role.
        world.append("vagrant_aid", "case-m3", "vagrant_aid.PersonIdentified",
                     [(split, "temporary"), (person, "identified")], case_id="m3", temporary_id=split,
                     id_number=person),
        world.append("vagrant_aid", "case-m3", "vagrant_aid.IdentificationWithdrawn", [(person, "unlinked")],
                     case_id="m3", unlinked_temporary_id=split),
    ])
    world.project("funeral", *[
        world.append("funeral", "death-m2", "funeral.DeathRegistered", [(other, "deceased")], death_id="m2",
                     died_on="2024-05-01", temporary_id=other),
        world.append("funeral", "death-m2", "funeral.BodyIdentified", [(other, "temporary"), (wrong, "identified")],
                     death_id="m2", temporary_id=other, id_number=wrong, died_on="2024-05-01"),
        world.append("funeral", "death-m2", "funeral.DeathCorrected",
                     [(person, "deceased"), (wrong, "wrongly_recorded")], death_id="m2", previous_subject=wrong,
                     subject=person, died_on="2024-05-01",
                     changes={"id_number": {"from": "…", "to": "…"}}),
    ])
    # Every shape of payload `entry_refs` is tested on: the copy computes `refs` from each chunk's key names.
    world.project("funeral", *[
        world.append("funeral", f"death-shape{n}", "funeral.PayloadShape", [(synthetic_id_number(), "deceased")],
                     **payload) for n, payload in enumerate(PAYLOADS)])
    live = projection_rows(world, 1)
    assert len(live["aliases"]) >= 5  # links, unlinks, and the corrected death's move
    assert Rebuild(world.timeline, world.readers).run().generation == 2
    assert projection_rows(world, 2) == live
    assert world.queries().timeline(temporary, None, None, ADMIN)["person"] == temporary
    assert world.queries().timeline(other, None, None, ADMIN)["person"] == person


def test_dropping_the_retired_generation_never_deadlocks_a_reader_that_holds_one_table_and_wants_the_other(world):
    """Each of a retired generation's tables is dropped in a transaction of its own (the drop locks the
    partition's parent): a reader that has read `entry_subjects` and goes on to `entries` must not meet a
    rebuild holding `entries` while it waits for `entry_subjects` — PostgreSQL would end one of them."""
    persons = some_history(world, persons=2)
    finished: list[object] = []
    with world.timeline.transaction() as reader:
        assert reader.execute("SELECT count(*) FROM entry_subjects WHERE subject_id = %s",
                              (persons[0],)).fetchone()[0] == 3
        rebuild = threading.Thread(target=lambda: finished.append(Rebuild(world.timeline, world.readers).run()))
        rebuild.start()

        def dropping_waits() -> bool:
            with world.timeline.connection() as conn:
                return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                    " AND query LIKE %s", ("%drop_generation%",)).fetchone()[0] > 0

        wait_until(dropping_waits, timeout=60, what="the rebuild waiting to drop the retired subjects")
        # On to `entries` in the same transaction: the retired generation's table is gone already.
        assert reader.execute("SELECT count(*) FROM entries").fetchone()[0] == 6
    rebuild.join(timeout=60)
    assert finished and finished[0].generation == 2


def test_a_rebuild_whose_copy_fails_raises_and_leaves_the_live_generation_live(world, monkeypatch):
    """A chunk's copy failing (here the subjects of the last source with events, whose table's key is queued
    behind them on the same connection) ends the rebuild with the error; readers keep the live generation, and
    the next rebuild drops the half-built one (and reuses its number) and switches over."""
    monkeypatch.setattr(rebuild, "CHUNK", 2)
    some_history(world, persons=2)
    live = projection_rows(world, 1)
    execute = Rebuild._execute
    last = [source for source in world.readers if source in ("funeral", "vagrant_aid", "child_welfare")][-1]

    def failing(self, statement, params):  # noqa: ANN001, ANN202
        if "entry_subjects_g" in statement.as_string(None) and params["source"] == last:
            raise RuntimeError("copy failed")
        return execute(self, statement, params)

    with monkeypatch.context() as patched:
        patched.setattr(Rebuild, "_execute", failing)
        with pytest.raises(RuntimeError, match="copy failed"):
            Rebuild(world.timeline, world.readers).run()
    with world.timeline.connection() as conn:
        assert conn.execute("SELECT generation, state FROM generations ORDER BY generation").fetchall() == [
            (1, "live"), (2, "building")]
    assert projection_rows(world, 1) == live
    assert Rebuild(world.timeline, world.readers).run().generation == 2
    assert projection_rows(world, 2) == live
