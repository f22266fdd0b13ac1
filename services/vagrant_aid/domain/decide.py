"""Deciding what happens to a relief case: `decide_*(command, case, clock) -> [Draft]` or a refusal.

Pure functions: no I/O, no clock of their own. The application hands in what they cannot know (the new
case's id and temporary subject id, the station, the time) and appends what they return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.vagrant_aid.contract import events as contract
from services.vagrant_aid.contract.commands import (
    Died,
    Escorted,
    ExitDetails,
    FileExtension,
    Identify,
    ProvideService,
    RecordFamilySearch,
    ReferToHospital,
    RefuseAid,
    SelfDeparture,
    Settle,
    TakeIn,
    Terminated,
)
from services.vagrant_aid.domain import events as ev
from services.vagrant_aid.domain import rules
from services.vagrant_aid.domain.deadlines import settlement_from, stay_last_day
from services.vagrant_aid.domain.persons import (
    age_of,
    check_identity_agrees,
    is_minor,
    parse_identity,
)
from services.vagrant_aid.domain.state import Case
from services.vagrant_aid.domain.stations import Station
from shared.business_dates import LOCAL_TIME_ZONE, local_today

GUARDIANSHIP = "temporary_state"  # V-7: minors' protection, temporary state guardianship


@dataclass(frozen=True)
class Clock:
    now: dt.datetime  # aware
    today: dt.date  # the bureau's local date (shared.business_dates.local_today)

    @classmethod
    def at(cls, moment: dt.datetime | None = None) -> Clock:
        """The clock at `moment` (aware; default now), with the bureau's local date of it."""
        moment = moment or dt.datetime.now(dt.UTC)
        return cls(moment, local_today(moment))


def temporary_id(station: str, number: int) -> str:
    """0.5, docs/events.md: `TMP-<place code without dashes>-<sequence>`, e.g. `TMP-RS610500-000123`."""
    return f"TMP-{station.replace('-', '')}-{number:06d}"


def _local(at: dt.datetime) -> dt.datetime:
    return at.astimezone(LOCAL_TIME_ZONE)


# -- V-2, V-3, V-7: intake ----------------------------------------------------------------------------
def decide_take_in(command: TakeIn, station: Station, case_id: str, temporary: str | None,
                   clock: Clock) -> list[ev.Draft]:
    """V-2 take the person in; V-3 refer to hospital on screening flags; V-7 refer a minor."""
    arrived_at = _local(command.arrived_at or clock.now)
    arrived_on = arrived_at.date()
    rules.check_time_not_in_future(arrived_at, clock.now, "arrived_at")
    rules.check_recorded_day(arrived_on, clock.today, "arrived_at")
    person, flags = command.person, frozenset(command.flags)
    identity = parse_identity(person.id_number, today=clock.today) if person.id_number else None
    if identity is None:
        rules.check_unidentified_described_V2(person.sex, person.estimated_age)
        assert temporary is not None, "an unidentified person gets a temporary subject id"
    else:
        check_identity_agrees(identity, person.sex, ("body", "person", "sex"))
        rules.check_flags_agree_with_id_number_V7("minor" in flags, age_of(identity.birth_date, None, arrived_on))
    birth_date = identity.birth_date if identity else None
    estimated_age = None if identity else person.estimated_age
    minor = is_minor(birth_date, estimated_age, "minor" in flags, arrived_on)
    rules.check_consent_V2(command.consent, command.speaks_for_self, flags, minor)
    subject = identity.value if identity else temporary
    assert subject is not None
    payload = ev.compact({
        "case_id": case_id, "station": station.code, "station_division": station.division,
        "station_tier": station.tier, "arrived_at": arrived_at.isoformat(), "arrived_on": arrived_on.isoformat(),
        "source": command.source, "source_detail": command.source_detail, "reason": command.reason,
        "identified": identity is not None, "minor": minor,
        "birth_date": ev.iso(birth_date), "estimated_age": estimated_age,
        "sex": identity.sex if identity else person.sex, "flags": sorted(flags),
        "id_number": identity.value if identity else None, "temporary_id": None if identity else temporary,
        "name": person.name, "description": person.description,
        "consent": command.consent, "speaks_for_self": command.speaks_for_self,
        "belongings": [b.model_dump(mode="json", exclude_none=True) for b in command.belongings],
        "relatives": [r.model_dump(mode="json", exclude_none=True) for r in command.relatives],
    })
    drafts = [ev.Draft.of(contract.PersonTakenIn(**payload), arrived_on, ev.person(subject))]
    if reasons := rules.screening_reasons_V3(flags):
        drafts.append(ev.Draft.of(contract.HospitalReferred(
            case_id=case_id, station=station.code, reasons=tuple(reasons), referred_on=arrived_on),
            arrived_on, ev.person(subject)))
    if minor:
        drafts.append(_minor_referred(case_id, station.code, station.division, arrived_on, identity is not None,
                                      birth_date, estimated_age, payload["sex"], subject))
    return drafts


