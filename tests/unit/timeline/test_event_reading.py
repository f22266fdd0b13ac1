"""The batched consumer reads a delivery's JSON body straight into an `Event` (services/timeline/consumer.py,
`read_event`): the same event the single-event path gets from kombu's decoding and `Event.from_message`, and
nothing for a delivery kombu would not decode as JSON or that is no event (the caller then takes the single
path, which parks it). No I/O."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from types import SimpleNamespace

from services.timeline.consumer import read_event
from shared.envelope import Event, Metadata, Subject

JSON = "application/json"
EVENT_ID = uuid.UUID("7d0a8c1e-5b0f-4c3e-9a57-0c1b2d3e4f50")


def published() -> Event:
    return Event(event_id=EVENT_ID, type="marriage.MarriageRegistered", occurred_on=dt.date(2001, 2, 3),
                 stream_id="registration-1",
                 stream_version=2, global_position=9,
                 recorded_at=dt.datetime(2025, 6, 9, 8, 1, 2, 345678, tzinfo=dt.UTC),
                 subjects=(Subject(id="610502199001010011", role="party"), Subject(id="TMP-a1", role="party")),
                 payload={"office": "MR-610502", "cross_county": False, "fee": 9.5, "names": ["王小明"], "n": None},
                 metadata=Metadata(actor="clerk", correlation_id="c-1",
                                   traceparent="00-" + "1" * 32 + "-" + "2" * 16 + "-01"))


def message(body: bytes | str, content_type: str = JSON, accept: set[str] | None = None) -> SimpleNamespace:
    return SimpleNamespace(body=body, content_type=content_type, accept={JSON} if accept is None else accept)


def test_a_published_event_reads_as_the_single_path_reads_it():
    body = json.dumps(published().to_message())
    for raw in (body, body.encode()):
        event = read_event(message(raw))
        assert event == Event.from_message(json.loads(body))
        assert event.to_message() == published().to_message()


def test_what_kombu_would_not_decode_as_json_or_is_no_event_is_left_to_the_single_path():
    body = json.dumps(published().to_message())
    assert read_event(message(body, content_type="application/x-yaml")) is None
    assert read_event(message(body, accept={"application/x-yaml"})) is None
    assert read_event(message(b"{not json")) is None
    assert read_event(message(json.dumps({"type": "marriage.MarriageRegistered"}))) is None
