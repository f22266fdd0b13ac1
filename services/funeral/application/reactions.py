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
from services.funeral.domain import rules
from services.funeral.domain.events import death_stream
from services.funeral.domain.registration import decide_identification, decide_relief_station_death
from shared.actor import Actor
from shared.business_dates import day_of
from shared.envelope import Event, Metadata, subject_with_role
from shared.errors import Refusal
from shared.logging import get_logger
from shared.reference.places import parse_place

log = get_logger(__name__)

PERSON_EXITED = "vagrant_aid.PersonExited"
PERSON_IDENTIFIED = "vagrant_aid.PersonIdentified"
RELIEF_EVENT_TYPES = (PERSON_EXITED, PERSON_IDENTIFIED)
SYSTEM = Actor.system("funeral.reaction")


def ids_for(event: Event) -> EventIds:
    return EventIds.for_reaction(event.type, event.event_id)


def metadata_for(event: Event, base: Metadata, funeral_home: str | None) -> Metadata:
    """The station's actor stays the actor of record; the cause is the station's event."""
    return base.model_copy(update={"actor": event.metadata.actor or SYSTEM.name, "office": funeral_home,
                                   "causation_id": str(event.event_id)})


def react(uow: UnitOfWork, event: Event, funeral_home: str, today: dt.date) -> None:
    if event.type == PERSON_EXITED:
        open_relief_station_death(uow, event, funeral_home, today)
    elif event.type == PERSON_IDENTIFIED:
        identify_from_relief_station(uow, event, today)


def open_relief_station_death(uow: UnitOfWork, event: Event, funeral_home: str, today: dt.date) -> None:
    payload = event.payload
    if payload.get("kind") != "died":
        return
    subject = subject_with_role(event, "person")
    if uow.replayed() or uow.read.death_of_relief_case(str(payload.get("case_id"))):
        return
    if uow.read.death_of(subject) is not None:
        log.warning("relief-station death of a person whose death is registered already; not registered again",
                    case_id=payload.get("case_id"), event_id=str(event.event_id))
        return
    station = str(payload.get("station"))
    command = OpenReliefStationDeath(
        subject_id=subject, relief_case_id=str(payload.get("case_id")), station=station,
        died_on=day_of(payload.get("died_on") or payload.get("exited_on")),
        place_division=payload.get("place_division") or parse_place(station).division,
        natural=payload.get("natural", True), certificate_no=payload.get("certificate_no"),
        issuer=payload.get("issuer"), police_case=payload.get("police_case"), funeral_home=funeral_home,
    )
    death_id = uow.ids.resource("death")
    drafts = decide_relief_station_death(command, today, death_id, already_deceased=False)
    uow.record(death_stream(death_id), drafts, 0)


def identify_from_relief_station(uow: UnitOfWork, event: Event, today: dt.date) -> None:
    payload = event.payload
    temporary = str(payload.get("temporary_id") or subject_with_role(event, "temporary"))
    death_id = uow.read.death_of(temporary)
    record = uow.death(death_id) if death_id else None
    if record is None or record.identified or uow.replayed():
        return  # the person is not dead in our care, or the body is identified already
    method = payload.get("method")
    command = IdentifyBody(id_number=str(payload.get("id_number")),
                           method=method if method in _METHODS else "other",
                           identified_on=day_of(payload.get("identified_on")) if payload.get("identified_on") else None)
    try:
        person = rules.check_id_number(command.id_number, today)
        drafts = decide_identification(record, command, SYSTEM, today, uow.read.death_of(person.value) is not None)
    except Refusal as refusal:
        if refusal.code != "already_deceased":
            raise
        log.warning("identified person has another death record; left for staff to correct",
                    death_id=record.death_id, event_id=str(event.event_id))
        return
    uow.record(death_stream(record.death_id), drafts, record.version)


_METHODS = frozenset({"dna", "fingerprint", "family_recognition", "documents", "police", "other"})


