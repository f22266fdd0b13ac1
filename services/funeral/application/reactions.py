"""Reactions to the relief stations' events (docs/events.md, vagrant_aid contracts).

* `vagrant_aid.PersonExited` with kind `died` (V-8): a person died in a station's care. The funeral service
  opens the death record at the funeral home that serves relief-station deaths; a person the station knew
  only under its temporary id keeps that id as the subject and goes through the unidentified-body procedure
  (F-6: claim notice, police approval, ashes under a number). Other kinds of exit concern nobody here.
* `vagrant_aid.PersonIdentified`: a person the station knew under a temporary id was identified. If that
  person's body is in our care unidentified, the identification is recorded here too (`BodyIdentified`),
  so that the death record follows the person.

Both arrive through one subscription, so that the station's events of one case are applied in their order
(an identification after the death finds the record the death opened). Each reaction is a command whose
events carry the triggering event as causation id and take their ids from it: applied twice, written once.
A death the person already has (registered by a funeral home first) is not registered again.
"""

from __future__ import annotations

import datetime as dt

from services.funeral.application.unit_of_work import EventIds, UnitOfWork
from services.funeral.contract.commands import IdentifyBody, OpenReliefStationDeath
from services.funeral.contract.refusals import ALREADY_DECEASED
from services.funeral.domain import rules
from services.funeral.domain.events import death_stream
from services.funeral.domain.registration import decide_identification, decide_relief_station_death
from services.vagrant_aid.contract import events as relief
from shared.actor import Actor
from shared.envelope import Event, Metadata, subject_with_role
from shared.errors import Refusal
from shared.logging import get_logger
from shared.reference.places import parse_place

log = get_logger(__name__)

RELIEF_EVENT_TYPES = (relief.PersonExited.TYPE, relief.PersonIdentified.TYPE)
SYSTEM = Actor.system("funeral.reaction")


def ids_for(event: Event) -> EventIds:
    return EventIds.for_reaction(event.type, event.event_id)


def metadata_for(event: Event, base: Metadata, funeral_home: str | None) -> Metadata:
    """The station's actor stays the actor of record; the cause is the station's event."""
    return base.model_copy(update={"actor": event.metadata.actor or SYSTEM.name, "office": funeral_home,
                                   "causation_id": str(event.event_id)})


def react(uow: UnitOfWork, event: Event, funeral_home: str, today: dt.date) -> None:
    """The relief event, read through the vagrant aid service's contract models."""
    match relief.CATALOGUE.read(event):
        case relief.PersonExited(kind="died") as exited:
            open_relief_station_death(uow, event, exited, funeral_home, today)
        case relief.PersonIdentified() as identified:
            identify_from_relief_station(uow, event, identified, today)


def open_relief_station_death(uow: UnitOfWork, event: Event, exited: relief.PersonExited, funeral_home: str,
                              today: dt.date) -> None:
    subject = subject_with_role(event, "person")
    if uow.replayed() or uow.read.death_of_relief_case(exited.case_id):
        return
    if uow.read.death_of(subject) is not None:
        log.warning("relief-station death of a person whose death is registered already; not registered again",
                    case_id=exited.case_id, event_id=str(event.event_id))
        return
    command = OpenReliefStationDeath(
        subject_id=subject, relief_case_id=exited.case_id, station=exited.station,
        died_on=exited.died_on or exited.exited_on,
        place_division=exited.place_division or parse_place(exited.station).division,
        natural=True if exited.natural is None else exited.natural, certificate_no=exited.certificate_no,
        issuer=exited.issuer, police_case=exited.police_case, funeral_home=funeral_home,
    )
    death_id = uow.ids.resource("death")
    drafts = decide_relief_station_death(command, today, death_id, already_deceased=False,
                                         declared=uow.read.standing_death_declaration(subject))
    uow.record(death_stream(death_id), drafts, 0)


def identify_from_relief_station(uow: UnitOfWork, event: Event, identified: relief.PersonIdentified,
                                 today: dt.date) -> None:
    temporary = identified.temporary_id
    death_id = uow.read.death_of(temporary)
    record = uow.death(death_id) if death_id else None
    if record is None or record.identified or uow.replayed():
        return  # the person is not dead in our care, or the body is identified already
    command = IdentifyBody(id_number=identified.id_number,
                           method=identified.method if identified.method in _METHODS else "other",
                           identified_on=identified.identified_on)
    try:
        person = rules.check_id_number(command.id_number, today)
        drafts = decide_identification(record, command, SYSTEM, today, uow.read.death_of(person.value) is not None,
                                       uow.read.standing_death_declaration(person.value))
    except Refusal as refusal:
        if refusal.code != ALREADY_DECEASED:
            raise
        log.warning("identified person has another death record; left for staff to correct",
                    death_id=record.death_id, event_id=str(event.event_id))
        return
    uow.record(death_stream(record.death_id), drafts, record.version)


_METHODS = frozenset({"dna", "fingerprint", "family_recognition", "documents", "police", "other"})


