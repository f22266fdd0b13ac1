"""Reactions to the funeral service's court declarations (D-9) and withdrawn deaths (D-11).

A declaration of death or disappearance about a person with an open relief case alerts the station's staff
(and, through the event, the registrar): `vagrant_aid.StaffAlerted` on each open case. The case is neither
closed nor changed — aid is for the person present. The declaration is also kept (`declared_persons`) until it
is revoked or superseded, so that identifying a declared person or taking one in alerts the staff too
(handlers.py). A death the funeral service withdraws as registered in error (D-11) reopens the relief case it
closed (exit `died`). Event ids derive from the funeral event and the case, so a redelivery writes nothing
(the subscription also dedupes by event id).
"""

from __future__ import annotations

from services.funeral.contract import events as funeral
from services.vagrant_aid.application.unit_of_work import EventIds, UnitOfWork, attempt
from services.vagrant_aid.domain import declarations
from services.vagrant_aid.domain.events import case_stream
from shared.business_dates import LOCAL_TIME_ZONE
from shared.envelope import Event, Metadata, subject_with_role
from shared.errors import NotFound
from shared.eventstore.base import EventStore
from shared.logging import get_logger

log = get_logger(__name__)

FUNERAL_EVENT_TYPES = (funeral.CourtDeclarationRecorded.TYPE, funeral.CourtDeclarationRevoked.TYPE,
                       funeral.DeathWithdrawn.TYPE)


def metadata_for(event: Event, base: Metadata) -> Metadata:
    return base.model_copy(update={"actor": event.metadata.actor or "vagrant_aid.reaction", "office": None,
                                   "causation_id": str(event.event_id)})


def react(store: EventStore, tx: object, event: Event, base: Metadata) -> None:
    read = funeral.CATALOGUE.read(event)
    metadata = metadata_for(event, base)
    if isinstance(read, funeral.DeathWithdrawn):
        if read.relief_case_id:
            ids = EventIds.for_reaction(event.type, event.event_id, f"case:{read.relief_case_id}")
            attempt(store, tx, metadata, ids, lambda uow: reopen(uow, read))
        return
    if isinstance(read, funeral.CourtDeclarationRevoked):
        ids = EventIds.for_reaction(event.type, event.event_id, "revoked")
        attempt(store, tx, metadata, ids,
                lambda uow: uow.models.end_declaration(read.declaration_id, read.revoked_on, uow.tx))
        return
    if not isinstance(read, funeral.CourtDeclarationRecorded):
        return
    declared, person = read, subject_with_role(event, "declared")
    standing = declarations.Declared(declared.declaration_id, declared.kind, declared.court, declared.judgment_ref)

    def note(uow: UnitOfWork) -> list[str]:
        uow.models.note_declaration(person, standing, uow.tx)
        if declared.supersedes:
            uow.models.end_declaration(declared.supersedes, declared.judgment_on, uow.tx)
        return uow.models.open_cases_of(person, uow.tx)

    cases = attempt(store, tx, metadata, EventIds.for_reaction(event.type, event.event_id, "lookup"), note)
    for case_id in cases:
        ids = EventIds.for_reaction(event.type, event.event_id, f"case:{case_id}")
        attempt(store, tx, metadata, ids, lambda uow, case_id=case_id: alert(uow, case_id, person, standing, event))


def alert(uow: UnitOfWork, case_id: str, person: str, declared: declarations.Declared, event: Event) -> None:
    """D-9: one alert on the open case; none when it is closed meanwhile or the alert was written already."""
    if uow.replayed():
        return
    _, case = uow.case(case_id)
    if not case.is_open:
        return
    on = event.recorded_at.astimezone(LOCAL_TIME_ZONE).date()
    drafts = declarations.decide_alerts(case_id, case.station, person, [declared], declarations.ABOUT_OPEN_CASE, on)
    uow.record(case_stream(case_id), drafts, case.version)


def reopen(uow: UnitOfWork, withdrawn: funeral.DeathWithdrawn) -> None:
    """D-11: the relief case the withdrawn death closed returns to its staff, open again — unless the person
    has an open case at that station meanwhile (one open case per person and station), which they work in."""
    if uow.replayed():
        return
    try:
        _, case = uow.case(withdrawn.relief_case_id)
    except NotFound:  # a relief case id the funeral record carries and no station knows: nothing to reopen
        log.warning("withdrawn death names an unknown relief case", death_id=withdrawn.death_id)
        return
    drafts = declarations.decide_reopening(case, withdrawn.death_id, withdrawn.document_ref, withdrawn.withdrawn_on)
    if not drafts:
        return
    if (other := uow.models.open_case(case.station, case.subject_id)) is not None:
        log.warning("withdrawn death: the person has another open case at the station", case_id=case.case_id,
                    open_case=other)
        return
    uow.record(case_stream(case.case_id), drafts, case.version)
