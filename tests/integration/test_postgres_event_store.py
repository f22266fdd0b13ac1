"""The PostgreSQL event store honours the event store contract, on the real database."""

import datetime as dt

import pytest

from shared.envelope import Event, Metadata, NewEvent
from shared.eventstore import NO_STREAM
from shared.eventstore.postgres import PostgresEventStore
from tests.contracts.event_store import EventStoreContract, new_event, stream, upcasters


class TestPostgresEventStore(EventStoreContract):
    @pytest.fixture
    def store(self, namespace):
        return PostgresEventStore(namespace.database("marriage"))

    @pytest.fixture
    def store_with_upcasters(self, namespace):
        return PostgresEventStore(namespace.database("marriage"), upcasters())


def test_a_message_the_relay_publishes_is_the_event_read_all_gives(namespace):
    # The relay publishes bodies rendered by PostgreSQL (`read_messages`); a consumer must read from one exactly
    # the event `read_all` gives: every field, awkward text and nulls included, the current schema version.
    store = PostgresEventStore(namespace.database("marriage"), upcasters())
    before = store.head_position()
    awkward = {"name": "王小明 \"quoted\" \\ back\tslash\n", "n": 1.5, "none": None, "nested": {"b": [], "a": {}}}
    stored = store.append(stream(), [new_event(**awkward), new_event(n=2).model_copy(update={
        "metadata": Metadata(actor="clerk-1", traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01")})], NO_STREAM)
    store.append(stream(), [NewEvent(type="marriage.Renamed", schema_version=1, occurred_on=dt.date(2020, 1, 1),
                                     payload={"nm": "x"})], NO_STREAM)

    messages, events = store.read_messages(before, 10), store.read_all(before, 10)

    assert [Event.model_validate_json(m.body) for m in messages] == events
    assert [(m.global_position, m.event_id, m.type, m.correlation_id) for m in messages] == [
        (e.global_position, str(e.event_id), e.type, e.metadata.correlation_id) for e in events]
    assert events[0].event_id == stored[0].event_id and events[1].metadata.correlation_id is None
    assert (events[2].schema_version, events[2].payload) == (3, {"name": "x", "source": "unknown"})
