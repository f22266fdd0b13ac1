"""The adoption service's events (exchange `adoption.events`, routing key = type), one frozen model per type
and schema version. Every adoption event is `protected` (A-14); the record of a sealed adoption's origins is
a class of its own, `sealed` (the timeline's access.yaml).

Subjects: the child `adoptee`, each adopter `adopter`; in an adoption that is not sealed, a placing parent
`birth_parent` and a placing guardian `guardian`. A sealed adoption names its placing party only in
`AdoptionSealed`; a placing parent then has only `ChildPlaced`, on a stream of its own, which names neither the
child nor the adopters.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from shared.reference.events import EventCatalogue, EventModel, EventPart, Upcasters


class Person(EventPart):
    id_number: str
    name: str


class PriorRightRecorded(EventPart):
    """A-3 (1108): what the dead parent's parents said of their priority to raise the child."""

    outcome: str = Field(description="waived, none_living or exercised (A-3, Civil Code 1108)")
    document_ref: str | None = Field(default=None, description="their written statement's reference")


class DocumentCited(EventPart):
    """A-9: a document as a reference: kind, issuer, number, date (and whose, where it is one person's)."""

    kind: str = Field(description="the kind of document (A-9): health_certificate, finding_report, …")
    issuer: str = Field(description="who issued it")
    number: str = Field(description="its number or reference")
    issued_on: dt.date = Field(description="its date")
    holder_id_number: str | None = Field(default=None, description="the person it is about, where one")


class Placing(EventPart):
    kind: str
    id_number: str | None = None
    name: str | None = None
    institution: str | None = None
    other_parent: str | None = Field(
        default=None, description="the other birth parent: joins, unknown, untraceable or deceased (A-3, 1097)")
    other_parent_id_number: str | None = Field(default=None, description="the other birth parent, when it joins")
    grandparents_priority: PriorRightRecorded | None = Field(
        default=None, description="the dead parent's parents' priority and what they said (A-3, 1108)")
    support_consent: bool | None = Field(
        default=None, description="those owing an orphan support consented to its guardian placing it (A-3, 1096)")


class Certificate(EventPart):
    """K-1, K-2: a copy issued: its 字号 and holder (the verification code never travels in an event)."""

    number: str
    kind: str  # adoption | adoption_dissolution
    holder_id_number: str


class AssessmentRecorded(EventModel):
    """A-10: an assessment of the adopters. Stream `assessment-<id>`. Subjects: adopters."""

    TYPE = "adoption.AssessmentRecorded"

    assessment_id: str = Field(description="the assessment the registration relied on (A-10)")
    adopters: tuple[Person, ...] = Field(description="the adopters: ID number and name of each")
    outcome: str
    assessed_on: dt.date = Field(description="the date of the assessment report (A-10)")
    assessor: str = Field(description="the department's team or the commissioned third party (A-10)")
    office: str | None = None
    report_ref: str | None = Field(default=None, description="the assessment report's reference")
    consented_on: dt.date | None = Field(
        default=None, description="the day the adopters consented to the assessment; the report is due within 60 "
                                  "days of it, the living-together period not counted (A-10)")


class AssessmentConsented(EventModel):
    """A-10: the adopters consented to the assessment; its report is due within 60 days, the living-together
    period not counted. Stream `assessment-<id>` (the report follows as `AssessmentRecorded`). Subjects: adopters."""

    TYPE = "adoption.AssessmentConsented"

    assessment_id: str = Field(description="the assessment (stream `assessment-<id>`, A-10)")
    adopters: tuple[Person, ...] = Field(description="the adopters: ID number and name of each")
    consented_on: dt.date = Field(description="the day the adopters consented to the assessment (A-10)")
    assessor: str = Field(description="the department's team or the commissioned third party (A-10)")
    office: str | None = None


