"""One command's unit of work: load the child's file, append what was decided, keep the inline read models
(the file's row, the indexes, the ledger spans) in step — all in one PostgreSQL transaction, so that a refusal
anywhere writes nothing.

Event ids come from the idempotency key when the caller sent one (`derived_event_id`): a command retried
after a crash between our commit and the gateway's record appends the same ids, and `replayed()` finds the
first outcome instead of deciding again. A lost race (`ConcurrencyConflict`) is decided again on fresh state,
in a new transaction — or, inside a subscription's transaction, in a new savepoint.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import psycopg

from services.child_welfare.adapters.read_models import ReadModels
from services.child_welfare.domain.events import Draft, child_stream
from services.child_welfare.domain.file import ChildFile, fold
from shared.envelope import Event, Metadata, NewEvent, Subject, derived_event_id
from shared.eventstore.base import ConcurrencyConflict, EventStore
from shared.eventstore.postgres import PostgresEventStore

T = TypeVar("T")
ATTEMPTS = 3
_MOST_EVENTS_PER_COMMAND = 20


@dataclass(frozen=True)
class EventIds:
    """The ids one command gives its events and the resources it creates."""

    seed: tuple[str, ...] | None

    @classmethod
    def for_command(cls, command: str, principal: str, idempotency_key: str | None) -> EventIds:
        return cls(("child_welfare", principal, idempotency_key, command) if idempotency_key else None)

    @classmethod
    def for_reaction(cls, reaction: str, trigger: uuid.UUID | str, *parts: str) -> EventIds:
        """A reaction's ids follow from the event that triggered it: applied twice, written once."""
        return cls(("child_welfare", "reaction", reaction, str(trigger), *parts))

    def event_id(self, index: int) -> uuid.UUID:
        return derived_event_id(*self.seed, "event", index) if self.seed else uuid.uuid4()

    def resource(self, kind: str) -> str:
        return str(derived_event_id(*self.seed, kind)) if self.seed else str(uuid.uuid4())


class UnitOfWork:
    def __init__(self, store: EventStore, tx: psycopg.Connection, metadata: Metadata, ids: EventIds) -> None:
        self.store, self.tx, self.metadata, self.ids = store, tx, metadata, ids
        self.read = ReadModels(tx)
        self._appended = 0

    def file(self, child_id: str) -> ChildFile | None:
        return fold(self.store.read_stream(child_stream(child_id), tx=self.tx))

    def replayed(self) -> list[Event]:
        """The events this very command stored before (same idempotency key), in order; [] if none."""
        if self.ids.seed is None or not self._stored([self.ids.event_id(0)]):
            return []
        return self._stored([self.ids.event_id(n) for n in range(_MOST_EVENTS_PER_COMMAND)])

    def _stored(self, candidates: list[uuid.UUID]) -> list[Event]:
        rows = self.tx.execute(
            "SELECT stream_id, stream_version FROM events WHERE event_id = ANY(%s) ORDER BY global_position",
            (candidates,),
        ).fetchall()
        return [self.store.read_stream(stream, after_version=version - 1, tx=self.tx)[0] for stream, version in rows]

    def record(self, stream_id: str, drafts: Sequence[Draft], expected_version: int | None,
               before: ChildFile | None = None) -> list[Event]:
        """Append the drafts at the expected version and project them; a child's stream also refreshes the
        file's row and ledger from the state after them."""
        new = [
            NewEvent(
                event_id=self.ids.event_id(self._appended + n), type=draft.type,
                schema_version=draft.schema_version, occurred_on=draft.occurred_on,
                subjects=tuple(Subject(id=subject, role=role) for subject, role in draft.subjects),
                payload=draft.payload, metadata=self.metadata,
            )
            for n, draft in enumerate(drafts)
        ]
        self._appended += len(new)
        events = self.store.append(stream_id, new, expected_version, tx=self.tx)
        for event in events:
            self.read.apply(event)
        if stream_id.startswith("child-") and events:
            after = fold(events, before)
            assert after is not None
            self.read.refresh(after)
        return events


def execute(store: PostgresEventStore, metadata: Metadata, ids: EventIds, work: Callable[[UnitOfWork], T]) -> T:
    """Run `work` in a transaction of its own; a lost race rolls it back and runs it again in a new one."""
    for attempt_number in range(1, ATTEMPTS + 1):
        try:
            with store.db.transaction() as tx:
                return work(UnitOfWork(store, tx, metadata, ids))
        except ConcurrencyConflict:
            if attempt_number == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def attempt(
    store: EventStore, tx: psycopg.Connection, metadata: Metadata, ids: EventIds, work: Callable[[UnitOfWork], T]
) -> T:
    """Run `work` in a savepoint of the caller's `tx` (a subscription's); a lost race runs it again."""
    for attempt_number in range(1, ATTEMPTS + 1):
        try:
            with tx.transaction():
                return work(UnitOfWork(store, tx, metadata, ids))
        except ConcurrencyConflict:
            if attempt_number == ATTEMPTS:
                raise
    raise AssertionError("unreachable")
