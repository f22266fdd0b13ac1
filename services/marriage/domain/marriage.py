"""One registration's life (stream `marriage-<registration_id>`): its state, `evolve`, and the decisions on
it — certificate reissue (M-7), court outcomes (M-9), revocation (M-10), and what a death does (M-11).

Status: `married`; ended as `divorced` (registered divorce or court divorce) or `widowed` (a party died);
or `void`, `annulled`, `revoked`: a marriage that never existed for the marital-status history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from services.marriage.contract import events as contract
from services.marriage.contract.commands import (
    RecordCourtOutcome,
    ReissueCertificate,
    ReissueDivorceCertificate,
    RevokeRegistration,
)
from services.marriage.contract.refusals import (
    BEFORE_REGISTRATION,
    MARRIAGE_ENDED,
    MARRIAGE_NEVER_EXISTED,
    NO_DIVORCE_CERTIFICATE,
    NOT_A_PARTY,
)
from services.marriage.domain import events as ev
from services.marriage.domain import rules
from services.marriage.domain.events import Draft, parties
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference.events import Recorded

NEVER_EXISTED = frozenset({"void", "annulled", "revoked"})


@dataclass(frozen=True)
class MarriageState:
    registration_id: str
    office: str
    registered_on: dt.date
    parties: tuple[dict[str, Any], ...]
    certificates: dict[str, str]  # id number -> the party's valid certificate number
    imported: bool = False
    status: str = "married"
    ended_on: dt.date | None = None
    death_id: str | None = None  # the death that ended it (M-11), while it does
    divorce_id: str | None = None  # the divorce by agreement that ended it (M-8)
    divorce_certificates: dict[str, str] = field(default_factory=dict)  # id number -> valid divorce copy (K-1)
    flags: tuple[str, ...] = ()
    version: int = 0
    history: tuple[dict[str, Any], ...] = field(default=())

    @property
    def id_numbers(self) -> tuple[str, ...]:
        return tuple(p["id_number"] for p in self.parties)

    def spouse_of(self, id_number: str) -> str:
        return next(n for n in self.id_numbers if n != id_number)


def evolve(state: MarriageState | None, event: contract.EventModel) -> MarriageState:
    """The registration after one more event (the current model of each type, upcast on reading)."""
    match event:
        case contract.MarriageRegistered():
            return MarriageState(event.registration_id, event.office, event.registered_on,
                                 tuple(party.model_dump(mode="json", exclude_unset=True) for party in event.parties),
                                 {c.id_number: c.number for c in event.certificates}, event.imported,
                                 flags=tuple(event.review or ()))  # M-12 review flags of an import
    assert state is not None, f"{event.TYPE} before {ev.MARRIAGE_REGISTERED}"
    match event:
        case contract.CertificateReissued():
            return replace(state, certificates={**state.certificates, event.id_number: event.new_number})
        case contract.DivorceRegistered():
            return replace(state, status="divorced", ended_on=event.registered_on, divorce_id=event.divorce_id,
                           divorce_certificates={c.id_number: c.number for c in event.certificates})
        case contract.DivorceCertificateReissued():
            copies = {**state.divorce_certificates, event.id_number: event.new_number}
            return replace(state, divorce_certificates=copies)
        case contract.CourtOutcomeRecorded():
            status = "divorced" if event.kind == "divorce" else event.kind
            return replace(state, status=status, ended_on=event.effective_on)
        case contract.RegistrationRevoked():
            return replace(state, status="revoked", ended_on=event.revoked_on)
        case contract.MarriageEndedByDeath():
            return replace(state, status="widowed", ended_on=event.died_on, death_id=event.death_id)
        case contract.MarriageRevived():
            return replace(state, status="married", ended_on=None, death_id=None)
        case contract.MarriageNotRevived():
            return replace(state, status="divorced", ended_on=event.divorced_on, death_id=None)
        case contract.DeathDateCorrected():
            return replace(state, ended_on=event.died_on)
        case contract.MarriageFlaggedForReview():
            return replace(state, flags=(*state.flags, event.reason))
    return state


def fold(events: Iterable[Recorded]) -> MarriageState | None:
    """The registration after `events`: stored envelopes (with stream versions) or drafts (counted on)."""
    state: MarriageState | None = None
    for event in events:
        version = getattr(event, "stream_version", (state.version if state else 0) + 1)
        entry = {"type": event.type, "occurred_on": event.occurred_on.isoformat(), "version": version}
        state = evolve(state, contract.CATALOGUE.read(event))
        state = replace(state, version=version, history=(*state.history, entry))
    return state


def check_party(state: MarriageState, id_number: str, field: str) -> None:
    if id_number not in state.id_numbers:
        raise rules.refusal(NOT_A_PARTY, "this person is not a party to the marriage", field=field)


def check_in_force(state: MarriageState, what: str) -> None:
    """M-7, M-8, M-9: only a marriage in force can be divorced or get a certificate reissued."""
    if state.status != "married":
        raise Refusal(MARRIAGE_ENDED, f"the marriage is {state.status}: {what}", 409)


def check_not_before_registration(state: MarriageState, day: dt.date, field: str) -> None:
    if day < state.registered_on:
        raise rules.refusal(BEFORE_REGISTRATION, f"{field} is before the registration date", field=field)


# -- M-7 -----------------------------------------------------------------------------------------------------
def decide_reissue(state: MarriageState, command: ReissueCertificate, person: str, actor: Actor, today: dt.date,
                   new_number: str) -> list[Draft]:
    """M-7: a new number for the party; the old number becomes invalid; the marriage is unchanged. No reissue
    once the marriage ended: a record-of-registration statement instead."""
    rules.check_records_business(actor)
    rules.check_version(command.version, state.version)
    check_party(state, person, "party_id_number")
    check_in_force(state, "no reissue once the marriage has ended; a record-of-registration statement instead")
    on = command.reissued_on or today
    rules.check_business_day(on, actor, today, "reissued_on")
    payload = {"registration_id": state.registration_id, "id_number": person,
               "old_number": state.certificates[person], "new_number": new_number, "reason": command.reason,
               "reissued_on": on.isoformat(), "office": actor.office}
    return [Draft.of(contract.CertificateReissued(**payload), on, parties(person))]


def decide_divorce_reissue(state: MarriageState, divorce_id: str, command: ReissueDivorceCertificate, person: str,
                           actor: Actor, today: dt.date, new_number: str) -> list[Draft]:
    """M-7, K-2, K-6: a lost divorce certificate (补领离婚证) gets a new `BL` number of the reissuing office; the
    old copy is invalid from the reissue date. Only a divorce registered by agreement at an office issued
    certificates (K-1: none on a court divorce); a marriage revived or registered anew leaves them as they are."""
    rules.check_records_business(actor)
    check_party(state, person, "party_id_number")
    if state.divorce_id != divorce_id or person not in state.divorce_certificates:
        raise Refusal(NO_DIVORCE_CERTIFICATE, "no divorce certificate was issued for this divorce", 409)
    on = command.reissued_on or today
    rules.check_business_day(on, actor, today, "reissued_on")
    if state.ended_on is not None and on < state.ended_on:
        raise rules.refusal(BEFORE_REGISTRATION, "reissued_on is before the divorce was registered",
                            field="reissued_on")
    payload = {"registration_id": state.registration_id, "divorce_id": divorce_id, "id_number": person,
               "old_number": state.divorce_certificates[person], "new_number": new_number, "reason": command.reason,
               "reissued_on": on.isoformat(), "office": actor.office}
    return [Draft.of(contract.DivorceCertificateReissued(**payload), on, parties(person))]


# -- M-9 -----------------------------------------------------------------------------------------------------
def decide_court_outcome(state: MarriageState, command: RecordCourtOutcome, actor: Actor,
                         today: dt.date) -> list[Draft]:
    """M-9: a court divorce ends a marriage in force from `effective_on`; void and annulled marriages never
    existed (a void marriage may already have ended otherwise: the judgment still says it never was)."""
    rules.check_records_business(actor)
    rules.check_version(command.version, state.version)
    if state.status in NEVER_EXISTED:
        raise Refusal(MARRIAGE_NEVER_EXISTED, f"the registration is already {state.status}", 409)
    if command.kind == "divorce":
        check_in_force(state, "only a marriage in force is divorced")
    rules.check_business_day(command.effective_on, actor, today, "effective_on")
    check_not_before_registration(state, command.effective_on, "effective_on")
    payload = {"registration_id": state.registration_id, "kind": command.kind, "court": command.court,
               "document_ref": command.document_ref, "effective_on": command.effective_on.isoformat()}
    return [Draft.of(contract.CourtOutcomeRecorded(**payload), command.effective_on, parties(*state.id_numbers))]


# -- M-10 ----------------------------------------------------------------------------------------------------
def decide_revocation(state: MarriageState, command: RevokeRegistration, dishonest: str | None, actor: Actor,
                      today: dt.date) -> list[Draft]:
    """M-10: the bureau revokes a fraudulent registration citing the document; the parties' status is as if
    it had never been registered; who used false documents goes on the dishonesty list."""
    rules.check_records_business(actor)
    rules.check_version(command.version, state.version)
    if state.status in NEVER_EXISTED:
        raise Refusal(MARRIAGE_NEVER_EXISTED, f"the registration is already {state.status}", 409)
    on = command.revoked_on or today
    rules.check_business_day(on, actor, today, "revoked_on")
    subjects = parties(*state.id_numbers) + (((dishonest, "dishonest"),) if dishonest else ())
    payload = {"registration_id": state.registration_id, "reason": command.reason,
               "document_ref": command.document_ref, "dishonest_id_number": dishonest, "revoked_on": on.isoformat()}
    return [Draft.of(contract.RegistrationRevoked(**payload), on, subjects)]


# -- M-11 ----------------------------------------------------------------------------------------------------
def decide_death(state: MarriageState, deceased: str, died_on: dt.date, death_id: str,
                 basis: str | None = None) -> list[Draft]:
    """M-11: the death of a spouse ends a marriage in force on the date of death, the survivor widowed; a
    marriage registered after the date of death (the death reached us late) is flagged, never kept
    silently. D-4: a court's death declaration (`basis` declared) does the same on its judgment date, and a
    marriage of the declared person registered meanwhile is flagged, never voided (Civil Code 49)."""
    if state.status in NEVER_EXISTED or deceased not in state.id_numbers:
        return []
    if state.registered_on > died_on:
        if "registered_after_death" in state.flags:
            return []
        payload = {"registration_id": state.registration_id, "reason": "registered_after_death",
                   "died_on": died_on.isoformat(), "death_id": death_id, "id_number": deceased}
        # Dated by the registration it questions: the timeline shows the flag after the registration, not before.
        return [Draft.of(contract.MarriageFlaggedForReview(**payload), state.registered_on, parties(*state.id_numbers))]
    if state.status != "married" or (state.ended_on is not None and state.ended_on < died_on):
        return []
    survivor = state.spouse_of(deceased)
    payload = {"registration_id": state.registration_id, "died_on": died_on.isoformat(), "death_id": death_id,
               "deceased_id_number": deceased, "survivor_id_number": survivor}
    if basis is not None:
        payload["basis"] = basis
    return [Draft.of(contract.MarriageEndedByDeath(**payload), died_on,
                     ((deceased, "deceased"), (survivor, "survivor")))]


def decide_revival(state: MarriageState, death_id: str, survivor_remarried: bool, on: dt.date,
                   reason: str) -> list[Draft]:
    """M-11: a death that was not this person's (corrected) or a revoked death declaration revives the
    marriage — unless the survivor has remarried meanwhile."""
    if state.status != "widowed" or state.death_id != death_id or survivor_remarried:
        return []
    payload = {"registration_id": state.registration_id, "reason": reason, "death_id": death_id}
    return [Draft.of(contract.MarriageRevived(**payload), on, parties(*state.id_numbers))]


def decide_flag(state: MarriageState, reason: str, id_number: str, death_id: str, died_on: dt.date) -> list[Draft]:
    """M-3, D-11: a marriage the registrar must look at (a spouse's earlier marriage revived by a withdrawn
    death); dated by the registration it questions."""
    payload = {"registration_id": state.registration_id, "reason": reason, "died_on": died_on.isoformat(),
               "death_id": death_id, "id_number": id_number}
    return [Draft.of(contract.MarriageFlaggedForReview(**payload), state.registered_on, parties(*state.id_numbers))]


def decide_declaration_revoked(state: MarriageState, declaration_id: str, revoked_on: dt.date,
                               survivor_remarried: bool, survivor_stated: bool) -> list[Draft]:
    """D-5: the revocation of the death declaration that ended the marriage revives it from the revocation date
    (same registration and certificates), never backwards — unless the survivor remarried since the declaration
    (even if that marriage has ended) or stated in writing that it is not to be restored (Civil Code 51): then
    both are divorced from the revocation date."""
    if state.status != "widowed" or state.death_id != declaration_id:
        return []
    if survivor_remarried or survivor_stated:
        reason = "survivor_remarried" if survivor_remarried else "spouse_statement"
        payload = {"registration_id": state.registration_id, "declaration_id": declaration_id, "reason": reason,
                   "divorced_on": revoked_on.isoformat()}
        return [Draft.of(contract.MarriageNotRevived(**payload), revoked_on, parties(*state.id_numbers))]
    payload = {"registration_id": state.registration_id, "reason": "declaration_revoked", "death_id": declaration_id,
               "revived_on": revoked_on.isoformat()}
    return [Draft.of(contract.MarriageRevived(**payload), revoked_on, parties(*state.id_numbers))]


def decide_death_date_correction(state: MarriageState, death_id: str, died_on: dt.date, on: dt.date) -> list[Draft]:
    """M-11, F-7: the date of the death that ended the marriage was corrected: it ended on the new date."""
    if state.status != "widowed" or state.death_id != death_id or state.ended_on == died_on:
        return []
    payload = {"registration_id": state.registration_id, "death_id": death_id, "died_on": died_on.isoformat(),
               "previous_died_on": state.ended_on.isoformat() if state.ended_on else None}
    return [Draft.of(contract.DeathDateCorrected(**payload), on, parties(*state.id_numbers))]
