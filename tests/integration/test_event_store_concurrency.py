"""The event store under concurrency, on the real database: races on one stream, tailing while many write,
and history that the services' own role cannot change."""

from __future__ import annotations

import uuid
from collections import defaultdict

import eventlet
import psycopg
import pytest

from shared.eventstore import NO_STREAM, ConcurrencyConflict
from shared.eventstore.postgres import PostgresEventStore
from tests.contracts.event_store import new_event


def test_two_writers_racing_on_one_stream_exactly_one_wins(namespace):
    store = PostgresEventStore(namespace.database("marriage"))
    for _ in range(20):
        stream_id = f"race-{uuid.uuid4()}"
        start = eventlet.event.Event()

        def write(n: int, stream_id: str = stream_id, start: eventlet.event.Event = start) -> str:
            start.wait()
            try:
                store.append(stream_id, [new_event(writer=n)], NO_STREAM)
                return "won"
            except ConcurrencyConflict:
                return "conflict"

        threads = [eventlet.spawn(write, n) for n in range(2)]
        start.send()
        results = sorted(t.wait() for t in threads)
        assert results == ["conflict", "won"]
        assert len(store.read_stream(stream_id)) == 1


def test_reader_tailing_while_eight_writers_append_misses_nothing_and_keeps_stream_order(fresh_namespace):
    db = fresh_namespace("funeral").database("funeral", max_size=12)
    store = PostgresEventStore(db)
    writers, appends_each, streams_each = 8, 40, 5
    done = eventlet.event.Event()
    written: list[uuid.UUID] = []

    def writer(w: int) -> None:
        versions = defaultdict(int)
        for i in range(appends_each):
            stream_id = f"w{w}-s{i % streams_each}"
            batch = [new_event(n=i)] if i % 3 else [new_event(n=i), new_event(n=i)]
            stored = store.append(stream_id, batch, versions[stream_id])
            versions[stream_id] = stored[-1].stream_version
            written.extend(e.event_id for e in stored)

    seen = []

    def reader() -> None:
        position = 0
        while True:
            finished = done.ready()
            page = store.read_all(position, limit=50)
            seen.extend(page)
            if page:
                position = page[-1].global_position
            elif finished:
                return
            else:
                eventlet.sleep(0)

    tail = eventlet.spawn(reader)
    pool = eventlet.GreenPool(writers)
    for w in range(writers):
        pool.spawn(writer, w)
    pool.waitall()
    done.send()
    tail.wait()

    assert sorted(e.event_id for e in seen) == sorted(written)  # nothing missed, nothing twice
    assert [e.global_position for e in seen] == list(range(1, len(written) + 1))
    last_version: dict[str, int] = defaultdict(int)
    for event in seen:  # per-stream order as read by the tailer
        assert event.stream_version == last_version[event.stream_id] + 1
        last_version[event.stream_id] = event.stream_version


def test_eight_concurrent_queries_in_one_process_overlap(namespace):
    """shared.bootstrap's promise: psycopg waits cooperatively under eventlet (architecture.md, known traps)."""
    db = namespace.database("marriage", max_size=8, min_size=8)

    def slow_query() -> None:
        with db.transaction() as conn:
            conn.execute("SELECT pg_sleep(0.2)")

    pool = eventlet.GreenPool(8)
    started = eventlet.hubs.get_hub().clock()
    for _ in range(8):
        pool.spawn(slow_query)
    pool.waitall()
    elapsed = eventlet.hubs.get_hub().clock() - started
    assert elapsed < 0.8, f"8 x 0.2 s queries took {elapsed:.2f} s: psycopg is blocking the event loop"


@pytest.mark.parametrize(
    "statement",
    ["UPDATE events SET payload = '{}'", "DELETE FROM events", "TRUNCATE events"],
)
def test_service_role_cannot_change_stored_events(namespace, statement):
    db = namespace.database("marriage")
    store = PostgresEventStore(db)
    store.append(f"immutable-{uuid.uuid4()}", [new_event()], NO_STREAM)
    with pytest.raises(psycopg.errors.InsufficientPrivilege), db.transaction() as conn:
        conn.execute(statement)


def test_even_the_owner_cannot_update_or_delete_events(namespace):
    db = namespace.admin("marriage")
    PostgresEventStore(db).append(f"immutable-{uuid.uuid4()}", [new_event()], NO_STREAM)
    for statement in ("UPDATE events SET payload = '{}'", "DELETE FROM events"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"), db.transaction() as conn:
            conn.execute(statement)
