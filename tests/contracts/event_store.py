"""The event store contract (shared/eventstore/base.py), written once and run against every backend.

A backend's test module subclasses `EventStoreContract` and provides the `store` fixture.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from shared.envelope import Metadata, NewEvent, Subject
from shared.eventstore import ANY_VERSION, NO_STREAM, ConcurrencyConflict, EventIdReused, Upcasters

MALE = "610502199001010011"


def new_event(event_type: str = "marriage.Tested", **payload: object) -> NewEvent:
    return NewEvent(
        type=event_type,
        occurred_on=dt.date(2025, 6, 1),
        subjects=(Subject(id=MALE, role="party"),),
        payload=payload,
        metadata=Metadata(actor="clerk-1", office="MR-610502", correlation_id="c-1"),
    )


def stream() -> str:
    return f"test-{uuid.uuid4()}"


def upcasters() -> Upcasters:
    """v1 `marriage.Renamed` had `nm`; v2 calls it `name`; v3 adds `source`."""
    registry = Upcasters()
    registry.register("marriage.Renamed", 1)(lambda p: {"name": p.pop("nm"), **p})
    registry.register("marriage.Renamed", 2)(lambda p: {**p, "source": "unknown"})
    return registry


class EventStoreContract:
    def test_append_to_new_stream_numbers_versions_from_one(self, store):
        stream_id = stream()
        stored = store.append(stream_id, [new_event(n=1), new_event(n=2)], NO_STREAM)
        assert [e.stream_version for e in stored] == [1, 2]
        assert [e.payload["n"] for e in store.read_stream(stream_id)] == [1, 2]

    def test_append_keeps_the_whole_envelope(self, store):
        stream_id = stream()
        draft = new_event(n=1)
        [stored] = store.append(stream_id, [draft], NO_STREAM)
        [read] = store.read_stream(stream_id)
        assert read == stored
        assert read.event_id == draft.event_id
        assert read.subjects == draft.subjects and read.metadata == draft.metadata
        assert read.occurred_on == draft.occurred_on and read.recorded_at.tzinfo is not None

    def test_append_with_stale_expected_version_raises_conflict_and_writes_nothing(self, store):
        stream_id = stream()
        store.append(stream_id, [new_event()], NO_STREAM)
        with pytest.raises(ConcurrencyConflict) as raised:
            store.append(stream_id, [new_event(), new_event()], NO_STREAM)
        assert (raised.value.expected, raised.value.actual) == (0, 1)
        assert len(store.read_stream(stream_id)) == 1

    def test_append_with_any_version_appends_at_the_end(self, store):
        stream_id = stream()
        store.append(stream_id, [new_event()], NO_STREAM)
        [stored] = store.append(stream_id, [new_event()], ANY_VERSION)
        assert stored.stream_version == 2

    def test_appending_the_same_event_ids_again_returns_the_original_and_writes_nothing(self, store):
        stream_id = stream()
        drafts = [new_event(n=1), new_event(n=2)]
        first = store.append(stream_id, drafts, NO_STREAM)
        head = store.head_position()
        again = store.append(stream_id, drafts, NO_STREAM)
        assert again == first
        assert store.head_position() == head

    def test_reusing_an_event_id_in_another_stream_is_refused(self, store):
        draft = new_event()
        store.append(stream(), [draft], NO_STREAM)
        with pytest.raises(EventIdReused):
            store.append(stream(), [draft], NO_STREAM)

    def test_read_stream_after_version(self, store):
        stream_id = stream()
        store.append(stream_id, [new_event(n=n) for n in range(5)], NO_STREAM)
        assert [e.stream_version for e in store.read_stream(stream_id, after_version=3)] == [4, 5]
        assert store.stream_version(stream_id) == 5
        assert store.stream_version(stream()) == NO_STREAM

    def test_read_all_is_in_position_order_and_pages_without_gaps(self, store):
        start = store.head_position()
        streams = [stream() for _ in range(3)]
        for round_ in range(3):
            for stream_id in streams:
                store.append(stream_id, [new_event(n=round_)], ANY_VERSION)
        seen, position = [], start
        while page := store.read_all(position, limit=4):
            seen += page
            position = page[-1].global_position
        positions = [e.global_position for e in seen]
        assert positions == list(range(start + 1, start + 10))
        assert store.head_position() == start + 9

    def test_old_schema_versions_are_upcast_on_read(self, store_with_upcasters):
        store = store_with_upcasters
        stream_id = stream()
        old = NewEvent(type="marriage.Renamed", schema_version=1, occurred_on=dt.date(2020, 1, 1),
                       payload={"nm": "x"})
        store.append(stream_id, [old], NO_STREAM)
        [read] = store.read_stream(stream_id)
        assert read.schema_version == 3
        assert read.payload == {"name": "x", "source": "unknown"}
        assert store.read_all(read.global_position - 1, 1)[0].payload == read.payload
