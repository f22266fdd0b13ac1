"""The timeline nameko service (T-1 to T-3): entrypoints only; the projection and queries live beside it.

It subscribes to every event of every event-sourced service in `services.SERVICES` (one
`@subscribe_batched(source, "#")` each, generated below: consumer.py applies deliveries in batches), so a new
service's events reach timelines with no change here. Timers advance
the per-source checkpoints and fill gaps from the source stores (application/projector.py). RPC answers the
gateway's persons and feed routes.
"""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer

from services.timeline.application.projector import Projector
from services.timeline.application.queries import Queries
from services.timeline.consumer import subscribe_batched
from services.timeline.sources import SOURCES
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext import DatabasePool, EventSourcedService, service_rpc

GAP_CHECK_INTERVAL = 2.0  # seconds; a checkpoint behind the source's head for two ticks is a gap
CHECKPOINT_INTERVAL = 0.25  # seconds; how stale the change feed's horizon may be


class TimelineProvider(DependencyProvider):
    """The container's projector and queries, on the timeline's schema with read-only source stores."""

    pool = DatabasePool()

    def setup(self) -> None:
        self.projector: Projector | None = None

    def _sources(self) -> dict[str, Any]:
        return {name: (lambda name=name: PostgresEventStore(self.pool.source(name))) for name in SOURCES}

    def get_dependency(self, worker_ctx: Any) -> TimelineProvider:
        if self.projector is None:
            self.projector = Projector(self.pool.db, self._sources())
            self.queries = Queries(self.pool.db, list(SOURCES))
        return self


def _projecting(source: str) -> Any:
    def on_event(self: TimelineService, events: Any, tx: Any) -> None:
        """A batch of events (consumer.py), or one when a failed batch is retried event by event."""
        self.timeline.projector.project_many(source, events if isinstance(events, list) else [events], tx)

    on_event.__name__ = f"on_{source}_event"  # the queue's name: evt-<source>--timeline.on_<source>_event
    # `at_once`: on_event only projects, so the consumer may apply a batch in one statement without calling it.
    return subscribe_batched(source, "#", at_once=True)(on_event)


class TimelineService(EventSourcedService):
    name = "timeline"
    timeline = TimelineProvider()

    for _source in SOURCES:
        locals()[f"on_{_source}_event"] = _projecting(_source)
    del _source

    @timer(interval=CHECKPOINT_INTERVAL)
    def advance_checkpoints(self) -> None:
        self.timeline.projector.advance_checkpoints()

    @timer(interval=GAP_CHECK_INTERVAL)
    def fill_gaps(self) -> None:
        self.timeline.projector.fill_gaps()

    @service_rpc
    def person_timeline(self, subject: str, as_of: str | None = None, service: str | None = None,
                        viewer: Any = None, known_at: str | None = None, held: str | None = None) -> dict:
        """`{"digest", "document"}`: the timeline as JSON text, which the gateway sends on as the response body
        unparsed, and its digest; no text when the gateway holds it already (`held`, the digest it was sent
        with): application/queries.py, `timeline_answer`."""
        return self.timeline.queries.timeline_answer(subject, as_of, service, viewer, known_at, held)

    @service_rpc
    def person_facts(self, subject: str, as_of: str | None = None, viewer: Any = None,
                     known_at: str | None = None) -> dict:
        return self.timeline.queries.facts(subject, as_of, viewer, known_at)

    @service_rpc
    def seen_alive(self, subject: str, after: str, viewer: Any = None) -> list[dict]:
        """D-2: the days civreg saw the person alive after `after` (service and day only), for a declaration."""
        return self.timeline.queries.seen_alive(subject, after, viewer)

    @service_rpc
    def person_ids(self, subject: str, viewer: Any = None) -> list[str]:
        """For oversight's access history: the ids that stand for the person (the person's first)."""
        return self.timeline.queries.person_ids(subject, viewer)

    @service_rpc
    def feed(self, after: str | None = None, types: str | None = None, limit: Any = None,
             viewer: Any = None) -> dict:
        return self.timeline.queries.feed(after, types, limit, viewer)

    @service_rpc
    def projector_lag(self) -> dict[str, int]:
        return self.timeline.projector.lag()
