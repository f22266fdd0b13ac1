"""M-12: historical records (补录) — paper-era registrations imported with their original dates, office and
certificate numbers, marked as imported; from then on they take part in M-3.

A record is judged by its own date, not today's rules: no jurisdiction or age phase is re-applied to a
registration the state made decades ago, but it must be a registration the data can hold — one man and one
woman by their ID numbers (15-digit first-generation numbers accepted here only), born before the date,
distinct certificate numbers. A 15-digit number is recorded as the paper has it (`recorded_id_number`) and
stands for its 18-digit form everywhere else. A record that cannot be imported as it stands is `invalid`
(its shape) or a `conflict` (with what is known: a person twice married in the import, a party married by
an earlier record, a certificate number in use) — conflicts are recorded for review, never dropped. A record
imported before (same office and certificate numbers) is `already_imported`: re-running a file writes
nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Annotated, Any

from pydantic import StringConstraints

from services.marriage.contract.commands import Model
from services.marriage.contract.refusals import (
    BORN_AFTER_REGISTRATION,
    BUSINESS_DATE_IN_FUTURE,
    CERTIFICATE_NUMBER_TAKEN,
    CERTIFICATE_NUMBERS_REPEAT,
    DIVORCE_BEFORE_REGISTRATION,
)
from services.marriage.domain import events as ev
from services.marriage.domain import parameters, rules
from services.marriage.domain.events import Draft, parties
from shared.envelope import derived_id_text
from shared.errors import Refusal
from shared.reference.idnumber import IdNumber
from shared.reference.parameters import NoRuleInForce
from shared.reference.text import DivisionCode, IdNumberText, PersonName, line

CertificateNumber = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40,
                                                     pattern=r"^[A-Za-z0-9][A-Za-z0-9/()\-]*$")]
RecordRef = line(60)
COLUMNS = ("record_ref", "registered_on", "office", "husband_id_number", "husband_name", "husband_certificate",
           "wife_id_number", "wife_name", "wife_certificate", "husband_household_division",
           "wife_household_division", "divorced_on", "divorce_ref")
BELOW_LEGAL_AGE = rules.BELOW_LEGAL_AGE  # M-12: imported with this review flag, never refused


class HistoricalRecord(Model):
    """One paper-era registration, as a row of the import file or an item of the batch endpoint."""

    record_ref: RecordRef
    registered_on: dt.date
    office: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^MR-[0-9]{6}$")]
    husband_id_number: IdNumberText
    husband_name: PersonName
    husband_certificate: CertificateNumber
    wife_id_number: IdNumberText
    wife_name: PersonName
    wife_certificate: CertificateNumber
    husband_household_division: DivisionCode | None = None
    wife_household_division: DivisionCode | None = None
    divorced_on: dt.date | None = None  # a paper divorce: the imported marriage ended that day
    divorce_ref: RecordRef | None = None  # the divorce certificate or judgment number on paper


@dataclass(frozen=True)
class Checked:
    row: int
    record: HistoricalRecord
    husband: IdNumber
    wife: IdNumber
    households: tuple[str, str]
    review: tuple[str, ...] = ()  # M-12 review flags: imported, listed for a registrar to look at

    @property
    def in_force_until(self) -> dt.date | None:
        """The paper divorce's day, or None: the marriage is in force."""
        return self.record.divorced_on

    def overlaps(self, other: Checked) -> bool:
        """Two imported marriages of one person overlap unless one was divorced by the other's date."""
        first, second = sorted((self, other), key=lambda item: item.record.registered_on)
        return first.in_force_until is None or first.in_force_until > second.record.registered_on

    @cached_property
    def registration_id(self) -> str:
        """The same paper record (office, certificate numbers) always gets the same id: a re-import finds
        it, imported or recorded as a conflict."""
        return derived_id_text("marriage", "historical", self.record.office, self.record.husband_certificate,
                               self.record.wife_certificate)

    @property
    def certificates(self) -> tuple[str, str]:
        return self.record.husband_certificate, self.record.wife_certificate


