"""Marriage's unit of work: the shared machinery (`shared.unit_of_work`) with marriage's read models and the
loaders of its streams (marriages, divorces, appointments). See the shared module for ids, replays and lost
races.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import psycopg

from services.marriage.adapters.read_models import ReadModels, registration_violation
from services.marriage.domain import appointments, divorce, marriage
from services.marriage.domain.events import MARRIAGE_REGISTERED, appointment_stream, divorce_stream, marriage_stream
from shared import unit_of_work
from shared.envelope import Draft, Event
from shared.eventstore.base import NO_STREAM
from shared.unit_of_work import ATTEMPTS, new_events

__all__ = ["ATTEMPTS", "EventIds", "UnitOfWork", "attempt", "execute", "new_events"]


EventIds = unit_of_work.EventIds.of("marriage")


class UnitOfWork(unit_of_work.UnitOfWork):
    MOST_EVENTS_PER_COMMAND: ClassVar[int] = 4
    read_models = ReadModels
    read: ReadModels

    def record_registration(self, stream_id: str, drafts: Sequence[Draft],
                            copies: Sequence[tuple[str, str, str]]) -> list[Event]:
        """`record` for a new registration, with its copies' codes (number, holder, code hash): the append, the
        read models and the codes in one statement — a registration's hot path (docs/benchmarks.md, "Where a
        registration's time goes"). A stream that exists already is a `ConcurrencyConflict` (decided again:
        the replay check answers a retried command); a violated rule is its refusal, as `record`'s."""
        try:
            return self.record(stream_id, drafts, NO_STREAM, along=self.read.registration_along(copies),
                               projected={MARRIAGE_REGISTERED})
        except psycopg.errors.UniqueViolation as exc:
            raise registration_violation(exc) from None

    def marriage(self, registration_id: str) -> marriage.MarriageState | None:
        return marriage.fold(self.store.read_stream(marriage_stream(registration_id), tx=self.tx))

    def divorce(self, divorce_id: str) -> divorce.DivorceState | None:
        return divorce.fold(self.store.read_stream(divorce_stream(divorce_id), tx=self.tx))

    def appointment(self, appointment_id: str) -> appointments.Appointment | None:
        return appointments.fold(self.store.read_stream(appointment_stream(appointment_id), tx=self.tx))


execute = UnitOfWork.execute
attempt = UnitOfWork.attempt
