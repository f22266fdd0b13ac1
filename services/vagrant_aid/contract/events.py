"""The vagrant aid service's events (exchange `vagrant_aid.events`, routing key = type), one frozen model
per type and schema version. The person is `{id: ID number or TMP-…, role: "person"}`.

Stored history is never rewritten: an old payload is upcast at the dict boundary (`UPCASTERS`) and
parsed into the current model (`CATALOGUE.parse`). Fields are only ever added within a version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from shared.reference.events import EventCatalogue, EventModel, EventPart, Upcasters


class AidRefused(EventModel):
    """V-1: aid refused at intake, with the reason. Subjects: person."""

    TYPE = "vagrant_aid.AidRefused"

    refusal_id: str
    station: str
    station_division: str
    refused_on: dt.date
    source: str
    reason: str | None = None
    detail: str | None = None
    id_number: str | None = None
    name: str | None = None
    sex: str | None = None
    estimated_age: int | None = None
    description: str | None = None


class FamilySearchStepRecorded(EventModel):
    """V-6: a step of the search for the person's family. Subjects: person."""

    TYPE = "vagrant_aid.FamilySearchStepRecorded"

    case_id: str
    step: str
    detail: str | None = None
    at: dt.datetime
    on: dt.date


class HospitalReferred(EventModel):
    """V-3: the person referred to hospital. Subjects: person."""

    TYPE = "vagrant_aid.HospitalReferred"

    case_id: str
    station: str
    reasons: tuple[str, ...] | None = None
    referred_on: dt.date


class MinorReferred(EventModel):
    """V-7: a minor referred to child welfare under temporary state guardianship. Subjects: child."""

    TYPE = "vagrant_aid.MinorReferred"

    case_id: str
    station: str
    station_division: str
    referred_on: dt.date
    identified: bool
    birth_date: dt.date | None = None
    sex: str | None = None
    guardianship: str
    estimated_age: int | None = None


class PersonExited(EventModel):
    """V-8: the person left the station (departure, collected, escorted, transferred, absconded, terminated, died).
    Subjects: person."""

    TYPE = "vagrant_aid.PersonExited"

    case_id: str
    station: str
    station_division: str
    kind: str
    exited_on: dt.date
    identified: bool
    minor: bool
    sex: str | None = None
    birth_date: dt.date | None = None
    returned_home: bool | None = None
    destination_division: str | None = None
    handed_to: str | None = None
    temporary_id: str | None = None
    estimated_age: int | None = None
    collected_by: str | None = None
    relation: str | None = None
    transferred_to: str | None = None
    institution: str | None = None
    reason: str | None = None
    declaration_signed: bool | None = None
    died_on: dt.date | None = None
    place_division: str | None = None
    natural: bool | None = None
    certificate_no: str | None = None
    issuer: str | None = None
    police_case: str | None = None


class PersonIdentified(EventModel):
    """V-2: a person known under a temporary id identified by an ID number. Subjects: identified, temporary."""

    TYPE = "vagrant_aid.PersonIdentified"

    case_id: str
    station: str
    temporary_id: str
    id_number: str
    method: str
    identified_on: dt.date
    birth_date: dt.date | None = None
    sex: str | None = None
    minor: bool


class PersonSettled(EventModel):
    """V-9: a stranded person settled in a household with a new ID number. Subjects: settled, temporary."""

    TYPE = "vagrant_aid.PersonSettled"

    case_id: str
    station: str
    temporary_id: str
    id_number: str
    settled_on: dt.date
    household_division: str
    birth_date: dt.date | None = None


class PersonTakenIn(EventModel):
    """V-1: a person taken in at a relief station. Subjects: person."""

    TYPE = "vagrant_aid.PersonTakenIn"

    case_id: str
    station: str
    station_division: str
    station_tier: str
    arrived_at: dt.datetime
    arrived_on: dt.date
    source: str
    identified: bool
    minor: bool
    birth_date: dt.date | None = None
    sex: str | None = None
    flags: tuple[str, ...]
    id_number: str | None = None
    consent: bool
    speaks_for_self: bool
    belongings: tuple[dict[str, Any], ...]
    relatives: tuple[dict[str, Any], ...]
    estimated_age: int | None = None
    temporary_id: str | None = None
    reason: str | None = None
    name: str | None = None
    description: str | None = None
    source_detail: str | None = None