def check_record(row: int, record: HistoricalRecord, today: dt.date) -> Checked:
    """The record's own consistency (raises a Refusal: `invalid`)."""
    office = rules.check_office(record.office)
    if record.registered_on > today:
        raise rules.refusal(BUSINESS_DATE_IN_FUTURE, "registered_on is in the future", field="registered_on")
    husband = rules.second_generation(rules.check_id_number(record.husband_id_number, today, "husband_id_number",
                                                      allow_first_generation=True), today)
    wife = rules.second_generation(rules.check_id_number(record.wife_id_number, today, "wife_id_number",
                                                   allow_first_generation=True), today)
    if (husband.sex, wife.sex) != ("male", "female") or husband.value == wife.value:
        raise rules.refusal(rules.NOT_ONE_MAN_ONE_WOMAN, "the husband's number is a man's, the wife's a woman's (M-2)")
    if min(husband.birth_date, wife.birth_date) > record.registered_on:
        raise rules.refusal(BORN_AFTER_REGISTRATION, "a party was born after the registration date")
    if record.husband_certificate == record.wife_certificate:
        raise rules.refusal(CERTIFICATE_NUMBERS_REPEAT, "each party has a certificate of its own number")
    households = (rules.check_household_division(record.husband_household_division or husband.division,
                                                 "husband_household_division"),
                  rules.check_household_division(record.wife_household_division or wife.division,
                                                 "wife_household_division"))
    if record.divorced_on is not None and not record.registered_on <= record.divorced_on <= today:
        raise rules.refusal(DIVORCE_BEFORE_REGISTRATION, "divorced_on is before registered_on or in the future",
                            field="divorced_on")
    if office != record.office:
        record = record.model_copy(update={"office": office})
    return Checked(row, record, husband, wife, households, review_flags(husband, wife, record.registered_on))


def review_flags(husband: IdNumber, wife: IdNumber, on: dt.date) -> tuple[str, ...]:
    """M-12, M-1: a paper record below the minimum ages of its own date (the 1950 law's before 1981, dated
    parameters) is imported with a review flag, not refused: the state registered it; a registrar reviews it."""
    try:
        return tuple(rules.check_minimum_age((husband, wife), on))
    except NoRuleInForce:
        return ()


@dataclass
class BatchDecision:
    batch_id: str = ""
    imported: list[Checked] = field(default_factory=list)  # the records registered, in file order
    divorces: list[tuple[str, Draft]] = field(default_factory=list)  # paper divorces of imported records
    conflicts: list[Draft] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def registered(self) -> list[tuple[str, Draft]]:
        """(registration id, event) of each record imported. Built when asked: the bulk path writes the same
        events from the records' fields, their payloads built inside PostgreSQL (adapters/historical.py), so
        a batch of a thousand no longer builds a thousand payloads only to encode them."""
        return [(item.registration_id, registration_draft(item, self.batch_id)) for item in self.imported]


def result(row: int, ref: str | None, status: str, **extra: Any) -> dict[str, Any]:
    return {"row": row, "record_ref": ref, "status": status, **extra}


def invalid(row: int, ref: str | None, refusal: Refusal) -> dict[str, Any]:
    return result(row, ref, "invalid", code=refusal.code, detail=refusal.detail)


def decide_batch(checked: Sequence[Checked], married: Mapping[str, str], taken: Mapping[str, str],
                 batch_id: str, recorded: Set[str] = frozenset()) -> BatchDecision:
    """`married`: person → registration id of a current marriage; `taken`: certificate number → the
    registration holding it; `recorded`: records whose conflict an earlier run recorded (reported again,
    recorded once). Records are taken in file order: the first of two marriages of one person in the import
    is imported, the second is a conflict."""
    decision = BatchDecision(batch_id)
    seen_persons: dict[str, list[Checked]] = {}
    seen_numbers: set[str] = set()
    # The loop runs once per record of an import (a thousand a batch): each test is written out for the two
    # persons and the two numbers, where sets and generators per record cost more than the tests themselves.
    for item in checked:
        record, registration_id = item.record, item.registration_id
        persons = husband, wife = (item.husband.value, item.wife.value)
        first, second = item.certificates
        first_holder, second_holder = taken.get(first), taken.get(second)
        if first_holder == registration_id and second_holder == registration_id:
            decision.results.append(result(item.row, record.record_ref, "already_imported",
                                           registration_id=registration_id))
            continue
        reason = None
        if (husband in seen_persons or wife in seen_persons) and any(
                item.overlaps(earlier) for person in persons for earlier in seen_persons.get(person, ())):
            reason = "twice_married_in_import"
        elif item.in_force_until is None and (married.get(husband) or married.get(wife)):
            reason = rules.ALREADY_MARRIED
        elif (first_holder is not None or second_holder is not None or first in seen_numbers
              or second in seen_numbers):
            reason = CERTIFICATE_NUMBER_TAKEN
        if reason is not None:
            if registration_id not in recorded:
                decision.conflicts.append(conflict_draft(item, reason, batch_id))
            decision.results.append(result(item.row, record.record_ref, "conflict", code=reason))
            continue
        seen_persons.setdefault(husband, []).append(item)
        seen_persons.setdefault(wife, []).append(item)
        seen_numbers.add(first)
        seen_numbers.add(second)
        decision.imported.append(item)
        if item.in_force_until is not None:
            decision.divorces.append((registration_id, divorce_draft(item, batch_id)))
        extra = {"review": list(item.review)} if item.review else {}
        decision.results.append(result(item.row, record.record_ref, "imported", registration_id=registration_id,
                                       **extra))
    return decision


