"""What every use case gets besides its command: who acts, the time, the event metadata and the
idempotency key from which retried commands derive the same ids (so that a retry writes nothing new)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from services.vagrant_aid.domain.decide import Clock
from services.vagrant_aid.domain.events import Draft
from shared.actor import Actor
from shared.business_dates import local_today
from shared.envelope import Metadata, NewEvent, derived_event_id
from shared.errors import Refusal

SERVICE = "vagrant_aid"
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class CommandContext:
    actor: Actor
    clock: Clock
    metadata: Metadata = Metadata()  # frozen: one shared default is harmless
    idempotency_key: str | None = None

    @classmethod
    def now(cls, actor: Actor, metadata: Metadata | None = None, idempotency_key: str | None = None,
            at: dt.datetime | None = None) -> CommandContext:
        at = at or dt.datetime.now(dt.UTC)
        return cls(actor, Clock(now=at, today=local_today(at)), metadata or Metadata(), idempotency_key)

    def derived_id(self, *purpose: object) -> uuid.UUID:
        """Derived from the idempotency key when there is one (the same on a retry), else random."""
        if self.idempotency_key is None:
            return uuid.uuid4()
        return derived_event_id(SERVICE, self.actor.name, self.idempotency_key, *purpose)

    def event_ids(self, count: int) -> list[uuid.UUID]:
        return [self.derived_id("event", n) for n in range(count)]

    def new_events(self, drafts: Sequence[Draft]) -> list[NewEvent]:
        return [
            NewEvent(event_id=event_id, type=d.type, occurred_on=d.occurred_on, subjects=d.subjects,
                     payload=d.payload, metadata=self.metadata)
            for event_id, d in zip(self.event_ids(len(drafts)), drafts, strict=True)
        ]


def parse(model: type[M] | TypeAdapter[Any], data: Any) -> Any:
    """The command from its RPC arguments; a schema break is 422 `validation_failed`, field by field."""
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_python(data)
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{"loc": ["body", *error["loc"]], "msg": error["msg"]}
                  for error in exc.errors(include_url=False, include_input=False, include_context=False)]
        raise Refusal("validation_failed", "the command does not match the schema", errors=errors[:20]) from None


