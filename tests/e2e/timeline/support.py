"""Helpers of the timeline's end-to-end tests: appending marriage and child welfare events to their stores
exactly as docs/events.md agrees them (those services are built elsewhere; their relays publish what is
appended here), and shell services that run only a store's outbox relay."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from shared.envelope import Metadata, NewEvent, Subject
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext import EventSourcedService
from tests.support.event_samples import payload_of


class MarriageRelay(EventSourcedService):
    """The marriage service's store and outbox relay, nothing else."""

    name = "marriage"


class ChildWelfareRelay(EventSourcedService):
    """The child welfare service's store and outbox relay, nothing else."""

    name = "child_welfare"


def append(store: PostgresEventStore, stream: str, event_type: str, occurred_on: dt.date,
           subjects: list[tuple[str, str]], office: str | None = None, **payload: Any) -> None:
    """Append one event; `office` is both the recording office (metadata) and the payload's `office`."""
    if office is not None:
        payload = {"office": office, **payload}
    event = NewEvent(type=event_type, occurred_on=occurred_on,
                     subjects=tuple(Subject(id=i, role=r) for i, r in subjects),
                     payload=payload_of(event_type, **payload), metadata=Metadata(actor="test", office=office))
    store.append(stream, [event], None)


def new_id() -> str:
    return str(uuid.uuid4())