class LivingTogetherRecorded(EventModel):
    """A-10: the period the adopters and the child live together (融合期), not counted in the report's 60 days;
    a later record replaces an earlier one. Stream `assessment-<id>`. Subjects: adopters."""

    TYPE = "adoption.LivingTogetherRecorded"

    assessment_id: str = Field(description="the assessment (stream `assessment-<id>`, A-10)")
    started_on: dt.date = Field(description="the first day of living together (A-10)")
    ended_on: dt.date | None = Field(default=None, description="its last day; absent while it runs (A-10)")


class FoundlingNoticePublished(EventModel):
    """A-11: a notice seeking a foundling's parents, running 60 days. Stream `notice-<id>`. Subjects: child."""

    TYPE = "adoption.FoundlingNoticePublished"

    notice_id: str = Field(description="the foundling notice (stream `notice-<id>`)")
    office: str
    child: Person = Field(description="the child: ID number and name")
    description: str
    published_on: dt.date
    runs_until: dt.date = Field(
        description="the first day the child may be registered (60 days after publication, A-11)")


class FoundlingClaimed(EventModel):
    """A-11: the child was claimed within the notice. Stream `notice-<id>`. Subjects: child."""

    TYPE = "adoption.FoundlingClaimed"

    notice_id: str = Field(description="the foundling notice (stream `notice-<id>`)")
    claimed_on: dt.date = Field(description="the day the child was claimed (A-11)")
    note: str | None = Field(default=None, description="what the registrar noted")


class AdoptionRegistered(EventModel):
    """A-12, A-13: the adoption is registered; the relationship exists from `registered_on`. Stream
    `adoption-<id>`. Subjects: adoptee, adopters; birth_parent or guardian unless `sealed`."""

    TYPE = "adoption.AdoptionRegistered"

    adoption_id: str = Field(description="the adoption (stream `adoption-<id>`)")
    office: str
    registered_on: dt.date
    child: Person = Field(description="the child: ID number and name")
    adopters: tuple[Person, ...] = Field(description="the adopters: ID number and name of each")
    sealed: bool = Field(
        description="whether the parties asked for secrecy (A-14): then the placing party is only in `AdoptionSealed`")
    certificates: tuple[Certificate, ...]
    relation: str = "none"
    situation: str | None = Field(
        default=None, description="why the child may be adopted (A-2): orphan, parents_unknown, parents_in_difficulty")
    placing_party: Placing | None = Field(
        default=None, description="who placed the child (A-3): kind, ID number or institution")
    assessment_id: str | None = Field(default=None, description="the assessment the registration relied on (A-10)")
    unsuitable_reason: str | None = Field(
        default=None, description="why the adoption was registered after an `unsuitable` assessment (A-10)")
    statement_ref: str | None = Field(
        default=None, description="the adopters' signed statement of marital status and children (A-4, A-9)")
    application_id: str | None = Field(default=None, description="the application this decides (A-12)")
    documents: tuple[DocumentCited, ...] = Field(default=(), description="the documents cited, as references (A-9)")


class AdoptionSealed(EventModel):
    """A-14: the parties asked for secrecy: the adoption's origins, readable only by the `sealed` class.
    Stream `adoption-<id>`. Subjects: adoptee, the placing party (birth_parent or guardian)."""

    TYPE = "adoption.AdoptionSealed"

    adoption_id: str = Field(description="the adoption (stream `adoption-<id>`)")
    requested_by: str = Field(description="who asked for secrecy: adopters, placing_party or both (A-14)")
    placing_party: Placing = Field(
        description="who placed the child (A-3): kind, ID number or institution")
    situation: str = Field(
        description="why the child may be adopted (A-2): orphan, parents_unknown, parents_in_difficulty")


class ChildPlaced(EventModel):
    """A-14: a parent placed a child for adoption (sealed: nothing more). Stream `placement-<id>`.
    Subjects: birth_parent."""

    TYPE = "adoption.ChildPlaced"

    placement_id: str = Field(description="the placement record (stream `placement-<id>`), linked to no adoption")
    placed_on: dt.date = Field(description="the day the child was placed for adoption")