@lru_cache(maxsize=4096)  # an import's records share their dates: the lookup once per date
def jurisdiction_on(on: dt.date) -> str | None:
    """The M-6 phase in force on a record's date (its event's `jurisdiction`), None before the first."""
    try:
        return parameters.jurisdiction(on)
    except NoRuleInForce:
        return None


@lru_cache(maxsize=4096)  # a file's records come from few offices and counties
def cross_county(office: str, households: tuple[str, str]) -> bool:
    return rules.is_cross_county(office, households)


def registration_draft(item: Checked, batch_id: str) -> Draft:
    """The event of an imported record. The bulk path (adapters/historical.py, migrations 0013) builds the same
    payload inside PostgreSQL from the fields this reads: a change here is a change there."""
    record = item.record
    payload = {
        "registration_id": item.registration_id, "office": record.office,
        "office_division": rules.office_division(record.office), "registered_on": record.registered_on.isoformat(),
        "parties": [{"id_number": item.husband.value, "sex": "male", "household_division": item.households[0],
                     "name": record.husband_name, "recorded_id_number": record.husband_id_number.strip()},
                    {"id_number": item.wife.value, "sex": "female", "household_division": item.households[1],
                     "name": record.wife_name, "recorded_id_number": record.wife_id_number.strip()}],
        "certificates": [{"number": record.husband_certificate, "id_number": item.husband.value},
                         {"number": record.wife_certificate, "id_number": item.wife.value}],
        "cross_county": cross_county(record.office, item.households), "imported": True,
        "jurisdiction": jurisdiction_on(record.registered_on), "batch_id": batch_id, "record_ref": record.record_ref,
    }
    if item.review:
        payload["review"] = list(item.review)
    return Draft(ev.MARRIAGE_REGISTERED, record.registered_on, payload, parties(item.husband.value, item.wife.value))


def divorce_draft(item: Checked, batch_id: str) -> Draft:
    """M-12: a paper divorce ends the imported marriage on its day (the marriage's stream, version 2)."""
    record = item.record
    assert record.divorced_on is not None
    payload = {"divorce_id": derived_id_text("marriage", "historical-divorce", item.registration_id),
               "registration_id": item.registration_id, "office": record.office,
               "registered_on": record.divorced_on.isoformat(), "certificates": [], "imported": True,
               "divorce_ref": record.divorce_ref, "batch_id": batch_id, "record_ref": record.record_ref}
    return Draft(ev.DIVORCE_REGISTERED, record.divorced_on, payload, parties(item.husband.value, item.wife.value))


def conflict_draft(item: Checked, reason: str, batch_id: str) -> Draft:
    record = item.record
    payload = {"batch_id": batch_id, "record_id": item.registration_id, "record_ref": record.record_ref,
               "row": item.row, "reason": reason,
               "registered_on": record.registered_on.isoformat(), "office": record.office,
               "parties": [item.husband.value, item.wife.value], "certificates": list(item.certificates)}
    return Draft(ev.HISTORICAL_RECORD_CONFLICTED, record.registered_on, payload,
                 parties(item.husband.value, item.wife.value))
