"""Commands of relief work, as the service accepts them over RPC (imperative names: `TakeIn`, `RecordExit`).

The gateway validates the HTTP bodies with its own models (the HTTP contract); these validate again at
the service's door, because RPC is an interface of its own. Every text has a maximum length and refuses
control characters and bidirectional overrides (they hide what a record says); names allow letters,
marks, spaces and `·.'-` only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, RootModel, StringConstraints, field_validator

from shared.reference.contract import Command
from shared.reference.contract import Version as StoredVersion
from shared.reference.text import DivisionCode, IdNumberText, PersonName, Phone, line, text

# Control characters, line and paragraph separators, bidirectional embeddings, overrides and isolates.
Relation = line(20)  # 儿子, neighbour, …
Line100 = line(100)
Line200 = line(200)
Text500 = text(500)
Text1000 = text(1000)
StationCode = Annotated[str, StringConstraints(pattern=r"^RS-[0-9]{6}(-[1-9][0-9]{0,3})?$")]
Money = Annotated[Decimal, Field(ge=0, le=1_000_000, max_digits=9, decimal_places=2)]

Sex = Literal["male", "female"]
Source = Literal["patrol", "police", "department", "walk_in"]
Flag = Literal["minor", "elderly", "disabled", "mental", "intellectual", "ill", "injured",
               "infectious_suspected", "pregnant"]
ServiceKind = Literal["food", "lodging", "medical", "ticket", "cash", "contact_family"]
FamilySearchStep = Literal["notice", "dna_requested", "dna_result", "match"]
IdentificationMethod = Literal["self_reported", "documents", "family", "police", "dna", "face_recognition",
                               "fingerprint", "other"]
RefusalReason = Literal["self_sufficient", "refuses_to_give_information", "not_in_scope", "declined_aid"]
TransferTarget = Literal["minors_protection", "hospital", "care_home"]
WatchCondition = Literal["dementia", "mental", "intellectual", "other"]
RegisteredTier = Literal["township", "village"]
Version = StoredVersion | None  # the case version the caller read (api.md If-Match), checked when given


class PersonDetails(Command):
    id_number: IdNumberText | None = None
    name: PersonName | None = None
    sex: Sex | None = None
    estimated_age: int | None = Field(default=None, ge=0, le=120)
    description: Text1000 | None = None


class Relative(Command):
    name: PersonName | None = None
    relation: Relation
    phone: Phone | None = None
    address: Line200 | None = None


class Belonging(Command):
    item: Line100
    quantity: int = Field(default=1, ge=1, le=10_000)
    note: Line200 | None = None


def _unique_sorted(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


class TakeIn(Command):
    """V-2: take a person in at a station."""

    station: StationCode
    arrived_at: AwareDatetime | None = None  # default: now
    source: Source
    source_detail: Line200 | None = None  # the police unit, the department
    reason: Text500 | None = None  # why the person needs aid
    person: PersonDetails
    flags: tuple[Flag, ...] = Field(default=(), max_length=9)
    consent: bool
    speaks_for_self: bool = True
    belongings: tuple[Belonging, ...] = Field(default=(), max_length=50)
    relatives: tuple[Relative, ...] = Field(default=(), max_length=10)

    _flags = field_validator("flags")(_unique_sorted)


class RefuseAid(Command):
    """V-2: someone who asked is not eligible; the refusal is recorded with its reason."""

    station: StationCode
    refused_on: dt.date | None = None
    source: Source
    person: PersonDetails
    reason: RefusalReason
    detail: Text500 | None = None


class Identify(Command):
    """V-6, 0.5: the person's ID number is established; the temporary subject id is linked to it."""

    id_number: IdNumberText
    method: IdentificationMethod
    identified_on: dt.date | None = None
    detail: Text500 | None = None
    version: Version = None


class ProvideService(Command):
    """V-4: food, lodging, medical care, a ticket home, cash (at most 20 元), contacting family."""

    kind: ServiceKind
    detail: Text500 | None = None
    amount: Money | None = None
    provided_on: dt.date | None = None
    version: Version = None


class RecordFamilySearch(Command):
    """V-6: a step of the family search for an unidentified person."""

    step: FamilySearchStep
    detail: Text500 | None = None
    at: AwareDatetime | None = None  # default: now
    version: Version = None


class ReferToHospital(Command):
    """V-3: a screening during the stay (not only at intake) finds suspected mental or infectious illness, a
    critical illness or an injury: the person is referred to hospital."""

    reasons: tuple[Literal["mental", "infectious_suspected", "ill", "injured"], ...] = Field(min_length=1,
                                                                                          max_length=4)
    referred_on: dt.date | None = None
    version: Version = None

    _reasons = field_validator("reasons")(_unique_sorted)


class FileExtension(Command):
    """V-5: a stay beyond the limit needs an extension filing."""

    until: dt.date
    reason: Text500
    filed_on: dt.date | None = None
    version: Version = None


class _Exit(Command):
    exited_on: dt.date | None = None
    detail: Text500 | None = None
    version: Version = None


class SelfDeparture(_Exit):
    kind: Literal["self_departure"]
    declaration_signed: bool  # V-7: leaving by one's own declaration


class Collected(_Exit):
    kind: Literal["collected"]
    collected_by: PersonName | None = None
    relation: Relation


class Escorted(_Exit):
    kind: Literal["escorted"]
    destination_division: DivisionCode
    handed_to: Line100


class Transferred(_Exit):
    kind: Literal["transferred"]
    transferred_to: TransferTarget
    institution: Line100 | None = None


class Absconded(_Exit):
    kind: Literal["absconded"]


class Terminated(_Exit):
    kind: Literal["terminated"]
    reason: Text500


class Died(_Exit):
    kind: Literal["died"]
    died_on: dt.date
    place_division: DivisionCode
    natural: bool
    certificate_no: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-]{1,40}$")]
    issuer: Line100
    police_case: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-]{1,40}$")] | None = None


ExitDetails = Annotated[
    SelfDeparture | Collected | Escorted | Transferred | Absconded | Terminated | Died,
    Field(discriminator="kind"),
]


class Exit(RootModel[ExitDetails]):
    """How the case ends (V-8), with the fields of its kind: the request body of `record_exit`."""

    model_config = ConfigDict(frozen=True)


EXIT_KINDS = ("self_departure", "collected", "escorted", "transferred", "absconded", "terminated", "died")


class Settle(Command):
    """V-6: an unidentified person still unidentified after three months gets a household and a new ID
    number (落户安置), linked to the temporary subject id."""

    id_number: IdNumberText
    household_division: DivisionCode
    settled_on: dt.date | None = None
    version: Version = None


class RegisterStation(Command):
    """V-1: an admin registers a township aid point or a village consultation point."""

    code: StationCode
    tier: RegisteredTier
    name: Line100
    parent: StationCode
    registered_on: dt.date | None = None


class WatchContact(Command):
    name: PersonName
    relation: Relation
    phone: Phone


class AddToWatchList(Command):
    """V-10: a person prone to wandering or getting lost, with the family to call."""

    id_number: IdNumberText | None = None
    name: PersonName
    sex: Sex | None = None  # taken from the ID number when there is one
    birth_year: int | None = Field(default=None, ge=1900, le=2100)  # when the ID number is unknown
    condition: WatchCondition
    description: Text500 | None = None
    contacts: tuple[WatchContact, ...] = Field(min_length=1, max_length=5)
