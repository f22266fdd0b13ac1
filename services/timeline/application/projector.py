"""The live projector: every source event into the timeline, exactly once, gaps filled from the source.

Events arrive through `@subscribe_batched(source, "#")` (consumer.py: many deliveries in one transaction,
with shared/subscriptions.py's dedupe and per-stream order), one subscription per event-sourced service.
Source positions are dense, so the per-source checkpoint (`checkpoints`) is the last position up to which
nothing is missing; it is advanced a few times a second (`advance_checkpoints`), apart from the events'
transactions. A checkpoint that stays behind the
source's head from one tick to the next means a message was missed (published before the queue existed,
lost in a failure, parked in the dead-letter queue): the missing events are read from the source store and
projected like any other — a transaction per read batch, idempotent, so a late delivery of the same event
changes nothing — and the checkpoint is advanced after them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from services.timeline.adapters import projection
from services.timeline.domain.entries import Entry
from shared.db import Database
from shared.envelope import Event
from shared.eventstore.base import EventStore
from shared.logging import get_logger

log = get_logger(__name__)
FILL_BATCH = 500


class Projector:
    def __init__(self, db: Database, sources: Mapping[str, Callable[[], EventStore]]) -> None:
        self.db = db
        self.sources = sources  # source service -> its store (read-only), opened on first use
        self._seen: dict[str, int] = {}

    def project(self, source: str, event: Event, tx) -> bool:  # noqa: ANN001 - the subscription's transaction
        return projection.write(tx, Entry.of(source, event))

    def project_many(self, source: str, events: Sequence[Event], tx) -> int:  # noqa: ANN001
        """A batch of deliveries in one statement (consumer.py); returns how many were new."""
        return projection.write_many(tx, [Entry.of(source, event) for event in events])

    def advance_checkpoints(self) -> dict[str, int]:
        """Move every source's checkpoint over the contiguous positions projected since (one short
        transaction, apart from the events'; see adapters/projection.py)."""
        with self.db.transaction() as tx:  # one statement for all sources: it runs a few times a second
            return projection.advance_checkpoints(tx, list(self.sources))

    def lag(self) -> dict[str, int]:
        """Events each source has that the live projection is still missing."""
        with self.db.connection() as conn:
            done = projection.checkpoints(conn, projection.live_generation(conn))
        return {source: max(store().head_position() - done.get(source, 0), 0)
                for source, store in self.sources.items()}

    def fill_gaps(self, *, stalled_only: bool = True) -> dict[str, int]:
        """Fill every source whose checkpoint is behind its head — only if it has not moved since the last
        call, unless `stalled_only` is False. Returns the events filled per source."""
        filled: dict[str, int] = {}
        checkpoints = self.advance_checkpoints()
        for source, store in self.sources.items():
            position = checkpoints[source]
            stalled = self._seen.get(source) == position or not stalled_only
            self._seen[source] = position
            head = store().head_position()
            if position < head and stalled:
                filled[source] = self.fill(source, position, head)
                log.warning("timeline gap filled from the source store", source=source, after=position,
                            head=head, events=filled[source])
        return filled

    def fill(self, source: str, after: int, head: int) -> int:
        count = 0
        while after < head:
            events = self.sources[source]().read_all(after, FILL_BATCH)
            if not events:
                break
            with self.db.transaction() as tx:  # one statement for the batch (idempotent, as every write)
                count += projection.write_many(tx, [Entry.of(source, event) for event in events])
            after = events[-1].global_position
        with self.db.transaction() as tx:
            projection.advance_checkpoint(tx, projection.live_generation(tx), source)
        return count
