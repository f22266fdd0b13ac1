"""Event contracts as types: the base of every event model, upcasting, and a service's event catalogue.

Each service declares, in its `contract/events.py`, one frozen pydantic model per event type and schema
version (`TYPE = "marriage.MarriageRegistered"`, `VERSION = 1`). Stored history is never rewritten: an old
payload is upcast at the dict boundary, step by step (`Upcasters`), and then parsed into the model of the
current version (`EventCatalogue.parse`). Contract modules may import this one (it is pure: pydantic and the
standard library), so producers, consumers, the docs and the AsyncAPI document share one definition.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

Payload = dict[str, Any]
Step = Callable[[Payload], Payload]


class EventModel(BaseModel):
    """The payload of one event type at one schema version. Fields are only ever added within a version;
    anything else is a new version with an upcaster from the old one."""

    # Validators are built at a model's first use, not at import: a process validates few of the city's event
    # types (the marriage import none), and building them all was about a tenth of every CLI command's start
    # (0.543 → 0.478 s of CPU to the import's first batch, best of eight; issue 19).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    def payload(self) -> Payload:
        """The JSON payload as stored and published: only the fields the producer set (an absent optional
        field stays absent, as it always was on the wire)."""
        return self.model_dump(mode="json", exclude_unset=True)


class EventPart(BaseModel):
    """A structured value inside an event payload (a party, a certificate): frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # as EventModel's


class Upcasters:
    """A registry of upcasting steps: `(event type, from version) → payload function`. Reading applies the
    steps in turn, so an event stored as version 1 reaches a consumer as version 3 without its row changing."""

    def __init__(self) -> None:
        self._steps: dict[tuple[str, int], Step] = {}

    def register(self, event_type: str, from_version: int) -> Callable[[Step], Step]:
        def decorator(step: Step) -> Step:
            key = (event_type, from_version)
            if key in self._steps:
                raise ValueError(f"upcaster for {event_type} v{from_version} already registered")
            self._steps[key] = step
            return step

        return decorator

    def upcasts(self, event_type: str, schema_version: int) -> bool:
        """Whether an event of this type stored at this version is read in another shape (`upcast`)."""
        return (event_type, schema_version) in self._steps

    def upcast(self, event_type: str, schema_version: int, payload: Payload) -> tuple[int, Payload]:
        while (step := self._steps.get((event_type, schema_version))) is not None:
            payload = step(dict(payload))
            schema_version += 1
        return schema_version, payload


NO_UPCASTING = Upcasters()


class Recorded(Protocol):
    """Anything that carries an event: a stored or received envelope, a decision's draft, a timeline entry.
    Subjects are `Subject` objects or `(id, role)` pairs; a missing `schema_version` means the current one."""

    type: str
    payload: Mapping[str, Any]
    subjects: Any


def subject_pairs(event: Recorded) -> tuple[tuple[str, str], ...]:
    """The event's subjects as `(id, role)` pairs, whichever form it carries them in."""
    return tuple(s if isinstance(s, tuple) else (s.id, s.role) for s in event.subjects)


class UnknownEventType(LookupError):
    """An event type or version no model describes."""


class EventCatalogue:
    """A service's event models: every (type, version) it ever wrote, the current version of each type, and
    the upcasters between them."""

    def __init__(self, service: str, models: Iterable[type[EventModel]], upcasters: Upcasters | None = None,
                 description: str = "") -> None:
        self.service = service
        self.description = description
        self.upcasters = upcasters or Upcasters()
        self.models: dict[tuple[str, int], type[EventModel]] = {}
        for model in models:
            if not model.TYPE.startswith(f"{service}."):
                raise ValueError(f"{model.TYPE} is not an event type of {service}")
            if (model.TYPE, model.VERSION) in self.models:
                raise ValueError(f"two models for {model.TYPE} v{model.VERSION}")
            self.models[(model.TYPE, model.VERSION)] = model
        self.current: dict[str, type[EventModel]] = {}
        for (event_type, _version), model in sorted(self.models.items()):
            self.current[event_type] = model  # sorted: the highest version wins

    @property
    def schema_versions(self) -> Mapping[str, int]:
        """Event type -> the version it is written at today."""
        return {event_type: model.VERSION for event_type, model in self.current.items()}

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(self.current)

    def parse(self, event_type: str, schema_version: int, payload: Mapping[str, Any]) -> EventModel:
        """The current model of a payload stored or received at any version (upcast first). A reader passes
        over top-level fields its models do not know: fields are only ever added within a version, so a
        consumer built on an older contract keeps reading a newer producer's events."""
        if event_type not in self.current:
            raise UnknownEventType(f"no model for {event_type}")
        version, upcast = self.upcasters.upcast(event_type, schema_version, dict(payload))
        model = self.current[event_type]
        if version != model.VERSION:
            raise UnknownEventType(f"{event_type} v{schema_version} does not upcast to v{model.VERSION}")
        return model.model_validate({name: value for name, value in upcast.items() if name in model.model_fields})

    def read(self, event: Recorded) -> EventModel:
        """The current model of a recorded event (envelope, draft or timeline entry)."""
        model = self.current.get(event.type)
        if model is None:
            raise UnknownEventType(f"no model for {event.type}")
        return self.parse(event.type, getattr(event, "schema_version", None) or model.VERSION, event.payload)

    def about(self, ids: Collection[str], events: Iterable[Recorded]) -> Iterator[tuple[EventModel, set[str]]]:
        """This catalogue's events among `events` that name one of `ids`, as current models, each with the
        roles those ids have in it (other services' events and other persons' are passed over)."""
        for event in events:
            if event.type in self.current:
                roles = {role for subject, role in subject_pairs(event) if subject in ids}
                if roles:
                    yield self.read(event), roles