class AdoptionDissolved(EventModel):
    """A-16: dissolved by agreement (certificate taken back, 解除收养关系证明 issued) or by a court. Stream
    `adoption-<id>`. Subjects: adoptee, adopters."""

    TYPE = "adoption.AdoptionDissolved"

    adoption_id: str = Field(description="the adoption (stream `adoption-<id>`)")
    by: str = Field(description="who ended it: `agreement` or `court` (A-16); `court` or `registry` (A-17)")
    dissolved_on: dt.date = Field(description="the day the adoption was dissolved (A-16)")
    document_ref: str | None = None
    certificates: tuple[Certificate, ...] = ()
    invalidated: tuple[str, ...] = Field(
        default=(), description="the 收养登记证 numbers no longer valid from this day (K-6)")
    office: str | None = Field(default=None, description="the registry office that recorded it (A-16)")
    household_division: str | None = Field(
        default=None, description="the adoptee's household registration, the office's county (A-16, by agreement)")
    adoptee_minor: bool | None = Field(default=None, description="the adoptee was under 18 on that day (A-16)")
    birth_relations_revived: bool | None = Field(
        default=None, description="the birth family's relations revive: a minor's by law, an adult's as agreed (1117)")
    birth_parents: tuple[Person, ...] = Field(
        default=(), description="the birth parents whose relations revive (subjects `birth_parent`, A-16)")
    application_id: str | None = Field(default=None, description="the application this decides (A-12)")


class AdoptionRevoked(EventModel):
    """A-17: void from the start (a court) or revoked (the registry, fraud). Stream `adoption-<id>`.
    Subjects: adoptee, adopters."""

    TYPE = "adoption.AdoptionRevoked"

    adoption_id: str = Field(description="the adoption (stream `adoption-<id>`)")
    by: str = Field(description="who ended it: `agreement` or `court` (A-16); `court` or `registry` (A-17)")
    revoked_on: dt.date
    document_ref: str
    reason: str | None = None
    invalidated: tuple[str, ...] = Field(
        default=(), description="the 收养登记证 numbers no longer valid from this day (K-6)")


class ApplicationReceived(EventModel):
    """A-12: an application received in person, to be decided within 30 days from the day after receipt.
    Stream `application-<id>`. Subjects: adoptee, adopters."""

    TYPE = "adoption.ApplicationReceived"

    application_id: str = Field(description="the application (stream `application-<id>`, A-12)")
    office: str = Field(description="the registry office that received it")
    kind: str = Field(description="registration or dissolution (A-12, A-16)")
    child: Person = Field(description="the child: ID number and name")
    adopters: tuple[Person, ...] = Field(description="the adopters: ID number and name of each")
    received_on: dt.date = Field(description="the day of receipt; the 30 days run from the next (A-12)")
    adoption_id: str | None = Field(default=None, description="the adoption a dissolution application concerns")


class ApplicationRefused(EventModel):
    """A-12: the registrar refused the application, with the rules' codes. Stream `application-<id>`.
    Subjects: adoptee, adopters."""

    TYPE = "adoption.ApplicationRefused"

    application_id: str = Field(description="the application (stream `application-<id>`, A-12)")
    refused_on: dt.date = Field(description="the day of the decision (A-12)")
    codes: tuple[str, ...] = Field(description="the refusal codes of the rules not met (A-2 to A-11)")
    reason: str = Field(description="the reason given to the applicants")


UPCASTERS = Upcasters()

CATALOGUE = EventCatalogue(
    "adoption",
    (AssessmentRecorded, AssessmentConsented, LivingTogetherRecorded, FoundlingNoticePublished, FoundlingClaimed,
     AdoptionRegistered, AdoptionSealed, ChildPlaced, AdoptionDissolved, AdoptionRevoked, ApplicationReceived,
     ApplicationRefused),
    UPCASTERS,
)