def _minor_referred(case_id: str, station: str, station_division: str, on: dt.date, identified: bool,
                    birth_date: dt.date | None, estimated_age: int | None, sex: str, subject: str) -> ev.Draft:
    """V-7: to minors' protection, referred to child welfare (docs/events.md `MinorReferred`)."""
    return ev.Draft.of(contract.MinorReferred(**ev.compact({
        "case_id": case_id, "station": station, "station_division": station_division,
        "referred_on": on.isoformat(), "identified": identified, "birth_date": ev.iso(birth_date),
        "estimated_age": None if birth_date else estimated_age, "sex": sex, "guardianship": GUARDIANSHIP,
    })), on, ev.person(subject, "child"))


def decide_refuse_aid(command: RefuseAid, station: Station, refusal_id: str, clock: Clock) -> list[ev.Draft]:
    """V-2: an ineligible person is refused, and the refusal is recorded with its reason."""
    refused_on = command.refused_on or clock.today
    rules.check_recorded_day(refused_on, clock.today, "refused_on")
    person = command.person
    identity = parse_identity(person.id_number, today=clock.today) if person.id_number else None
    if identity is not None:
        check_identity_agrees(identity, person.sex, ("body", "person", "sex"))
    payload = ev.compact({
        "refusal_id": refusal_id, "station": station.code, "station_division": station.division,
        "refused_on": refused_on.isoformat(), "source": command.source, "reason": command.reason,
        "detail": command.detail, "id_number": identity.value if identity else None, "name": person.name,
        "sex": identity.sex if identity else person.sex, "estimated_age": person.estimated_age,
        "description": person.description,
    })
    return [ev.Draft.of(contract.AidRefused(**payload), refused_on, ev.person(identity.value) if identity else ())]


# -- V-4 services, V-5 extension, V-6 family search ---------------------------------------------------
def decide_provide_service(command: ProvideService, case: Case, clock: Clock) -> list[ev.Draft]:
    """V-4: a service given; lodging is in the section of the person's sex; cash within the cap."""
    rules.check_open_V8(case)
    on = command.provided_on or clock.today
    rules.check_recorded_day(on, clock.today, "provided_on")
    rules.check_not_before_arrival(on, case, "provided_on")
    rules.check_cash_limit_V4(case, command.kind, command.amount, on)
    payload = ev.compact({
        "case_id": case.case_id, "kind": command.kind, "detail": command.detail,
        "amount": f"{command.amount:.2f}" if command.amount is not None else None, "provided_on": on.isoformat(),
        "section": case.sex if command.kind == "lodging" else None,
    })
    return [ev.Draft.of(contract.ServiceProvided(**payload), on, ev.person(case.subject_id))]


def decide_refer_to_hospital(command: ReferToHospital, case: Case, clock: Clock) -> list[ev.Draft]:
    """V-3: screened again during the stay, the person is referred to hospital for the reasons found."""
    rules.check_open_V8(case)
    on = command.referred_on or clock.today
    rules.check_recorded_day(on, clock.today, "referred_on")
    rules.check_not_before_arrival(on, case, "referred_on")
    return [ev.Draft.of(contract.HospitalReferred(case_id=case.case_id, station=case.station, reasons=command.reasons,
                                                  referred_on=on), on, ev.person(case.subject_id))]


def decide_file_extension(command: FileExtension, case: Case, clock: Clock) -> list[ev.Draft]:
    """V-5: a longer stay needs an extension filing."""
    rules.check_open_V8(case)
    filed_on = command.filed_on or clock.today
    rules.check_recorded_day(filed_on, clock.today, "filed_on")
    rules.check_not_before_arrival(filed_on, case, "filed_on")
    current = stay_last_day(case)
    rules.check_extension_later_V5(command.until, current, filed_on)
    payload = {"case_id": case.case_id, "until": command.until.isoformat(), "reason": command.reason,
               "filed_on": filed_on.isoformat(), "previous_last_day": current.isoformat()}
    return [ev.Draft.of(contract.StayExtended(**payload), filed_on, ev.person(case.subject_id))]


def decide_record_family_search(command: RecordFamilySearch, case: Case, clock: Clock) -> list[ev.Draft]:
    """V-6: a step of the family search (notice, DNA request and result, match)."""
    rules.check_open_V8(case)
    at = _local(command.at or clock.now)
    rules.check_time_not_in_future(at, clock.now, "at")
    rules.check_recorded_day(at.date(), clock.today, "at")
    rules.check_not_before_arrival(at.date(), case, "at")
    payload = ev.compact({"case_id": case.case_id, "step": command.step, "detail": command.detail,
                          "at": at.isoformat(), "on": at.date().isoformat()})
    return [ev.Draft.of(contract.FamilySearchStepRecorded(**payload), at.date(), ev.person(case.subject_id))]


