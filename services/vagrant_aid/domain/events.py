"""The events of relief work: every type this service records, with its payload (all schema version 1).
`?` marks fields present only when known.

Contracts other services react to (docs/events.md; payload fields are only ever added, never renamed),
all in the case's stream `case-<case_id>`:

* `PersonTakenIn` (V-2), subject `person` (ID number or TMP-…): case_id, station, station_division,
  station_tier, arrived_at, arrived_on, source, source_detail?, reason?, identified, minor, birth_date or
  estimated_age, sex, flags, id_number or temporary_id, name?, description?, consent, speaks_for_self,
  belongings, relatives.
* `MinorReferred` (V-7), subject `child`: case_id, station, station_division, referred_on, identified,
  birth_date or estimated_age, sex, guardianship (`temporary_state`).
* `PersonIdentified` (V-6), subjects `temporary` and `identified`: case_id, station, temporary_id,
  id_number, method, identified_on, birth_date, sex, minor, detail?.
* `PersonExited` (V-8), subject `person`: case_id, station, station_division, kind, exited_on, identified,
  minor, sex, returned_home (V-9), temporary_id?, birth_date or estimated_age, detail?; and by kind:
  declaration_signed (self_departure); collected_by?, relation (collected); destination_division,
  handed_to (escorted); transferred_to, institution? (transferred); reason (terminated); died_on,
  place_division, natural, certificate_no, issuer, police_case? (died).
* `PersonSettled` (V-6), subjects `temporary` and `settled`: case_id, station, temporary_id, id_number,
  settled_on, household_division, birth_date.

The service's own record:

* `HospitalReferred` (V-3, `case-<id>`): case_id, station, reasons (the screening flags), referred_on.
* `ServiceProvided` (V-4, `case-<id>`): case_id, kind, detail?, amount? (yuan, two decimals), provided_on,
  section? (lodging: the person's sex).
* `StayExtended` (V-5, `case-<id>`): case_id, until, reason, filed_on, previous_last_day.
* `FamilySearchStepRecorded` (V-6, `case-<id>`): case_id, step, detail?, at, on.
* `StaffAlerted` (D-9, `case-<id>`): case_id, station, reason (`court_declaration`, `declared_person_identified`,
  `declared_person_taken_in`), declaration_id, kind, court, judgment_ref, alerted_on: a court declared the
  person of the open case dead or missing, or a declared person was identified or taken in.
* `CaseReopened` (D-11, `case-<id>`): case_id, station, reason (`death_withdrawn`), death_id, document_ref,
  previous_exit, reopened_on: the death that closed the case was registered in error.
* `AidRefused` (V-2, `refusal-<id>`): refusal_id, station, station_division, refused_on, source, reason,
  detail?, id_number?, name?, sex?, estimated_age?, description?.
* `StationRegistered` (V-1, `station-<code>`): code, tier, division, name, parent, registered_on.
* `WatchListEntryAdded` (V-10, `watch-<id>`): entry_id, id_number?, name, sex, birth_date?, birth_year,
  condition, description?, contacts, registered_by?, registered_on.

The domain decides `Draft`s (type, business date, subjects, payload); the application gives them their
event ids and metadata and appends them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from services.vagrant_aid.contract import events as contract
from shared import envelope

PREFIX = "vagrant_aid."

# Contracts (docs/events.md)
PERSON_TAKEN_IN = contract.PersonTakenIn.TYPE  # V-2
MINOR_REFERRED = contract.MinorReferred.TYPE  # V-7 → child welfare
PERSON_IDENTIFIED = contract.PersonIdentified.TYPE  # V-6, 0.5
PERSON_EXITED = contract.PersonExited.TYPE  # V-8 → funeral (died), child welfare (minors)
PERSON_SETTLED = contract.PersonSettled.TYPE  # V-6

# The service's own record
STATION_REGISTERED = contract.StationRegistered.TYPE  # V-1
AID_REFUSED = contract.AidRefused.TYPE  # V-2
HOSPITAL_REFERRED = contract.HospitalReferred.TYPE  # V-3
SERVICE_PROVIDED = contract.ServiceProvided.TYPE  # V-4
STAY_EXTENDED = contract.StayExtended.TYPE  # V-5
FAMILY_SEARCH_STEP_RECORDED = contract.FamilySearchStepRecorded.TYPE  # V-6
WATCH_LIST_ENTRY_ADDED = contract.WatchListEntryAdded.TYPE  # V-10
STAFF_ALERTED = contract.StaffAlerted.TYPE  # D-9
CASE_REOPENED = contract.CaseReopened.TYPE  # D-11

ALL_TYPES = (
    PERSON_TAKEN_IN, MINOR_REFERRED, PERSON_IDENTIFIED, PERSON_EXITED, PERSON_SETTLED, STATION_REGISTERED,
    AID_REFUSED, HOSPITAL_REFERRED, SERVICE_PROVIDED, STAY_EXTENDED, FAMILY_SEARCH_STEP_RECORDED,
    WATCH_LIST_ENTRY_ADDED, STAFF_ALERTED, CASE_REOPENED,
)


SCHEMA_VERSIONS = contract.CATALOGUE.schema_versions


@dataclass(frozen=True)
class Draft(envelope.Draft):
    """An event the domain decided on, before it has an id, metadata or a stream position; built from its
    contract model (`Draft.of(contract.PersonTakenIn(...), on, subjects)`)."""

    SCHEMA_VERSIONS = SCHEMA_VERSIONS


Subjects = tuple[tuple[str, str], ...]


def person(subject_id: str, role: str = "person") -> Subjects:
    return ((subject_id, role),)


def linked(temporary_id: str, id_number: str, role: str) -> Subjects:
    """Both ids of a person whose temporary subject id is linked to an ID number (0.5)."""
    return ((temporary_id, "temporary"), (id_number, role))


def case_stream(case_id: str) -> str:
    return f"case-{case_id}"


def compact(payload: dict[str, Any]) -> dict[str, Any]:
    """Drop absent optional fields; keep explicit falses and empty lists, which say something."""
    return {key: value for key, value in payload.items() if value is not None}


def iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
