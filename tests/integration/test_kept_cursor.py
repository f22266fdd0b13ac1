"""The cursor kept on a connection for its repeated statement (shared/db.py, `kept_cursor`): one per connection,
rows as tuples whatever the connection's row factory, and an append through it inside a caller's transaction
whose connection makes dictionaries still returns the recorded events."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from psycopg.rows import dict_row, tuple_row

from shared.db import kept_cursor
from shared.envelope import NewEvent
from shared.eventstore.postgres import PostgresEventStore
from tests.support.infrastructure import ADMIN_URL, new_id

pytestmark = pytest.mark.integration


def test_one_kept_cursor_per_connection_reading_tuples():
    with (psycopg.connect(ADMIN_URL, autocommit=True) as first,
          psycopg.connect(ADMIN_URL, row_factory=dict_row) as second):
        assert kept_cursor(first) is kept_cursor(first)
        assert kept_cursor(second) is not kept_cursor(first)
        assert kept_cursor(second).execute("SELECT 1, 'a'").fetchall() == [(1, "a")]
        assert second.execute("SELECT 1 AS n").fetchall() == [{"n": 1}]  # the connection's own cursors unchanged


def test_an_append_on_a_connection_making_dictionaries_returns_the_recorded_events(namespace):
    db = namespace.database("funeral")
    store = PostgresEventStore(db)
    stream = new_id("kept-")
    events = [NewEvent(type="funeral.Measured", occurred_on=dt.date(2025, 1, 2), payload={"n": n}) for n in range(3)]
    with db.transaction() as tx:
        tx.row_factory = dict_row
        try:
            for version, event in enumerate(events, start=1):
                [recorded] = store.append(stream, [event], version - 1, tx=tx)
                assert (recorded.event_id, recorded.stream_version) == (event.event_id, version)
        finally:
            tx.row_factory = tuple_row  # the pooled connection goes back as it came
    assert [e.event_id for e in store.read_stream(stream)] == [e.event_id for e in events]
