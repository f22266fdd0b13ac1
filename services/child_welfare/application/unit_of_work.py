"""Child welfare's unit of work: the shared machinery (`shared.unit_of_work`) with the child's file loaded
from its stream, and the file's inline read models (its row, the indexes, the ledger spans) refreshed from the
state after each append. See the shared module for ids, replays and lost races.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from services.child_welfare.adapters.read_models import ReadModels
from services.child_welfare.domain.events import Draft, child_stream
from services.child_welfare.domain.file import ChildFile, fold
from shared import unit_of_work
from shared.envelope import Event

EventIds = unit_of_work.EventIds.of("child_welfare")


class UnitOfWork(unit_of_work.UnitOfWork):
    MOST_EVENTS_PER_COMMAND: ClassVar[int] = 20
    read_models = ReadModels
    read: ReadModels

    def file(self, child_id: str) -> ChildFile | None:
        return fold(self.store.read_stream(child_stream(child_id), tx=self.tx))

    def record(self, stream_id: str, drafts: Sequence[Draft], expected_version: int | None,
               before: ChildFile | None = None) -> list[Event]:
        """Append the drafts at the expected version and project them; a child's stream also refreshes the
        file's row and ledger from the state after them."""
        events = super().record(stream_id, drafts, expected_version)
        if stream_id.startswith("child-") and events:
            after = fold(events, before)
            assert after is not None
            self.read.refresh(after)
        return events


execute = UnitOfWork.execute
attempt = UnitOfWork.attempt
