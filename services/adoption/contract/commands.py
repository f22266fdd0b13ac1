"""The adoption commands' bodies (api.md release 2, "Adoption — /v1/adoption"): shapes only, validated
strictly by the gateway and again by the service. Fields beyond the api.md ones are optional and say what the
rules need (A-4's signed statement, A-8's relation, A-10's reason, A-14's secrecy).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.reference.contract import Command as Model
from shared.reference.contract import Version
from shared.reference.text import IdNumberText, PersonName, line, text

OfficeCode = Annotated[str, StringConstraints(pattern=r"^MR-[0-9]{6}$")]
DocumentRef = line(80)
Note = text(500)
Institution = line(100)

Situation = Literal["orphan", "parents_unknown", "parents_in_difficulty"]
PlacingKind = Literal["guardian", "parent", "institution"]
Relation = Literal["none", "collateral_relative", "step_parent"]
SecrecyRequestedBy = Literal["adopters", "placing_party", "both"]


class AdoptionParty(Model):
    id_number: IdNumberText
    name: PersonName


class Adopter(AdoptionParty):
    """A-4, A-6: what the adopter's signed statement says (A-9): married, and how many children (biological
    and step-children; civreg adds the adoptions it registered itself)."""

    married: bool = False
    children: int = Field(default=0, ge=0, le=20)


class AdoptedChild(AdoptionParty):
    """A-2: why the child may be adopted; A-5: a disabled child is exempt from the limit."""

    situation: Situation = "parents_in_difficulty"
    disabled: bool = False


class PlacingParty(Model):
    """A-3: who places the child: its guardian, a parent, or the institution caring for it."""

    kind: PlacingKind
    id_number: IdNumberText | None = None
    name: PersonName | None = None
    institution: Institution | None = None


class RecordAssessment(Model):
    """A-10: the assessment of the adopters' ability, by the department's team or a commissioned third party."""

    adopters: list[AdoptionParty] = Field(min_length=1, max_length=2)
    outcome: Literal["suitable", "unsuitable"]
    assessed_on: dt.date
    assessor: line(100)
    office: OfficeCode | None = None
    report_ref: DocumentRef | None = None


class PublishFoundlingNotice(Model):
    """A-11: the notice seeking a foundling's parents; it describes the child, never the adopters."""

    office: OfficeCode
    child: AdoptionParty
    description: Note
    published_on: dt.date | None = None


class ClaimFoundling(Model):
    """A-11: the parents or relatives came forward within the notice: the child cannot be adopted."""

    claimed_on: dt.date | None = None
    note: Note | None = None
    version: Version | None = None


class RegisterAdoption(Model):
    """A-2 to A-14: register an adoption and issue the 收养登记证 (K-1)."""

    office: OfficeCode
    adopters: list[Adopter] = Field(min_length=1, max_length=2)
    child: AdoptedChild
    placing_party: PlacingParty
    child_consent: bool | None = None
    registered_on: dt.date | None = None
    relation: Relation = "none"
    birth_parents_consent: bool | None = None
    statement_ref: DocumentRef | None = None
    unsuitable_reason: Note | None = None
    sealed_at_request_of: SecrecyRequestedBy | None = None


class DissolveAdoption(Model):
    """A-16: by agreement at the registry (the 解除收养关系证明 issued), or by a court's judgment."""

    by: Literal["agreement", "court"]
    document_ref: DocumentRef | None = None
    dissolved_on: dt.date
    child_consent: bool | None = None
    version: Version | None = None


class RevokeAdoption(Model):
    """A-17: a court found the adoption invalid, or the registry revokes a registration obtained by fraud."""

    by: Literal["court", "registry"]
    document_ref: DocumentRef
    revoked_on: dt.date
    reason: Note | None = None
    version: Version | None = None
