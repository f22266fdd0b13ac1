"""Decisions about the body and its remains (F-2), with the unidentified-body procedure (F-6):
collection, storage, claim notice, police approval of disposal, cremation and the ashes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.funeral.contract import events as contract
from services.funeral.contract.commands import (
    ApproveDisposal,
    CollectBody,
    Cremate,
    DisposeAshes,
    PublishClaimNotice,
    StoreBody,
)
from services.funeral.contract.refusals import (
    ALREADY_BURIED,
    ALREADY_COLLECTED,
    APPROVAL_BEFORE_NOTICE,
    ASHES_ALREADY_DISPOSED,
    BEFORE_CREMATION,
    BEFORE_DEATH,
    BODY_DISPOSED,
    CLAIM_NOTICE_EXISTS,
    CLAIM_NOTICE_REQUIRED,
    DISPOSAL_ALREADY_APPROVED,
    UNIDENTIFIED_REMAINS,
)
from services.funeral.domain import parameters, rules
from services.funeral.domain.death import DeathRecord
from services.funeral.domain.events import (
    Draft,
)
from services.funeral.domain.registration import check_version
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference.dates import add_years


def _about(record: DeathRecord) -> tuple[tuple[str, str], ...]:
    return ((record.subject_id, "deceased"),)


def _on_or_after_death(record: DeathRecord, day: dt.date, field: str) -> None:
    rules.check_not_before(day, record.died_on, BEFORE_DEATH, f"{field} is before the date of death", field)


def decide_collect_body(record: DeathRecord, command: CollectBody, actor: Actor, today: dt.date) -> list[Draft]:
    """F-2: the body is collected, once."""
    rules.check_acts_for_place(actor, record.funeral_home)
    check_version(command.version, record)
    if record.collected_on is not None:
        raise Refusal(ALREADY_COLLECTED, "the body has already been collected", 409)
    collected_on = command.collected_on or today
    rules.check_recorded_on(collected_on, actor, today, "collected_on")
    _on_or_after_death(record, collected_on, "collected_on")
    payload = {"death_id": record.death_id, "collected_on": collected_on.isoformat(),
               "collected_from": command.collected_from}
    return [Draft.of(contract.BodyCollected(**payload), collected_on, _about(record))]


def decide_store_body(record: DeathRecord, command: StoreBody, actor: Actor, today: dt.date) -> list[Draft]:
    """F-2: the body is stored (again, when it is moved), until cremation or burial."""
    rules.check_acts_for_place(actor, record.funeral_home)
    check_version(command.version, record)
    if record.cremation is not None or record.burial_id is not None:
        raise Refusal(BODY_DISPOSED, "the body has been cremated or buried", 409)
    stored_on = command.stored_on or today
    rules.check_recorded_on(stored_on, actor, today, "stored_on")
    _on_or_after_death(record, stored_on, "stored_on")
    payload = {"death_id": record.death_id, "stored_on": stored_on.isoformat(), "location": command.location}
    return [Draft.of(contract.BodyStored(**payload), stored_on, _about(record))]


def decide_publish_claim_notice(
    record: DeathRecord, command: PublishClaimNotice, actor: Actor, today: dt.date
) -> list[Draft]:
    """F-6: the claim notice of an unidentified body; its date starts the waiting period."""
    rules.check_acts_for_place(actor, record.funeral_home)
    check_version(command.version, record)
    rules.check_unidentified(record.identified)
    if record.claim_notice_on is not None:
        raise Refusal(CLAIM_NOTICE_EXISTS, f"the claim notice was published on {record.claim_notice_on}", 409)
    published_on = command.published_on or today
    rules.check_recorded_on(published_on, actor, today, "published_on")
    _on_or_after_death(record, published_on, "published_on")
    payload = {"death_id": record.death_id, "published_on": published_on.isoformat(), "medium": command.medium}
    return [Draft.of(contract.ClaimNoticePublished(**payload), published_on, _about(record))]


def decide_approve_disposal(
    record: DeathRecord, command: ApproveDisposal, actor: Actor, today: dt.date
) -> list[Draft]:
    """F-6: the police approval of disposal, recorded after the claim notice."""
    rules.check_acts_for_place(actor, record.funeral_home)
    check_version(command.version, record)
    rules.check_unidentified(record.identified)
    if record.claim_notice_on is None:
        raise Refusal(CLAIM_NOTICE_REQUIRED, "publish the claim notice before the disposal approval", 409)
    if record.disposal_approved_on is not None:
        raise Refusal(DISPOSAL_ALREADY_APPROVED, "disposal has already been approved", 409)
    approved_on = command.approved_on or today
    rules.check_recorded_on(approved_on, actor, today, "approved_on")
    rules.check_not_before(approved_on, record.claim_notice_on, APPROVAL_BEFORE_NOTICE,
                           "approved_on is before the claim notice", "approved_on")
    payload = {"death_id": record.death_id, "approved_on": approved_on.isoformat(),
               "police_case": command.police_case, "document_ref": command.document_ref}
    return [Draft.of(contract.DisposalApproved(**payload), approved_on, _about(record))]


@dataclass(frozen=True)
class CremationNumbers:
    """Issued by the application: the cremation's id, its certificate number (unless pre-printed) and, for
    an unidentified body, the number its ashes are kept under (F-6)."""

    cremation_id: str
    certificate: str
    ashes_number: str | None = None


def decide_cremation(
    record: DeathRecord, command: Cremate, actor: Actor, today: dt.date, numbers: CremationNumbers
) -> list[Draft]:
    """F-2: cremation needs a registered death (the record exists), happens once, and for an unidentified
    body only after the claim-notice period with police approval (F-6)."""
    funeral_home = rules.check_place(command.funeral_home, "funeral_home", "funeral_home")
    rules.check_acts_for_place(actor, funeral_home)
    rules.check_not_cremated(record.cremation is not None)
    if record.burial_id is not None:
        raise Refusal(ALREADY_BURIED, "the body has been buried", 409)
    cremated_on = command.cremated_on or today
    rules.check_recorded_on(cremated_on, actor, today, "cremated_on")
    _on_or_after_death(record, cremated_on, "cremated_on")
    if not record.identified:
        rules.check_disposal_allowed(record.claim_notice_on, record.disposal_approved_on is not None, cremated_on)
    payload = {"death_id": record.death_id, "cremation_id": numbers.cremation_id,
               "cremation_certificate": numbers.certificate, "cremated_on": cremated_on.isoformat(),
               "funeral_home": funeral_home, "ashes_number": numbers.ashes_number}
    return [Draft.of(contract.BodyCremated(**payload), cremated_on, _about(record))]


def decide_dispose_ashes(record: DeathRecord, command: DisposeAshes, actor: Actor, today: dt.date) -> list[Draft]:
    """F-2: the ashes are taken by the family or deposited for a term. Ashes of an unidentified body stay
    under their number (F-6): they are deposited, never handed over."""
    rules.check_acts_for_place(actor, record.funeral_home)
    check_version(command.version, record)
    rules.check_cremated(record.cremation is not None, "disposing of ashes")
    assert record.cremation is not None
    if record.ashes is not None or record.burial_id is not None:
        raise Refusal(ASHES_ALREADY_DISPOSED, "the ashes have already been taken, deposited or buried", 409)
    if command.disposition == "family" and not record.identified:
        raise Refusal(UNIDENTIFIED_REMAINS, "ashes of an unidentified body are kept under their number", 409)
    disposed_on = command.disposed_on or today
    rules.check_recorded_on(disposed_on, actor, today, "disposed_on")
    rules.check_not_before(disposed_on, record.cremation.cremated_on, BEFORE_CREMATION,
                           "disposed_on is before the cremation", "disposed_on")
    payload = {"death_id": record.death_id, "disposition": command.disposition,
               "disposed_on": disposed_on.isoformat(), "taken_by": None, "location": None, "term_years": None,
               "deposit_until": None, "ashes_number": record.cremation.ashes_number}
    if command.disposition == "family":
        payload["taken_by"] = rules.check_person(command.taken_by, today, "taken_by")
    else:
        years = command.term_years or parameters.ash_deposit_max_years(disposed_on)
        rules.check_deposit_term(years, disposed_on)
        payload.update(location=command.location, term_years=years,
                       deposit_until=add_years(disposed_on, years).isoformat())
    return [Draft.of(contract.AshesDisposed(**payload), disposed_on, _about(record))]
