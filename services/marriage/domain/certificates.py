"""Certificates as documents (docs/certificates.md): the 字号 (K-2), verification codes (K-8) and the blank
stock (K-5: received, issued, spoiled), pure.

The 字号 and the codes themselves are shared with adoption (`shared/certificates.py`, which also says why a
fast hash suffices for K-8); the codes never go into an event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.marriage.contract import events as contract
from services.marriage.contract.commands import (
    MAX_BLANKS_PER_RECEIPT,
    IssueCertificateBlank,
    ReceiveCertificateBlanks,
    VoidCertificateBlank,
)
from services.marriage.contract.refusals import (
    BLANK_ALREADY_RECEIVED,
    BLANK_ALREADY_USED,
    BLANK_ALREADY_VOIDED,
    BLANK_NOT_ON_HAND,
    CERTIFICATE_NOT_FOUND,
    INVALID_BLANK_RANGE,
)
from services.marriage.domain import rules
from services.marriage.domain.events import Draft, parties
from shared import certificates as numbering
from shared.actor import Actor
from shared.certificates import (  # noqa: F401 - the numbering K-2/K-8 shares with adoption
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_SERIAL,
    certificate_number,
    code_hash,
    matching_copy,
    new_code,
    plausible_code,
    serial_gaps,
)
from shared.errors import Refusal

# K-2: J marriage, L divorce, BJ/BL reissued marriage/divorce certificates.
MARRIAGE, DIVORCE, MARRIAGE_REISSUE, DIVORCE_REISSUE = "J", "L", "BJ", "BL"
RECORD_STATEMENT = "ZM"  # K-7: a record-of-registration statement's own serial (证明)
NUMBER = re.compile(r"^(?P<prefix>J|L|BJ|BL|ZM)(?P<division>[0-9]{6})-(?P<year>[0-9]{4})-(?P<serial>[0-9]{6})$")


@dataclass(frozen=True)
class SerialKey(numbering.SerialKey):
    """K-4: one gap-free sequence per prefix, issuing office's division and business year."""

    @classmethod
    def of(cls, prefix: str, office: str, on: dt.date) -> SerialKey:
        return cls(prefix, rules.office_division(office), on.year)


def duplicates(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({v for v in values if v in seen or seen.add(v)})  # type: ignore[func-returns-value]


# -- K-5: the blank stock --------------------------------------------------------------------------------------
def blank_numbers(series: str, first: int, last: int) -> list[str]:
    return [f"{series}{n:08d}" for n in range(first, last + 1)]


def decide_receipt(command: ReceiveCertificateBlanks, actor: Actor, today: dt.date, receipt_id: str,
                   already_received: Sequence[str]) -> list[Draft]:
    """K-5: a delivery of blanks, each number received once (409 `blank_already_received`)."""
    rules.check_office(command.office)
    rules.check_acts_for_office(actor, command.office)
    on = command.received_on or today
    rules.check_business_day(on, actor, today, "received_on")
    if command.last < command.first or command.last - command.first >= MAX_BLANKS_PER_RECEIPT:
        raise rules.refusal(INVALID_BLANK_RANGE, f"last is at least first, at most {MAX_BLANKS_PER_RECEIPT} "
                            "blanks a receipt", field="last")
    if already_received:
        raise Refusal(BLANK_ALREADY_RECEIVED, f"{len(already_received)} of these blanks were received already,"
                      f" first {already_received[0]}", 409)
    received = contract.CertificateBlanksReceived(receipt_id=receipt_id, office=command.office, series=command.series,
                                                  first=command.first, last=command.last, received_on=on)
    return [Draft.of(received, on)]


def decide_issue(history: Sequence[object], status: str | None, blank_office: str | None,
                 command: IssueCertificateBlank, holder: str, copy_holders: Sequence[str], actor: Actor,
                 today: dt.date) -> list[Draft]:
    """K-5: a copy printed on a blank the office has on hand; the copy must exist (its 字号 and holder)."""
    rules.check_office(command.office)
    rules.check_acts_for_office(actor, command.office)
    on = command.issued_on or today
    rules.check_business_day(on, actor, today, "issued_on")
    if status != "on_hand" or blank_office != command.office:
        raise Refusal(BLANK_NOT_ON_HAND, f"{command.number} is not a blank this office has on hand", 409)
    if holder not in copy_holders:
        raise Refusal(CERTIFICATE_NOT_FOUND, "no copy of this number is held by this person", 404)
    issued = contract.CertificateBlankIssued(number=command.number, office=command.office,
                                             certificate_number=command.certificate_number, id_number=holder,
                                             issued_on=on)
    return [Draft.of(issued, on, parties(holder, role="holder"))]


def decide_void_blank(history: Sequence[object], command: VoidCertificateBlank, actor: Actor,
                      today: dt.date) -> list[Draft]:
    """M-7, K-5: clerks void their own office's blanks, dated as any business date; a blank is void once
    (409 `blank_already_voided`) and a blank a copy was printed on is not spoiled afterwards (409
    `blank_already_used`: the copy is replaced by a reissue). `history` is the blank's stream so far."""
    rules.check_office(command.office)
    rules.check_acts_for_office(actor, command.office)
    on = command.voided_on or today
    rules.check_business_day(on, actor, today, "voided_on")
    types = [getattr(event, "type", None) for event in history]
    if contract.CertificateBlankIssued.TYPE in types:
        raise Refusal(BLANK_ALREADY_USED, f"a copy was printed on {command.number}", 409)
    if history:
        raise Refusal(BLANK_ALREADY_VOIDED, f"{command.number} is void already", 409)
    voided = contract.CertificateBlankVoided(number=command.number, office=command.office, reason=command.reason,
                                             voided_on=on)
    return [Draft.of(voided, on)]


def books(counts: dict[str, int]) -> dict[str, object]:
    """K-5: received = issued + spoiled + on hand. Blanks voided without a recorded receipt are counted apart
    (`spoiled_unreceived`): they make the books not balance, which is the point."""
    received = counts.get("received", 0)
    issued, spoiled, on_hand = counts.get("issued", 0), counts.get("spoiled", 0), counts.get("on_hand", 0)
    return {"received": received, "issued": issued, "spoiled": spoiled, "on_hand": on_hand,
            "spoiled_unreceived": counts.get("spoiled_unreceived", 0),
            "balanced": received == issued + spoiled + on_hand and not counts.get("spoiled_unreceived", 0)}
