"""The marriage service's events: what it records and publishes (exchange `marriage.events`, routing key =
type). Every type is schema version 1; payload fields are only ever added (docs/events.md, "marriage").

Persons are `{id: ID number, role: "party"}` unless said otherwise; `occurred_on` is the business date.

Stream `marriage-<registration_id>` (one per registration, whatever happens to it later):
* `marriage.MarriageRegistered` — `registration_id`, `office`, `office_division`, `registered_on`,
  `parties` (`[{id_number, sex, household_division, name}]`), `certificates` (`[{number, id_number}]`, one
  字号 on both copies, K-3), `cross_county` (bool), `imported` (bool), `jurisdiction` (the M-6 phase it was
  judged by), and for imports `batch_id`, `record_ref`.
* `marriage.CertificateReissued` (M-7) — subject the party; `registration_id`, `id_number`, `old_number`,
  `new_number`, `reason`, `reissued_on`.
* `marriage.DivorceRegistered` (M-8) — `divorce_id`, `registration_id`, `office`, `registered_on`,
  `certificates` (`[{number, id_number}]`). It ends the marriage, so it lives on the marriage's stream.
* `marriage.DivorceCertificateReissued` (M-7, K-6) — subject the party; `registration_id`, `divorce_id`,
  `id_number`, `old_number`, `new_number` (`BL`, the reissuing office's), `reason`, `reissued_on`, `office`.
* `marriage.CourtOutcomeRecorded` (M-9) — `registration_id`, `kind` (`divorce`, `void`, `annulled`),
  `court`, `document_ref`, `effective_on`.
* `marriage.RegistrationRevoked` (M-10) — both parties, the fraudulent one also as `dishonest`;
  `registration_id`, `reason`, `document_ref`, `dishonest_id_number`, `revoked_on`.
* `marriage.MarriageEndedByDeath` (M-11, D-4) — `{id, role: "deceased"}`, `{id, role: "survivor"}`;
  `registration_id`, `died_on`, `death_id`, `basis` (`declared` for a court's death declaration, whose id
  `death_id` then is; ended on the judgment date).
* `marriage.MarriageRevived` (M-11, D-5, D-11) — `registration_id`, `reason` (`death_corrected`,
  `death_withdrawn`, `declaration_revoked`), `death_id`, `revived_on` (D-5: in force again from that date;
  absent: the death never ended it).
* `marriage.MarriageNotRevived` (D-5) — both parties; `registration_id`, `declaration_id`, `reason`
  (`survivor_remarried`, `spouse_statement`), `divorced_on` (the revocation date).
* `marriage.MarriageFlaggedForReview` (M-11, D-11) — `registration_id`, `reason` (`registered_after_death`,
  `spouse_death_withdrawn`), `died_on`, `death_id`; occurred_on = the registration date it questions.
* `marriage.DeathDateCorrected` (M-11, F-7) — both parties; `registration_id`, `death_id`, `died_on` (the
  corrected date the marriage ended on), `previous_died_on`.

Stream `blank-<number>` (M-7, K-5, certificate stock): `marriage.CertificateBlankVoided` — no persons; `number`,
`office`, `reason`, `voided_on`: a spoiled blank, void for good. `marriage.CertificateBlankIssued` — the holder
as `holder`; `number`, `office`, `certificate_number`, `id_number`, `issued_on`: a copy printed on the blank.

Stream `blank-receipt-<receipt_id>` (K-5): `marriage.CertificateBlanksReceived` — no persons; `receipt_id`,
`office`, `series`, `first`, `last`, `received_on`: blanks `<series><first..last, eight digits>` received.

Stream `statement-<number>` (K-7): `marriage.RecordStatementIssued` — the person as `holder`; `number` (its own
`ZM` serial), `office`, `id_number`, `name`, `purpose`, `destination`, `proxy_id_number`, `proxy_name`,
`registrations` (`[{kind, registered_on, office, number}]`, empty for the no-record statement), `issued_on`.

A copy's verification code (K-8) is in no event: only its hash, in the service's `certificate_codes` table.

Stream `divorce-<divorce_id>` (M-8, divorce by agreement):
* `marriage.DivorceApplied` — `divorce_id`, `registration_id`, `office`, `applied_on`, `agreement`
  (`{children, property, debts}`), `withdraw_until`, `register_from`, `register_until`.
* `marriage.DivorceWithdrawn` — `divorce_id`, `registration_id`, `office`, `by_id_number`, `withdrawn_on`.
* `marriage.DivorceDeemedWithdrawn` — `divorce_id`, `registration_id`, `office`, `register_until`; recorded by
  the service's scheduled check the day after the registration window ended, by nobody's action.
* `marriage.DivorceApplicationClosed` — `divorce_id`, `registration_id`, `office`, `reason` (`death`,
  `marriage_ended`), `closed_on`: the marriage ended otherwise while the application was pending.

Stream `refusal-<refusal_id>` (M-5):
* `marriage.RegistrationRefused` — the applicants; `refusal_id`, `office`, `reasons` (rule codes),
  `refused_on`.

Stream `appointment-<appointment_id>` (M-13):
* `marriage.AppointmentBooked` — `appointment_id`, `office`, `date`, `kind` (`marriage`, `divorce`),
  `id_numbers`; `marriage.AppointmentCancelled` (`cancelled_on`); `marriage.AppointmentMissed`
  (no-show, `date`).

Stream `import-<batch_id>` (M-12): `marriage.HistoricalRecordConflicted` — the persons of the record;
`batch_id`, `record_ref`, `row`, `reason` (`twice_married_in_import`, `already_married`,
`certificate_number_taken`, …), `registered_on`, `office`, `parties`, `certificates`: a paper record
that could not be imported as it stands is kept for review, not dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.marriage.contract import events as contract
from shared import envelope

MARRIAGE_REGISTERED = contract.MarriageRegistered.TYPE
REGISTRATION_REFUSED = contract.RegistrationRefused.TYPE
CERTIFICATE_REISSUED = contract.CertificateReissued.TYPE
DIVORCE_CERTIFICATE_REISSUED = contract.DivorceCertificateReissued.TYPE
RECORD_STATEMENT_ISSUED = contract.RecordStatementIssued.TYPE
DIVORCE_APPLIED = contract.DivorceApplied.TYPE
DIVORCE_WITHDRAWN = contract.DivorceWithdrawn.TYPE
DIVORCE_DEEMED_WITHDRAWN = contract.DivorceDeemedWithdrawn.TYPE
DIVORCE_APPLICATION_CLOSED = contract.DivorceApplicationClosed.TYPE
DIVORCE_REGISTERED = contract.DivorceRegistered.TYPE
COURT_OUTCOME_RECORDED = contract.CourtOutcomeRecorded.TYPE
REGISTRATION_REVOKED = contract.RegistrationRevoked.TYPE
MARRIAGE_ENDED_BY_DEATH = contract.MarriageEndedByDeath.TYPE
MARRIAGE_REVIVED = contract.MarriageRevived.TYPE
MARRIAGE_NOT_REVIVED = contract.MarriageNotRevived.TYPE
MARRIAGE_FLAGGED_FOR_REVIEW = contract.MarriageFlaggedForReview.TYPE
DEATH_DATE_CORRECTED = contract.DeathDateCorrected.TYPE
APPOINTMENT_BOOKED = contract.AppointmentBooked.TYPE
APPOINTMENT_CANCELLED = contract.AppointmentCancelled.TYPE
APPOINTMENT_MISSED = contract.AppointmentMissed.TYPE
HISTORICAL_RECORD_CONFLICTED = contract.HistoricalRecordConflicted.TYPE
CERTIFICATE_BLANK_VOIDED = contract.CertificateBlankVoided.TYPE
CERTIFICATE_BLANKS_RECEIVED = contract.CertificateBlanksReceived.TYPE
CERTIFICATE_BLANK_ISSUED = contract.CertificateBlankIssued.TYPE

SCHEMA_VERSIONS = contract.CATALOGUE.schema_versions

# Steps from an old payload shape to the next; none yet, every type is at version 1.
UPCASTERS = contract.CATALOGUE.upcasters


def marriage_stream(registration_id: str) -> str:
    return f"marriage-{registration_id}"


def statement_stream(number: str) -> str:
    return f"statement-{number}"


def divorce_stream(divorce_id: str) -> str:
    return f"divorce-{divorce_id}"


def refusal_stream(refusal_id: str) -> str:
    return f"refusal-{refusal_id}"


def appointment_stream(appointment_id: str) -> str:
    return f"appointment-{appointment_id}"


def blank_stream(number: str) -> str:
    return f"blank-{number}"


def receipt_stream(receipt_id: str) -> str:
    return f"blank-receipt-{receipt_id}"


def import_stream(batch_id: str) -> str:
    return f"import-{batch_id}"


def parties(*id_numbers: str, role: str = "party") -> tuple[tuple[str, str], ...]:
    return tuple((id_number, role) for id_number in id_numbers)


@dataclass(frozen=True)
class Draft(envelope.Draft):
    """An event a decision produced, before the store gives it an id, a position and metadata."""

    SCHEMA_VERSIONS = SCHEMA_VERSIONS
