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

from shared.reference.events import EventCatalogue, EventModel, EventPart, Upcasters


class Person(EventPart):
    id_number: str
    name: str


class Placing(EventPart):
    kind: str
    id_number: str | None = None
    name: str | None = None
    institution: str | None = None


class Certificate(EventPart):
    """K-1, K-2: a copy issued: its 字号 and holder (the verification code never travels in an event)."""

    number: str
    kind: str  # adoption | adoption_dissolution
    holder_id_number: str


class AssessmentRecorded(EventModel):
    """A-10: an assessment of the adopters. Stream `assessment-<id>`. Subjects: adopters."""

    TYPE = "adoption.AssessmentRecorded"

    assessment_id: str
    adopters: tuple[Person, ...]
    outcome: str
    assessed_on: dt.date
    assessor: str
    office: str | None = None
    report_ref: str | None = None


class FoundlingNoticePublished(EventModel):
    """A-11: a notice seeking a foundling's parents, running 60 days. Stream `notice-<id>`. Subjects: child."""

    TYPE = "adoption.FoundlingNoticePublished"

    notice_id: str
    office: str
    child: Person
    description: str
    published_on: dt.date
    runs_until: dt.date


class FoundlingClaimed(EventModel):
    """A-11: the child was claimed within the notice. Stream `notice-<id>`. Subjects: child."""

    TYPE = "adoption.FoundlingClaimed"

    notice_id: str
    claimed_on: dt.date
    note: str | None = None


class AdoptionRegistered(EventModel):
    """A-12, A-13: the adoption is registered; the relationship exists from `registered_on`. Stream
    `adoption-<id>`. Subjects: adoptee, adopters; birth_parent or guardian unless `sealed`."""

    TYPE = "adoption.AdoptionRegistered"

    adoption_id: str
    office: str
    registered_on: dt.date
    child: Person
    adopters: tuple[Person, ...]
    sealed: bool
    certificates: tuple[Certificate, ...]
    relation: str = "none"
    situation: str | None = None
    placing_party: Placing | None = None  # absent when sealed (see AdoptionSealed)
    assessment_id: str | None = None
    unsuitable_reason: str | None = None
    statement_ref: str | None = None


class AdoptionSealed(EventModel):
    """A-14: the parties asked for secrecy: the adoption's origins, readable only by the `sealed` class.
    Stream `adoption-<id>`. Subjects: adoptee, the placing party (birth_parent or guardian)."""

    TYPE = "adoption.AdoptionSealed"

    adoption_id: str
    requested_by: str
    placing_party: Placing
    situation: str


class ChildPlaced(EventModel):
    """A-14: a parent placed a child for adoption (sealed: nothing more). Stream `placement-<id>`.
    Subjects: birth_parent."""

    TYPE = "adoption.ChildPlaced"

    placement_id: str
    placed_on: dt.date


class AdoptionDissolved(EventModel):
    """A-16: dissolved by agreement (certificate taken back, 解除收养关系证明 issued) or by a court. Stream
    `adoption-<id>`. Subjects: adoptee, adopters."""

    TYPE = "adoption.AdoptionDissolved"

    adoption_id: str
    by: str
    dissolved_on: dt.date
    document_ref: str | None = None
    certificates: tuple[Certificate, ...] = ()
    invalidated: tuple[str, ...] = ()  # K-6: the 收养登记证 numbers no longer valid


class AdoptionRevoked(EventModel):
    """A-17: void from the start (a court) or revoked (the registry, fraud). Stream `adoption-<id>`.
    Subjects: adoptee, adopters."""

    TYPE = "adoption.AdoptionRevoked"

    adoption_id: str
    by: str
    revoked_on: dt.date
    document_ref: str
    reason: str | None = None
    invalidated: tuple[str, ...] = ()


UPCASTERS = Upcasters()

CATALOGUE = EventCatalogue(
    "adoption",
    (AssessmentRecorded, FoundlingNoticePublished, FoundlingClaimed, AdoptionRegistered, AdoptionSealed,
     ChildPlaced, AdoptionDissolved, AdoptionRevoked),
    UPCASTERS,
)
