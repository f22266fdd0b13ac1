"""Reactions to the funeral service's court declarations (D-9).

A declaration of death or disappearance about a person with an open relief case alerts the station's staff
(and, through the event, the registrar): `vagrant_aid.StaffAlerted` on each open case. The case is neither
closed nor changed — aid is for the person present. The alert's event id derives from the declaration's
event and the case, so a redelivery writes nothing (the subscription also dedupes by event id).
"""

from __future__ import annotations

from services.funeral.contract import events as funeral
from services.vagrant_aid.application.unit_of_work import EventIds, UnitOfWork, attempt
from services.vagrant_aid.contract import events as contract
from services.vagrant_aid.domain.events import Draft, case_stream
from shared.business_dates import LOCAL_TIME_ZONE
from shared.envelope import Event, Metadata, subject_with_role
from shared.eventstore.base import EventStore

FUNERAL_EVENT_TYPES = (funeral.CourtDeclarationRecorded.TYPE,)


def metadata_for(event: Event, base: Metadata) -> Metadata:
    return base.model_copy(update={"actor": event.metadata.actor or "vagrant_aid.reaction", "office": None,
                                   "causation_id": str(event.event_id)})


def react(store: EventStore, tx: object, event: Event, base: Metadata) -> None:
    declared = funeral.CATALOGUE.read(event)
    if not isinstance(declared, funeral.CourtDeclarationRecorded):
        return
    person = subject_with_role(event, "declared")
    metadata = metadata_for(event, base)
    lookup = EventIds.for_reaction(event.type, event.event_id, "lookup")
    cases = attempt(store, tx, metadata, lookup, lambda uow: uow.models.open_cases_of(person, uow.tx))
    for case_id in cases:
        ids = EventIds.for_reaction(event.type, event.event_id, f"case:{case_id}")
        attempt(store, tx, metadata, ids, lambda uow, case_id=case_id: alert(uow, case_id, person, declared, event))


def alert(uow: UnitOfWork, case_id: str, person: str, declared: funeral.CourtDeclarationRecorded,
          event: Event) -> None:
    """D-9: one alert on the open case; none when it is closed meanwhile or the alert was written already."""
    if uow.replayed():
        return
    _, case = uow.case(case_id)
    if not case.is_open:
        return
    on = event.recorded_at.astimezone(LOCAL_TIME_ZONE).date()
    alerted = contract.StaffAlerted(case_id=case_id, station=case.station, reason="court_declaration",
                                    declaration_id=declared.declaration_id, kind=declared.kind, court=declared.court,
                                    judgment_ref=declared.judgment_ref, alerted_on=on)
    uow.record(case_stream(case_id), [Draft.of(alerted, alerted.alerted_on, ((person, "person"),))], case.version)
