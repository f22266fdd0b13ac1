"""Appending inside the caller's transaction (a unit of work) takes no savepoint: a refused append — a retried
command, an event id reused, a stale expected version — raises no database error, so the transaction
stays usable and the rest of the unit of work commits (shared/migrations/0002_append_events_replay.sql)."""

from __future__ import annotations

import uuid

import pytest

from shared.eventstore import NO_STREAM, ConcurrencyConflict, EventIdReused
from shared.eventstore.postgres import PostgresEventStore
from tests.contracts.event_store import new_event

pytestmark = pytest.mark.integration


@pytest.fixture
def store(namespace):
    return PostgresEventStore(namespace.database("funeral"))


def stream() -> str:
    return f"test-tx-{uuid.uuid4()}"


def test_a_retried_append_returns_the_stored_events_and_the_transaction_goes_on(store):
    first_stream, second_stream = stream(), stream()
    drafts = [new_event(n=1), new_event(n=2)]
    first = store.append(first_stream, drafts, NO_STREAM)
    head = store.head_position()

    with store.db.transaction() as tx:
        again = store.append(first_stream, drafts, NO_STREAM, tx=tx)
        [later] = store.append(second_stream, [new_event(n=3)], NO_STREAM, tx=tx)

    assert again == first
    assert later.global_position == head + 1
    assert [e.payload["n"] for e in store.read_stream(second_stream)] == [3]


def test_an_event_id_reused_in_another_stream_is_refused_and_the_transaction_goes_on(store):
    draft = new_event()
    store.append(stream(), [draft], NO_STREAM)
    other = stream()

    with store.db.transaction() as tx:
        with pytest.raises(EventIdReused):
            store.append(stream(), [draft], NO_STREAM, tx=tx)
        store.append(other, [new_event(n=4)], NO_STREAM, tx=tx)

    assert [e.payload["n"] for e in store.read_stream(other)] == [4]


def test_a_stale_expected_version_is_a_conflict_and_the_transaction_goes_on(store):
    taken, other = stream(), stream()
    store.append(taken, [new_event()], NO_STREAM)

    with store.db.transaction() as tx:
        with pytest.raises(ConcurrencyConflict):
            store.append(taken, [new_event()], NO_STREAM, tx=tx)
        store.append(other, [new_event(n=5)], NO_STREAM, tx=tx)

    assert len(store.read_stream(taken)) == 1
    assert [e.payload["n"] for e in store.read_stream(other)] == [5]
