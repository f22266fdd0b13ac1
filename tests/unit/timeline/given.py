"""Building timeline entries for unit tests: given these events about a person…"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from services.timeline.domain.entries import Entry
from tests.support.event_samples import payload_of

_positions = itertools.count(1)
PERSON = "610502198003010011"
SPOUSE = "610502198206010020"
OTHER = "610502197901050031"


def event(event_type: str, on: str, subjects: list[tuple[str, str]], stream: str = "s-1", **payload: Any) -> Entry:
    position = next(_positions)
    return Entry(source=event_type.split(".")[0], global_position=position, event_id=f"e-{position}",
                 stream_id=stream, stream_version=position, type=event_type, occurred_on=dt.date.fromisoformat(on),
                 recorded_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=position),
                 subjects=tuple(subjects), payload=payload_of(event_type, **payload),
                 metadata={"actor": "clerk.MR-610502"})


def married(on: str, registration: str = "r1", one: str = PERSON, other: str = SPOUSE) -> Entry:
    return event("marriage.MarriageRegistered", on, [(one, "party"), (other, "party")], registration_id=registration,
                 registered_on=on, office="MR-610502")
