"""Adoption's unit of work: the shared machinery (`shared.unit_of_work`) with the adoption read models and
the loaders of an adoption and a notice. See the shared module for ids, replays and lost races."""

from __future__ import annotations

from typing import ClassVar

from services.adoption.adapters.read_models import Inline
from services.adoption.domain.events import adoption_stream, application_stream, assessment_stream, notice_stream
from services.adoption.domain.state import (
    Adoption,
    Application,
    Assessment,
    Notice,
    fold,
    fold_application,
    fold_assessment,
    fold_notice,
)
from shared import unit_of_work
from shared.envelope import Event
from shared.errors import NotFound
from shared.unit_of_work import valid_id

EventIds = unit_of_work.EventIds.of("adoption")


class UnitOfWork(unit_of_work.UnitOfWork):
    MOST_EVENTS_PER_COMMAND: ClassVar[int] = 3  # a sealed registration: registered, sealed, placed
    read_models = Inline
    read: Inline

    def adoption(self, adoption_id: str) -> tuple[list[Event], Adoption]:
        history = self.store.read_stream(adoption_stream(valid_id(adoption_id, "adoption")), tx=self.tx)
        adoption = fold(history)
        if adoption is None:
            raise NotFound(f"no adoption {adoption_id}")
        return history, adoption

    def application(self, application_id: str) -> Application:
        application = fold_application(self.store.read_stream(
            application_stream(valid_id(application_id, "application")), tx=self.tx))
        if application is None:
            raise NotFound(f"no application {application_id}")
        return application

    def named_application(self, application_id: str | None) -> dict | None:
        """A-12: the application a registration or dissolution says it decides (404 if there is none)."""
        if application_id is None:
            return None
        found = self.read.application(valid_id(application_id, "application"))
        if found is None:
            raise NotFound(f"no application {application_id}")
        return found

    def assessment(self, assessment_id: str) -> Assessment:
        assessment = fold_assessment(self.store.read_stream(
            assessment_stream(valid_id(assessment_id, "assessment")), tx=self.tx))
        if assessment is None:
            raise NotFound(f"no assessment {assessment_id}")
        return assessment

    def notice(self, notice_id: str) -> Notice:
        notice = fold_notice(self.store.read_stream(notice_stream(valid_id(notice_id, "notice")), tx=self.tx))
        if notice is None:
            raise NotFound(f"no notice {notice_id}")
        return notice
