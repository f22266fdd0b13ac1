"""Command handlers on registrations: register (M-1 to M-6), reissue a certificate (M-7), court outcomes
(M-9), revocation (M-10). Each loads what it decides on, decides, appends — one transaction.

Why two offices cannot both register the same person (M-3), even at the same instant, in separate service
workers or processes: a registration writes, in the transaction of its append, one `current_marriages` row
per party, whose primary key is the person. Of two overlapping transactions inserting the same person, the
second's insert waits for the first to end and then fails on the key — whatever either read before — so
the loser's transaction rolls back (no event, no certificate) and it is answered 409 `already_married`, its
refusal recorded (M-5) in a transaction of its own. A transaction that starts after the winner committed
already reads the row and is refused by the rule itself. (The store's append lock, held to commit,
additionally makes the loser fail as soon as the winner has committed rather than at its own commit.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from services.marriage.application.unit_of_work import UnitOfWork
from services.marriage.contract.commands import (
    RecordCourtOutcome,
    RegisterMarriage,
    ReissueCertificate,
    RevokeRegistration,
    VoidCertificateBlank,
)
from services.marriage.contract.refusals import REGISTRATION_NOT_FOUND
from services.marriage.domain import certificates as cert
from services.marriage.domain import events as ev
from services.marriage.domain import rules
from services.marriage.domain.certificates import SerialKey, decide_void_blank
from services.marriage.domain.divorce import decide_closure
from services.marriage.domain.marriage import (
    MarriageState,
    decide_court_outcome,
    decide_reissue,
    decide_revocation,
)
from services.marriage.domain.registration import (
    Application,
    NewMarriage,
    decide_refusal_record,
    decide_registration,
    dishonesty_warnings,
    prepare,
)
from services.marriage.domain.rules import ApplicationRefused, PersonFacts
from shared.actor import Actor
from shared.errors import Refusal
from shared.eventstore.base import NO_STREAM
from shared.unit_of_work import OnRecord, Outcome, existing


def take_number(uow: UnitOfWork, prefix: str, office: str, on: dt.date) -> str:
    """K-4: the next 字号 of the office's sequence, in the command's transaction."""
    key = SerialKey.of(prefix, office, on)
    return cert.certificate_number(key, uow.read.take_serial(key))


def issue_codes(uow: UnitOfWork, copies: list[dict[str, Any]]) -> dict[str, str]:
    """K-8: a new code per copy ({number, id_number}), stored hashed in this transaction; holder → code,
    to be answered once."""
    codes, hashed = new_codes(copies)
    uow.read.store_codes(hashed)
    return codes


def new_codes(copies: list[dict[str, Any]]) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """K-8: a new code per copy: holder → code (answered once), and (number, holder, code hash) to store."""
    codes = {copy["id_number"]: cert.new_code() for copy in copies}
    return codes, [(c["number"], c["id_number"], cert.code_hash(c["number"], c["id_number"], codes[c["id_number"]]))
                   for c in copies]


def certificates_answer(copies: list[dict[str, Any]], codes: dict[str, str] | None) -> list[dict[str, Any]]:
    """api.md release 2: one object per copy. The code exists only in the issuing answer: a replay of the
    command (the service's own idempotency) answers `verification_code: null` (docs/certificates.md)."""
    return [{"number": c["number"], "holder_id_number": c["id_number"],
             "verification_code": (codes or {}).get(c["id_number"])} for c in copies]


def registration_result(events: list[Any], warnings: list[dict[str, Any]] | None = None,
                        codes: dict[str, str] | None = None) -> dict[str, Any]:
    first = events[0]
    if first.type == ev.REGISTRATION_REFUSED:  # a retried refused command is refused again, writing nothing
        p = first.payload
        raise ApplicationRefused(p["reasons"], (), p["office"], first.occurred_on, (),
                                 p.get("death_bases") or ()).as_refusal(p["refusal_id"])
    p = first.payload
    return {"registration_id": p["registration_id"], "certificates": certificates_answer(p["certificates"], codes),
            "version": events[-1].stream_version, "registered_on": p["registered_on"],
            "cross_county": p["cross_county"], "warnings": warnings or []}


def late_facts(uow: UnitOfWork, application: Application, facts: list[PersonFacts],
               today: dt.date) -> list[PersonFacts]:
    """M-3 judged on a past registration date (a registrar's late registration, a clerk's backdating): a
    marriage of a party in force then, or begun since and not void, would overlap the one registered now."""
    if application.registered_on >= today:
        return facts
    overlapping = uow.read.married_from(application.id_numbers, application.registered_on)
    return [replace(fact, married_in=fact.married_in or overlapping.get(person))
            for person, fact in zip(application.id_numbers, facts, strict=True)]


def register_marriage(uow: UnitOfWork, command: RegisterMarriage, actor: Actor, today: dt.date) -> dict[str, Any]:
    """M-1 to M-6: POST /registrations. Raises `ApplicationRefused` for rule refusals (recorded by the caller
    after this transaction rolled back)."""
    try:
        application = prepare(command, actor, today)
    except Refusal:  # refused now (another day, say) but perhaps stored by its first run: that answers
        if stored := uow.replayed():
            return registration_result(stored)
        raise
    on = application.registered_on
    # K-4: the serial is taken in this transaction, in the statement that reads the persons' facts and checks
    # for a first run of this very command (a retry takes none and is answered from it); a refusal below
    # rolls the serial back with everything else.
    key = SerialKey.of(cert.MARRIAGE, application.office, on)
    facts, serial = uow.read.facts_and_serial(application.id_numbers, key, uow.first_event_id)
    if serial is None:
        return registration_result(uow.replayed())
    facts = late_facts(uow, application, facts, today)
    warnings = dishonesty_warnings(application, facts)
    try:
        new = NewMarriage(uow.ids.resource("registration"), cert.certificate_number(key, serial))
        drafts = decide_registration(application, facts, new)
        codes, hashed = new_codes(drafts[0].payload["certificates"])
        events = uow.record_registration(ev.marriage_stream(new.registration_id), drafts, hashed)
    except ApplicationRefused as refused:
        raise refused.with_warnings(warnings) from None
    except Refusal as lost_race:
        if lost_race.code != rules.ALREADY_MARRIED:
            raise
        # M-3: another office registered a party a moment ago; our rows failed on the key.
        raise ApplicationRefused([rules.ALREADY_MARRIED], application.persons, application.office, on,
                                 warnings) from None
    return registration_result(events, warnings, codes)


def record_refusal(uow: UnitOfWork, refused: ApplicationRefused) -> Refusal:
    """M-5: the refusal record, on the applicants' timelines; the answer is the rule's refusal."""
    refusal_id = uow.ids.resource("refusal")
    uow.record(ev.refusal_stream(refusal_id), decide_refusal_record(refused, refusal_id), NO_STREAM)
    return refused.as_refusal(refusal_id)


def load_marriage(uow: UnitOfWork, registration_id: str, *, referenced: bool = False) -> MarriageState:
    return existing(uow.marriage(registration_id) if plausible_id(registration_id) else None, "marriage",
                    "registration_id" if referenced else None, REGISTRATION_NOT_FOUND)


def plausible_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 64 and value.replace("-", "").isalnum() and value.isascii()


def marriage_result(events: list[Any], **extra: Any) -> dict[str, Any]:
    return {"registration_id": events[-1].payload["registration_id"], "version": events[-1].stream_version, **extra}


# A command on one marriage: replay, load, decide, record, answer the registration and its version.
on_marriage: OnRecord[MarriageState] = OnRecord(
    load=load_marriage, stream=lambda state: ev.marriage_stream(state.registration_id),
    answer=lambda uow, outcome: marriage_result(outcome.stored))


def codes_of_new(uow: UnitOfWork, outcome: Outcome[Any], copies: list[dict[str, Any]]) -> dict[str, str] | None:
    """K-8: the codes of the copies a command issued, stored in its transaction; a retry answers none."""
    return issue_codes(uow, copies) if outcome.state is not None else None


def reissue_certificate(uow: UnitOfWork, registration_id: str, command: ReissueCertificate, actor: Actor,
                        today: dt.date) -> dict[str, Any]:
    """M-7, K-2: POST /registrations/{id}/certificate-reissues — a `BJ` number of the reissuing office."""
    def decide(state: MarriageState) -> list[Any]:
        person = rules.check_id_number(command.party_id_number, today, "party_id_number").value
        number = take_number(uow, cert.MARRIAGE_REISSUE, actor.office or state.office, command.reissued_on or today)
        return decide_reissue(state, command, person, actor, today, number)

    def answer(uow: UnitOfWork, outcome: Outcome[MarriageState]) -> dict[str, Any]:
        p = outcome.stored[-1].payload
        copies = [{"number": p["new_number"], "id_number": p["id_number"]}]
        return marriage_result(outcome.stored, certificate=p["new_number"], old_number=p["old_number"],
                               certificates=certificates_answer(copies, codes_of_new(uow, outcome, copies)))

    return on_marriage.run(uow, registration_id, decide, actor, today, answer=answer)


def void_certificate_blank(uow: UnitOfWork, command: VoidCertificateBlank, actor: Actor,
                           today: dt.date) -> dict[str, Any]:
    """M-7: POST /certificate-stock/void. Two clerks voiding one blank at once: the second append finds the
    stream begun, decides again and is refused `blank_already_voided`."""
    if not (stored := uow.replayed()):
        stream = ev.blank_stream(command.number)
        drafts = decide_void_blank(uow.store.read_stream(stream, tx=uow.tx), command, actor, today)
        stored = uow.record(stream, drafts, NO_STREAM)
    p = stored[-1].payload
    return {"number": p["number"], "voided_on": p["voided_on"], "version": stored[-1].stream_version}


def record_court_outcome(uow: UnitOfWork, registration_id: str, command: RecordCourtOutcome, actor: Actor,
                         today: dt.date) -> dict[str, Any]:
    """M-9: POST /registrations/{id}/court-outcomes (registrars)."""
    return on_marriage.run(
        uow, registration_id, lambda state: decide_court_outcome(state, command, actor, today), actor, today,
        record=lambda uow, state, drafts: _ending(uow, state, drafts, command.effective_on),
        answer=lambda uow, outcome: marriage_result(outcome.stored, kind=outcome.stored[-1].payload["kind"]))


def revoke_registration(uow: UnitOfWork, registration_id: str, command: RevokeRegistration, actor: Actor,
                        today: dt.date) -> dict[str, Any]:
    """M-10: POST /registrations/{id}/revocation (registrars)."""
    def decide(state: MarriageState) -> list[Any]:
        dishonest = None
        if command.dishonest_id_number is not None:
            dishonest = rules.check_id_number(command.dishonest_id_number, today, "dishonest_id_number").value
        return decide_revocation(state, command, dishonest, actor, today)

    return on_marriage.run(uow, registration_id, decide, actor, today,
                           record=lambda uow, state, drafts: _ending(uow, state, drafts, command.revoked_on or today),
                           answer=lambda uow, outcome: marriage_result(outcome.stored, status="revoked"))


def _ending(uow: UnitOfWork, state: MarriageState, drafts: Sequence[Any], on: dt.date) -> list[Any]:
    """The marriage's end recorded, and a divorce application pending on it closed with it (M-8)."""
    stored = uow.record(ev.marriage_stream(state.registration_id), drafts, state.version)
    _close_pending_divorce(uow, state.registration_id, state.id_numbers, "marriage_ended", on)
    return stored


def _close_pending_divorce(uow: UnitOfWork, registration_id: str, id_numbers: tuple[str, ...], reason: str,
                           on: dt.date) -> None:
    divorce_id = uow.read.pending_divorce(registration_id)
    if divorce_id is None:
        return
    state = uow.divorce(divorce_id)
    assert state is not None
    uow.record(ev.divorce_stream(divorce_id), decide_closure(state, id_numbers, reason, on), state.version)
