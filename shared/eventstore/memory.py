"""An in-memory event store for unit tests of application code; honours the same contract as PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from typing import Any

from shared.envelope import Event, NewEvent
from shared.eventstore.base import ConcurrencyConflict, EventIdReused, EventStore
from shared.eventstore.upcasting import NO_UPCASTING, Upcasters


class InMemoryEventStore(EventStore):
    def __init__(self, upcasters: Upcasters = NO_UPCASTING) -> None:
        self._events: list[Event] = []
        self._streams: dict[str, list[Event]] = {}
        self._by_id: dict[Any, Event] = {}
        self._lock = threading.Lock()
        self._upcasters = upcasters

    def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None, *, tx: Any = None
    ) -> list[Event]:
        with self._lock:
            stored = [self._by_id[e.event_id] for e in events if e.event_id in self._by_id]
            if stored:
                if len(stored) != len(events) or any(s.stream_id != stream_id for s in stored):
                    raise EventIdReused(f"event ids partly stored already in stream {stream_id!r}")
                return [self._upcast(s) for s in stored]
            stream = self._streams.setdefault(stream_id, [])
            if expected_version is not None and len(stream) != expected_version:
                raise ConcurrencyConflict(stream_id, expected_version, len(stream))
            now = dt.datetime.now(dt.UTC)
            appended = [
                Event(
                    **new.model_dump(),
                    stream_id=stream_id,
                    stream_version=len(stream) + n,
                    global_position=len(self._events) + n,
                    recorded_at=now,
                )
                for n, new in enumerate(events, start=1)
            ]
            stream.extend(appended)
            self._events.extend(appended)
            self._by_id.update((e.event_id, e) for e in appended)
            return [self._upcast(e) for e in appended]

    def read_stream(self, stream_id: str, after_version: int = 0, *, tx: Any = None) -> list[Event]:
        return [self._upcast(e) for e in self._streams.get(stream_id, [])[after_version:]]

    def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Event]:
        return [self._upcast(e) for e in self._events[after_position : after_position + limit]]

    def head_position(self) -> int:
        return len(self._events)

    def _upcast(self, event: Event) -> Event:
        version, payload = self._upcasters.upcast(event.type, event.schema_version, event.payload)
        if version == event.schema_version:
            return event
        return event.model_copy(update={"schema_version": version, "payload": payload})
