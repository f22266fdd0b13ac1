"""The state of one adoption (stream `adoption-<id>`), of one assessment (`assessment-<id>`) and of one
foundling notice (`notice-<id>`), folded from their events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from services.adoption.contract import events as contract
from shared.reference.events import Recorded


@dataclass(frozen=True)
class Adoption:
    adoption_id: str
    office: str
    registered_on: dt.date
    child: contract.Person
    adopters: tuple[contract.Person, ...]
    sealed: bool
    relation: str
    certificates: tuple[contract.Certificate, ...]
    placing_party: contract.Placing | None = None
    requested_by: str | None = None
    status: str = "registered"  # registered | dissolved | void
    dissolution: dict[str, Any] | None = None
    revocation: dict[str, Any] | None = None
    invalid_certificates: tuple[str, ...] = ()
    version: int = 0

    @property
    def in_force(self) -> bool:
        return self.status == "registered"


def fold(events: Iterable[Recorded]) -> Adoption | None:
    state: Adoption | None = None
    for number, event in enumerate(events, start=1):
        state = evolve(state, contract.CATALOGUE.read(event))
        if state is not None:
            state = replace(state, version=getattr(event, "stream_version", number))
    return state


def evolve(state: Adoption | None, event: Any) -> Adoption | None:
    match event:
        case contract.AdoptionRegistered():
            return Adoption(event.adoption_id, event.office, event.registered_on, event.child, event.adopters,
                            event.sealed, event.relation, event.certificates, event.placing_party)
        case contract.AdoptionSealed() if state is not None:
            return replace(state, placing_party=event.placing_party, requested_by=event.requested_by)
        case contract.AdoptionDissolved() if state is not None:
            return replace(state, status="dissolved", certificates=state.certificates + event.certificates,
                           invalid_certificates=state.invalid_certificates + event.invalidated,
                           dissolution={"by": event.by, "dissolved_on": event.dissolved_on,
                                        "document_ref": event.document_ref, "office": event.office or state.office,
                                        "birth_relations_revived": event.birth_relations_revived,
                                        "birth_parents": [b.model_dump() for b in event.birth_parents]})
        case contract.AdoptionRevoked() if state is not None:
            return replace(state, status="void", invalid_certificates=state.invalid_certificates + event.invalidated,
                           revocation={"by": event.by, "revoked_on": event.revoked_on,
                                       "document_ref": event.document_ref, "reason": event.reason})
    return state


@dataclass(frozen=True)
class Application:
    """A-12: an application and its decision (`registered`, `dissolved`, `refused`; None while open)."""

    received: contract.ApplicationReceived
    decided_on: dt.date | None = None
    outcome: str | None = None
    version: int = 0


def fold_application(events: Iterable[Recorded]) -> Application | None:
    application: Application | None = None
    for number, event in enumerate(events, start=1):
        match contract.CATALOGUE.read(event):
            case contract.ApplicationReceived() as received:
                application = Application(received)
            case contract.ApplicationRefused() as refused if application is not None:
                application = replace(application, decided_on=refused.refused_on, outcome="refused")
        if application is not None:
            application = replace(application, version=getattr(event, "stream_version", number))
    return application


@dataclass(frozen=True)
class Assessment:
    """A-10: an assessment from the adopters' consent (if recorded) to its report (`outcome`, `assessed_on`)."""

    assessment_id: str
    adopters: tuple[contract.Person, ...]
    assessor: str
    office: str | None
    consented_on: dt.date | None = None
    living_together: tuple[dt.date, dt.date | None] | None = None
    outcome: str | None = None
    assessed_on: dt.date | None = None
    report_ref: str | None = None
    version: int = 0

    @property
    def reported(self) -> bool:
        return self.outcome is not None


def fold_assessment(events: Iterable[Recorded]) -> Assessment | None:
    assessment: Assessment | None = None
    for number, event in enumerate(events, start=1):
        match contract.CATALOGUE.read(event):
            case contract.AssessmentConsented() as e:
                assessment = Assessment(e.assessment_id, e.adopters, e.assessor, e.office, e.consented_on)
            case contract.LivingTogetherRecorded() as e if assessment is not None:
                assessment = replace(assessment, living_together=(e.started_on, e.ended_on))
            case contract.AssessmentRecorded() as e:
                opened = assessment or Assessment(e.assessment_id, e.adopters, e.assessor, e.office)
                assessment = replace(opened, assessor=e.assessor, outcome=e.outcome, assessed_on=e.assessed_on,
                                     report_ref=e.report_ref, consented_on=e.consented_on or opened.consented_on)
        if assessment is not None:
            assessment = replace(assessment, version=getattr(event, "stream_version", number))
    return assessment


@dataclass(frozen=True)
class Notice:
    notice_id: str
    office: str
    child_id_number: str
    published_on: dt.date
    runs_until: dt.date
    claimed_on: dt.date | None = None
    version: int = 0

    def status(self, today: dt.date) -> str:
        if self.claimed_on is not None:
            return "claimed"
        return "running" if today < self.runs_until else "ended"


def fold_notice(events: Iterable[Recorded]) -> Notice | None:
    notice: Notice | None = None
    for number, event in enumerate(events, start=1):
        match contract.CATALOGUE.read(event):
            case contract.FoundlingNoticePublished() as published:
                notice = Notice(published.notice_id, published.office, published.child.id_number,
                                published.published_on, published.runs_until)
            case contract.FoundlingClaimed() as claimed if notice is not None:
                notice = replace(notice, claimed_on=claimed.claimed_on)
        if notice is not None:
            notice = replace(notice, version=getattr(event, "stream_version", number))
    return notice
