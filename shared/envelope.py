"""The event envelope every civreg service writes and publishes (architecture.md, "Event store").

An event is a fact in the past tense (`marriage.MarriageRegistered`). The envelope around its payload says
which stream it belongs to and where (`stream_id`, `stream_version`), when it happened in the world
(`occurred_on`, the business date rules are judged by) and when it was recorded (`recorded_at`), whom it
concerns (`subjects`: ID numbers or temporary subject ids, each with a role) and who caused it
(`metadata`). The same JSON shape is stored, published on RabbitMQ and read by consumers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.reference.events import EventModel

EVENT_TYPE_PATTERN = r"^[a-z][a-z_]*\.[A-Z][A-Za-z0-9]*$"
SUBJECT_ID_PATTERN = r"^[0-9]{17}[0-9X]$|^[0-9]{15}$|^[A-Z]{2,4}-[A-Za-z0-9-]{1,60}$"


# uuid5 namespace of civreg's derived event ids.
_EVENT_ID_NAMESPACE = uuid.UUID("6d0a8c1e-5b0f-5c3e-9a57-0c1b2d3e4f50")
_NAMESPACE_BYTES = _EVENT_ID_NAMESPACE.bytes


def derived_event_id(*parts: object) -> uuid.UUID:
    """A deterministic event id, e.g. from (service, principal, idempotency key, index): a retried command
    appends the same ids, which the event store answers with the first result instead of writing twice."""
    return uuid.uuid5(_EVENT_ID_NAMESPACE, _derived_name(parts))


# The RFC 4122 variant (binary 10xx) of the digest's 17th hex digit: its low two bits kept.
_VARIANT_DIGIT = {digit: "89ab"[int(digit, 16) & 0x3] for digit in "0123456789abcdef"}


def derived_id_text(*parts: object) -> str:
    """`str(derived_event_id(*parts))`, made without the UUID object: a bulk import derives two ids per record
    (its registration's and its event's), and building and printing the object was more than half the cost
    (RFC 4122 version 5: the SHA-1 of namespace and name, its first 16 bytes with the version and variant
    bits set). Set in the digest's hex text: the version digit replaced by 5, the variant digit's top two bits
    by 10 — 1.9 µs an id instead of 3.8 with the bytes set and printed (issue 19)."""
    text = hashlib.sha1(_NAMESPACE_BYTES + _derived_name(parts).encode()).hexdigest()
    return f"{text[:8]}-{text[8:12]}-5{text[13:16]}-{_VARIANT_DIGIT[text[16]]}{text[17:20]}-{text[20:32]}"


def _derived_name(parts: tuple[object, ...]) -> str:
    return "\x1f".join(map(str, parts))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Subject(_Frozen):
    """A person the event concerns: ID number or temporary subject id (`TMP-…`), and their role in it."""

    id: str = Field(pattern=SUBJECT_ID_PATTERN)
    role: str = Field(min_length=1, max_length=40)


class Metadata(_Frozen):
    """Who and what caused the event; carried unchanged to every consumer."""

    actor: str | None = None
    office: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    idempotency_key: str | None = None
    traceparent: str | None = Field(default=None, max_length=55)  # W3C trace context of the recording worker


class NewEvent(_Frozen):
    """An event about to be appended; the store gives it its stream position."""

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str = Field(pattern=EVENT_TYPE_PATTERN, max_length=120)
    schema_version: int = Field(default=1, ge=1)
    occurred_on: dt.date
    subjects: tuple[Subject, ...] = ()
    payload: dict[str, Any] = Field(default_factory=dict)
    metadata: Metadata = Field(default_factory=Metadata)

    @property
    def service(self) -> str:
        return self.type.split(".", 1)[0]


class Event(NewEvent):
    """A recorded event, as read from a store or received from the broker."""

    stream_id: str = Field(min_length=1, max_length=200)
    stream_version: int = Field(ge=1)
    global_position: int = Field(ge=1)
    recorded_at: dt.datetime

    @classmethod
    def stored(cls, draft: NewEvent, stream_id: str, stream_version: int, global_position: int,
               recorded_at: dt.datetime) -> Event:
        """`draft` as the store recorded it, without validating again: the draft was validated when it was made,
        and the store's own fields come from the database. The instance `model_construct` would build, set
        through pydantic's pickling state rather than its loop over every field and alias (1.5 µs instead of
        4, on every append; tests/unit/test_envelope.py compares the two)."""
        event = cls.__new__(cls)
        event.__setstate__({
            "__dict__": {**draft.__dict__, "stream_id": stream_id, "stream_version": stream_version,
                         "global_position": global_position, "recorded_at": recorded_at},
            "__pydantic_fields_set__": set(_EVENT_FIELDS), "__pydantic_extra__": None,
            "__pydantic_private__": None,
        })
        return event

    def to_message(self) -> dict[str, Any]:
        """The JSON body published on the broker."""
        return self.model_dump(mode="json")

    def message_body(self) -> str:
        """`to_message()` as the JSON text the relay publishes, encoded by pydantic in one pass: 15 µs an event,
        where the dict and `json.dumps` took 61 µs (issue 19)."""
        return self.model_dump_json()

    @classmethod
    def from_message(cls, body: dict[str, Any]) -> Event:
        return cls.model_validate(body)


_EVENT_FIELDS = frozenset(Event.model_fields)


@dataclass(frozen=True)
class Draft:
    """An event a decision produced, before the store gives it an id, a position and metadata.

    Each service derives its own `Draft` naming its `SCHEMA_VERSIONS` (event type -> current version), so the
    version an event is written at is looked up in one place.
    """

    SCHEMA_VERSIONS: ClassVar[Mapping[str, int]] = {}

    type: str
    occurred_on: dt.date
    payload: dict[str, Any]
    subjects: tuple[tuple[str, str], ...] = field(default=())  # (subject id, role)

    @classmethod
    def of(cls, event: EventModel, occurred_on: dt.date, subjects: tuple[tuple[str, str], ...] = ()) -> Draft:
        """The draft of a typed event (the producer's contract model): its type, and its payload as stored."""
        if cls.SCHEMA_VERSIONS.get(event.TYPE) != event.VERSION:
            raise ValueError(f"{event.TYPE} v{event.VERSION} is not the version this service writes")
        return cls(event.TYPE, occurred_on, event.payload(), subjects)

    @property
    def schema_version(self) -> int:
        return self.SCHEMA_VERSIONS[self.type]

    def new_event(self, event_id: uuid.UUID, metadata: Metadata) -> NewEvent:
        """The envelope to append: the draft with its id and the metadata of what caused it."""
        return NewEvent(
            event_id=event_id, type=self.type, schema_version=self.schema_version, occurred_on=self.occurred_on,
            subjects=tuple(Subject(id=subject, role=role) for subject, role in self.subjects),
            payload=self.payload, metadata=metadata,
        )


def subject_with_role(event: NewEvent, role: str) -> str:
    """The id of the event's subject in `role`; failing that its first subject (a consumer reads what the
    producer named, whatever the role's spelling)."""
    for subject in event.subjects:
        if subject.role == role:
            return subject.id
    if event.subjects:
        return event.subjects[0].id
    raise ValueError(f"{event.type} {event.event_id} names no subject")
