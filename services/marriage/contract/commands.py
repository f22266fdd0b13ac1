"""The marriage commands: what clerks and registrars ask the service to record (api.md "Marriage").

Shapes only: types, lengths and the characters a field may hold; a command that breaks its shape is refused
as `validation_failed` before any rule runs, and nothing is written. The rules are in `rules.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StringConstraints

from shared.reference.contract import Command as Model
from shared.reference.contract import ResourceId, Version
from shared.reference.text import DivisionCode, IdNumberText, PersonName, line

Note = line(500)
Court = line(100)
DocumentRef = line(80)  # e.g. (2025)陕0502民初123号: a court's or police document number
OfficeCode = Annotated[str, StringConstraints(pattern=r"^MR-[0-9]{6}$")]


class Party(Model):
    """One applicant: the ID number gives sex and age (M-1, M-2); the household division defaults to the
    number's address code (M-6)."""

    id_number: IdNumberText
    name: PersonName
    household_division: DivisionCode | None = None


class RegisterMarriage(Model):
    """M-1 to M-6: both parties at one office, with the signed declaration of no spouse and no prohibited
    kinship (M-4). `declaration_signed` missing counts as not signed: refused with a refusal record."""

    office: OfficeCode
    parties: tuple[Party, ...] = Field(min_length=2, max_length=2)
    declaration_signed: StrictBool = False
    registered_on: dt.date | None = None


class ReissueCertificate(Model):
    """M-7: a lost certificate (补领): a new number, the old one invalid."""

    party_id_number: IdNumberText
    reason: Note
    reissued_on: dt.date | None = None
    version: Version | None = None


class ReissueDivorceCertificate(Model):
    """M-7, K-2, K-6: a lost divorce certificate (补领离婚证): a new `BL` number of the reissuing office, the old
    copy invalid from the reissue date. `version` (If-Match) is the divorce application's, as on its other
    commands."""

    party_id_number: IdNumberText
    reason: Note
    reissued_on: dt.date | None = None
    version: Version | None = None


# K-7 (民函〔2015〕266号, since 2015-09-21): a record-of-registration statement only for a notarisation to be used
# in Taiwan or one of nine countries (ISO 3166 codes, with the names the statement prints).
STATEMENT_DESTINATIONS = {"TW": "台湾地区", "KZ": "哈萨克斯坦", "FI": "芬兰", "AT": "奥地利", "NL": "荷兰",
                          "DE": "德国", "AR": "阿根廷", "UY": "乌拉圭", "MX": "墨西哥", "PL": "波兰"}
STATEMENT_PURPOSES = ("notarisation",)


class Proxy(Model):
    """K-7: who asks on the person's behalf (a written authorisation is kept on paper)."""

    id_number: IdNumberText
    name: PersonName


class IssueRecordStatement(Model):
    """K-7: a 婚姻登记记录证明 (or the no-record statement) of the person's own registrations, for a notarisation
    to be used in Taiwan or one of the nine countries (`destination`, ISO 3166 alpha-2); other purposes and
    places are refused `statement_not_allowed`. The person appears, or a proxy with their authorisation."""

    office: OfficeCode
    id_number: IdNumberText
    name: PersonName
    purpose: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{0,39}$")]
    destination: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    proxy: Proxy | None = None
    issued_on: dt.date | None = None


class RevokeRegistration(Model):
    """M-10: a fraudulent registration (impersonation, forged documents) revoked on a police, court or
    procuratorate finding; `dishonest_id_number` names who used false documents (default: nobody listed)."""

    reason: Note
    document_ref: DocumentRef
    dishonest_id_number: IdNumberText | None = None
    revoked_on: dt.date | None = None
    version: Version | None = None


class RecordCourtOutcome(Model):
    """M-9: a court divorce, or a marriage declared void or annulled, from the judgment."""

    kind: Literal["divorce", "void", "annulled"]
    court: Court
    document_ref: DocumentRef
    effective_on: dt.date
    version: Version | None = None


class Agreement(Model):
    """M-8: the divorce agreement on children, property and debts (free text, bounded)."""

    children: Note
    property: Note
    debts: Note


class ApplyForDivorce(Model):
    """M-8: both parties apply at an office with an agreement; day 0 is the receipt."""

    office: OfficeCode
    registration_id: ResourceId
    agreement: Agreement
    applied_on: dt.date | None = None


class WithdrawDivorce(Model):
    """M-8: either party withdraws within the cooling-off period."""

    by_id_number: IdNumberText
    withdrawn_on: dt.date | None = None
    version: Version | None = None


class RegisterDivorce(Model):
    """M-8: both parties appeared at the office of the application, within the registration window."""

    registered_on: dt.date | None = None
    version: Version | None = None


class BookAppointment(Model):
    """M-13: a slot at an office on a date, for a marriage or a divorce."""

    office: OfficeCode
    date: dt.date
    kind: Literal["marriage", "divorce"]
    id_numbers: tuple[IdNumberText, ...] = Field(min_length=1, max_length=2)


class CancelAppointment(Model):
    cancelled_on: dt.date | None = None


class RecordNoShow(Model):
    """M-13: nobody came to the booked slot (recorded on or after its date)."""

    version: Version | None = None


CertificateNumber = Annotated[str, StringConstraints(pattern=r"^(J|L|BJ|BL)[0-9]{6}-[0-9]{4}-[0-9]{6,7}$")]
# K-5: a blank's preprinted stock number: its series (capital letters or digits) and an eight-digit number;
# older spoiled blanks were registered by the 字号 printed on them, which stays accepted.
BlankSeries = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,8}$")]
BlankNumber = Annotated[str, StringConstraints(
    pattern=r"^([A-Z0-9]{1,8}[0-9]{8}|(J|L|BJ|BL)[0-9]{6}-[0-9]{4}-[0-9]{6,7})$")]
MAX_BLANKS_PER_RECEIPT = 10_000


class VoidCertificateBlank(Model):
    """M-7 (api.md release 2): a spoiled certificate blank is registered as void, with the reason, by its
    office."""

    office: OfficeCode
    number: BlankNumber  # the preprinted stock number (K-5)
    reason: Note
    voided_on: dt.date | None = None


class ReceiveCertificateBlanks(Model):
    """K-5: a delivery of preprinted blanks, numbers `<series><first..last, eight digits>`, received by an
    office (at most 10,000 a receipt)."""

    office: OfficeCode
    series: BlankSeries
    first: Annotated[int, Field(strict=True, ge=0, le=99_999_999)]
    last: Annotated[int, Field(strict=True, ge=0, le=99_999_999)]
    received_on: dt.date | None = None


class IssueCertificateBlank(Model):
    """K-5: the copy (字号 and holder) printed on an office's blank."""

    office: OfficeCode
    number: BlankNumber
    certificate_number: CertificateNumber
    holder_id_number: IdNumberText
    issued_on: dt.date | None = None


class HistoricalRecords(Model):
    """M-12: up to 1000 paper-era records; each is validated by the service and answered per record."""

    records: list[dict[str, Any]] = Field(min_length=1, max_length=1000)
    first_row: int = Field(default=1, ge=1)