class ServiceProvided(EventModel):
    """V-4: a service provided during the stay. Subjects: person."""

    TYPE = "vagrant_aid.ServiceProvided"

    case_id: str
    kind: str
    detail: str | None = None
    provided_on: dt.date
    section: str | None = None
    amount: str | None = None


class StaffAlerted(EventModel):
    """D-9: a court declared the person of an open case dead or missing, or a person identified or taken in is
    declared: the station's staff and the registrar are alerted. The case itself is neither closed nor changed
    (aid is for the person present); the person is told only that the court revokes a declaration (Civil Code
    45, 50). Subjects: person."""

    TYPE = "vagrant_aid.StaffAlerted"

    case_id: str
    station: str
    reason: str = Field(description="`court_declaration` (about the person of an open case), "
                                    "`declared_person_identified` (V-6), `declared_person_taken_in` (V-2)")
    declaration_id: str = Field(description="the court declaration (funeral, stream `declaration-<id>`)")
    kind: str = Field(description="`death` or `missing`")
    court: str
    judgment_ref: str = Field(description="the case number (案号)")
    alerted_on: dt.date = Field(description="the day the alert was raised")


class CaseReopened(EventModel):
    """D-11: the death that closed the case (exit `died`) was withdrawn as registered in error: the person
    lives, so the case is open again for the station's staff to settle how it ends. Subjects: person."""

    TYPE = "vagrant_aid.CaseReopened"

    case_id: str = Field(description="the relief case")
    station: str = Field(description="the station whose case it is")
    reason: str = Field(description="`death_withdrawn`")
    death_id: str = Field(description="the withdrawn death (funeral, stream `death-<id>`)")
    document_ref: str = Field(description="the document the withdrawal rests on")
    previous_exit: dict[str, Any] = Field(description="the exit the case had, as recorded")
    reopened_on: dt.date = Field(description="the withdrawal's date")


class StationRegistered(EventModel):
    """V-1: a relief station or township aid point registered."""

    TYPE = "vagrant_aid.StationRegistered"

    code: str
    tier: str
    division: str
    name: str | None = None
    parent: str | None = None
    registered_on: dt.date


class StayExtended(EventModel):
    """V-5: the stay extended beyond its limit, with the reason. Subjects: person."""

    TYPE = "vagrant_aid.StayExtended"

    case_id: str
    until: dt.date
    reason: str | None = None
    filed_on: dt.date
    previous_last_day: dt.date | None = None


class WatchListEntryAddedContacts(EventPart):
    """One item of `WatchListEntryAddedContacts`."""

    name: str | None = None
    relation: str | None = None
    phone: str | None = None


class WatchListEntryAdded(EventModel):
    """V-10: a person prone to getting lost added to the watch list. Subjects: watched."""

    TYPE = "vagrant_aid.WatchListEntryAdded"

    entry_id: str
    id_number: str | None = None
    name: str | None = None
    sex: str | None = None
    birth_date: dt.date | None = None
    birth_year: int | None = None
    condition: str | None = None
    description: str | None = None
    contacts: tuple[WatchListEntryAddedContacts, ...] | None = None
    registered_by: str
    registered_on: dt.date


# Steps from an old payload shape to the next (`@UPCASTERS.register(type, from_version)`); none yet.
UPCASTERS = Upcasters()

CATALOGUE = EventCatalogue(
    "vagrant_aid",
    (
        AidRefused,
        CaseReopened,
        FamilySearchStepRecorded,
        HospitalReferred,
        MinorReferred,
        PersonExited,
        PersonIdentified,
        PersonSettled,
        PersonTakenIn,
        ServiceProvided,
        StaffAlerted,
        StationRegistered,
        StayExtended,
        WatchListEntryAdded,
    ),
    UPCASTERS,
)
