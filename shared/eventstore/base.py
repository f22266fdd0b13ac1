"""The event store contract every backend honours (PostgreSQL in production, memory in unit tests).

* `append` takes the stream version the caller decided on (`expected_version`): 0 for a new stream, the
  version it read otherwise, or `ANY_VERSION` to append whatever the stream holds. A mismatch raises
  `ConcurrencyConflict`; the caller reloads and decides again, or reports `concurrency_conflict`.
* Appending events whose ids are already stored is a no-op that returns the stored events: a retried
  command (same idempotency key → same event ids) never writes twice.
* `read_all(after)` returns events in commit order by global position. Positions are dense and a
  position is visible only after every lower one is, so a reader that remembers the last position it saw
  never skips an event (architecture.md, "Commit order is not sequence order").
* Old event shapes are upcast on read; stored history is never rewritten.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any, Final

from shared.envelope import Event, NewEvent

ANY_VERSION: Final = None
NO_STREAM: Final = 0


class EventStoreError(Exception):
    """Base class of the store's typed errors."""


class ConcurrencyConflict(EventStoreError):
    """The stream moved on since the caller read it (`concurrency_conflict`)."""

    code = "concurrency_conflict"

    def __init__(self, stream_id: str, expected: int | str | None, actual: int | str) -> None:
        # The arguments are the whole state, so that the error can be rebuilt after crossing RPC (which
        # turns them into strings).
        expected = None if expected in (None, "None") else int(expected)
        super().__init__(stream_id, expected, int(actual))
        self.stream_id, self.expected, self.actual = stream_id, expected, int(actual)

    def __str__(self) -> str:
        return f"stream {self.stream_id!r} is at version {self.actual}, expected {self.expected}"


class EventIdReused(EventStoreError):
    """Some but not all of the event ids of an append are already stored, or stored in another stream."""

    code = "event_id_reused"


class EventStore(abc.ABC):
    """Append-only streams of events with a global, commit-ordered position."""

    @abc.abstractmethod
    def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None, *, tx: Any = None
    ) -> list[Event]:
        """Append `events` to `stream_id`; `tx` joins the caller's transaction (inline read models)."""

    @abc.abstractmethod
    def read_stream(self, stream_id: str, after_version: int = 0, *, tx: Any = None) -> list[Event]:
        """Events of one stream in version order, after `after_version`."""

    @abc.abstractmethod
    def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Event]:
        """Up to `limit` events of every stream after `after_position`, in commit order."""

    @abc.abstractmethod
    def head_position(self) -> int:
        """The position of the last committed event (0 if none)."""

    def stream_version(self, stream_id: str, *, tx: Any = None) -> int:
        events = self.read_stream(stream_id, tx=tx)
        return events[-1].stream_version if events else NO_STREAM