# -- V-6 identification and settlement ----------------------------------------------------------------
def decide_identify(command: Identify, case: Case, clock: Clock) -> list[ev.Draft]:
    """V-6, 0.5: link the temporary id to the ID number; V-7: a minor found out only now is referred."""
    rules.check_open_V8(case)
    rules.check_still_unidentified_V6(case)
    on = command.identified_on or clock.today
    rules.check_recorded_day(on, clock.today, "identified_on")
    rules.check_not_before_arrival(on, case, "identified_on")
    identity = parse_identity(command.id_number, today=clock.today, field=("body", "id_number"))
    check_identity_agrees(identity, case.sex, ("body", "id_number"))
    assert case.temporary_id is not None
    minor = is_minor(identity.birth_date, None, False, case.arrived_on)
    payload = ev.compact({
        "case_id": case.case_id, "station": case.station, "temporary_id": case.temporary_id,
        "id_number": identity.value, "method": command.method, "identified_on": on.isoformat(),
        "detail": command.detail, "birth_date": identity.birth_date.isoformat(), "sex": identity.sex,
        "minor": minor,
    })
    drafts = [ev.Draft.of(contract.PersonIdentified(**payload), on, ev.linked(case.temporary_id, identity.value,
                                                                     "identified"))]
    if minor and not case.minor:
        drafts.append(_minor_referred(case.case_id, case.station, case.station_division, on, True,
                                      identity.birth_date, None, identity.sex, identity.value))
    return drafts


def decide_settle(command: Settle, case: Case, clock: Clock) -> list[ev.Draft]:
    """V-6: over three months unidentified: household settlement with a new ID number."""
    rules.check_open_V8(case)
    rules.check_still_unidentified_V6(case)
    on = command.settled_on or clock.today
    rules.check_recorded_day(on, clock.today, "settled_on")
    rules.check_settlement_due_V6(on, settlement_from(case.arrived_on))
    rules.check_household_division_V6(command.household_division, on)
    identity = parse_identity(command.id_number, today=clock.today, field=("body", "id_number"))
    check_identity_agrees(identity, case.sex, ("body", "id_number"))
    assert case.temporary_id is not None
    payload = {
        "case_id": case.case_id, "station": case.station, "temporary_id": case.temporary_id,
        "id_number": identity.value, "settled_on": on.isoformat(),
        "household_division": command.household_division, "birth_date": identity.birth_date.isoformat(),
    }
    return [ev.Draft.of(contract.PersonSettled(**payload), on, ev.linked(case.temporary_id, identity.value, "settled"))]


# -- V-7, V-8 exits -----------------------------------------------------------------------------------
def decide_record_exit(command: ExitDetails, case: Case, clock: Clock) -> list[ev.Draft]:
    """V-8: the case ends, in one of seven ways; V-7 limits how a minor's case may end."""
    rules.check_open_V8(case)
    exited_on = command.exited_on or (command.died_on if isinstance(command, Died) else clock.today)
    rules.check_recorded_day(exited_on, clock.today, "exited_on")
    if isinstance(command, Died):
        rules.check_recorded_day(command.died_on, clock.today, "died_on")
    rules.check_not_before_arrival(exited_on, case, "exited_on")
    details = _exit_details(command, case, exited_on)
    payload = ev.compact({
        "case_id": case.case_id, "station": case.station, "station_division": case.station_division,
        "kind": command.kind, "exited_on": exited_on.isoformat(), "detail": command.detail,
        "identified": case.id_number is not None, "minor": case.minor, "sex": case.sex,
        "temporary_id": case.temporary_id, "birth_date": ev.iso(case.birth_date),
        "estimated_age": None if case.birth_date else case.estimated_age,
        "returned_home": rules.returned_home_V9(command.kind, case.ticket_given),
        **details,
    })
    return [ev.Draft.of(contract.PersonExited(**payload), exited_on, ev.person(case.subject_id))]


def _exit_details(command: ExitDetails, case: Case, exited_on: dt.date) -> dict[str, object]:
    """The kind's own checks and fields (docs/events.md `PersonExited`)."""
    if isinstance(command, SelfDeparture):
        rules.check_self_departure_V7(case, exited_on, command.declaration_signed)
        return {"declaration_signed": True}
    if isinstance(command, Terminated):
        rules.check_minor_not_put_out_V7(case)
        return {"reason": command.reason}
    if isinstance(command, Escorted):
        rules.check_known_division_V8(command.destination_division, "destination_division")
        return {"destination_division": command.destination_division, "handed_to": command.handed_to}
    if isinstance(command, Died):
        rules.check_known_division_V8(command.place_division, "place_division")
        rules.check_death_dates_V8(case, command.died_on, exited_on)
        return {"died_on": command.died_on.isoformat(), "place_division": command.place_division,
                "natural": command.natural, "certificate_no": command.certificate_no, "issuer": command.issuer,
                "police_case": command.police_case}
    if command.kind == "collected":
        return {"collected_by": command.collected_by, "relation": command.relation}
    if command.kind == "transferred":
        return {"transferred_to": command.transferred_to, "institution": command.institution}
    return {}  # absconded

