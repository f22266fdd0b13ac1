"""Vagrant aid's unit of work: the shared machinery (`shared.unit_of_work`) with the relief read models and
the loader of a case. See the shared module for ids, replays and lost races.

A case's row in the `cases` read model is written from its folded state after each append to its stream, in
the same transaction; its unique index makes the second of two simultaneous intakes of one person at one
station fail (`already_open_case`), so "one open case per person and station", which spans streams, holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import psycopg

from services.vagrant_aid.adapters.read_models import Inline, ReadModels
from services.vagrant_aid.domain.events import Draft, case_stream
from services.vagrant_aid.domain.state import Case, fold
from shared import unit_of_work
from shared.envelope import Event, Metadata
from shared.errors import NotFound
from shared.eventstore.postgres import PostgresEventStore

EventIds = unit_of_work.EventIds.of("vagrant_aid")


class UnitOfWork(unit_of_work.UnitOfWork):
    MOST_EVENTS_PER_COMMAND: ClassVar[int] = 4  # an intake: taken in, hospital referral, minor referral
    read_models = Inline
    read: Inline

    def __init__(self, store: PostgresEventStore, tx: psycopg.Connection, metadata: Metadata, ids: EventIds) -> None:
        super().__init__(store, tx, metadata, ids)
        # What deciding reads (stations, open cases, the watch list), on this transaction's connection: a worker
        # never holds one pooled connection while waiting for another.
        self.models = ReadModels(store.db, tx)

    def case(self, case_id: str) -> tuple[list[Event], Case]:
        """The case's history and state, or 404 `not_found`."""
        history = self.store.read_stream(case_stream(valid_case_id(case_id)), tx=self.tx)
        case = fold(history)
        if case is None:
            raise NotFound(f"no case {case_id}")
        return history, case

    def record(self, stream_id: str, drafts: Sequence[Draft], expected_version: int | None) -> list[Event]:
        events = super().record(stream_id, drafts, expected_version)
        if stream_id.startswith("case-"):
            self.models.save_case(fold(self.store.read_stream(stream_id, tx=self.tx)), self.tx)
        return events


def valid_case_id(case_id: object) -> str:
    """Case ids are UUIDs; anything else names no case (and must not reach SQL as a uuid cast error)."""
    return unit_of_work.valid_id(case_id, "case")


attempt = UnitOfWork.attempt  # a reaction's work in a savepoint of the subscription's transaction
