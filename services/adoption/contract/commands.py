"""The adoption commands' bodies (api.md release 2, "Adoption — /v1/adoption"): shapes only, validated
strictly by the gateway and again by the service. Fields beyond the api.md ones are optional and say what the
rules need (A-4's signed statement, A-8's relation, A-10's reason, A-14's secrecy).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from shared.reference.contract import Command as Model
from shared.reference.contract import Version
from shared.reference.text import DivisionCode, IdNumberText, PersonName, line, text

OfficeCode = Annotated[str, StringConstraints(pattern=r"^MR-[0-9]{6}$")]
DocumentRef = line(80)
Note = text(500)
Institution = line(100)

Situation = Literal["orphan", "parents_unknown", "parents_in_difficulty"]
PlacingKind = Literal["guardian", "parent", "institution"]
Relation = Literal["none", "collateral_relative", "step_parent"]
SecrecyRequestedBy = Literal["adopters", "placing_party", "both"]
OtherParent = Literal["joins", "unknown", "untraceable", "deceased"]  # the other birth parent (1097, 1108)
ApplicationKind = Literal["registration", "dissolution"]


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
    found_division: DivisionCode | None = Field(
        default=None, description="a foundling: the county where it was found (the police's finding report); "
        "placed by a guardian, its registry office registers (A-1)")


class PriorRight(Model):
    """A-3 (Civil Code 1108): a widowed parent places the child; the dead parent's parents may raise it first.
    The registrar records what they said: `waived` (in writing), `none_living`, or `exercised` (they raise the
    child, so it is not placed)."""

    outcome: Literal["waived", "none_living", "exercised"]
    document_ref: DocumentRef | None = None


class PlacingParty(Model):
    """A-3: who places the child: its guardian, a parent, or the institution caring for it. Parents place
    jointly (1097): `other_parent` says whether the other joins (then its ID number) or is unknown,
    untraceable or dead; a dead one's parents have priority (1108, `grandparents_priority`). A guardian of an
    orphan places with the consent of those owing support (1096): `support_consent` false refuses; absent,
    the registrar found nobody else owing support. Where the placing party lives or is decides the registry
    (A-1, 办法 4): `household_division`, `institution_division`."""

    kind: PlacingKind
    id_number: IdNumberText | None = None
    name: PersonName | None = None
    institution: Institution | None = None
    other_parent: OtherParent | None = None
    other_parent_id_number: IdNumberText | None = None
    grandparents_priority: PriorRight | None = None
    support_consent: bool | None = None
    household_division: DivisionCode | None = Field(
        default=None, description="a parent or guardian: the household registration (户口簿), county; its registry "
        "office registers (A-1). Default: the ID number's address code, as marriage's M-6")
    institution_division: DivisionCode | None = Field(
        default=None, description="an institution: the county it is in; its registry office registers (A-1)")


DocumentKind = Literal[  # A-9 (办法 6, 7)
    "marital_status_statement", "ability_statement", "children_statement", "health_certificate",
    "no_criminal_record", "finding_report", "consent", "intake_record", "death_proof", "declaration_judgment",
    "difficulty_proof", "kinship_proof", "disability_proof"]


class DocumentReference(Model):
    """A-9: a document the case needs, as a reference (civreg keeps no scans): kind, issuer, number, date."""

    kind: DocumentKind
    issuer: line(100)
    number: DocumentRef
    issued_on: dt.date
    holder_id_number: IdNumberText | None = None


class LivingTogether(Model):
    """A-10: the period the adopters and the child live together (融合期, 30 days or more), not counted in the
    report's 60 days; `ended_on` absent while it runs."""

    started_on: dt.date
    ended_on: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> LivingTogether:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValueError("ended_on is before started_on")
        return self


class RecordAssessment(Model):
    """A-10: the assessment of the adopters' ability, by the department's team or a commissioned third party.
    With `outcome` and `assessed_on` it is the report; without them it opens at the adopters' consent
    (`consented_on`), the report due within 60 days of it (the living-together period not counted), recorded
    later by `…/assessments/{id}/report`. From 2021 a report states the living-together period (融合期) it
    assesses, 30 days or more (`living_together`; else recorded before the report)."""

    adopters: list[AdoptionParty] = Field(min_length=1, max_length=2)
    outcome: Literal["suitable", "unsuitable"] | None = None
    assessed_on: dt.date | None = Field(default=None, description="the date of the report (A-10)")
    assessor: line(100)
    office: OfficeCode | None = None
    report_ref: DocumentRef | None = None
    consented_on: dt.date | None = Field(default=None,
                                         description="the day the adopters consented to the assessment (A-10)")
    living_together: LivingTogether | None = None

    @model_validator(mode="after")
    def _report_or_consent(self) -> RecordAssessment:
        if (self.outcome is None) != (self.assessed_on is None):
            raise ValueError("a report gives both outcome and assessed_on")
        if self.outcome is None and self.consented_on is None:
            raise ValueError("give the report (outcome, assessed_on) or the adopters' consent (consented_on)")
        return self


class ReportAssessment(Model):
    """A-10: the report of an assessment opened at the adopters' consent; not before the consent. From 2021 it
    assesses a living-together period: its own `living_together`, else the one recorded before."""

    outcome: Literal["suitable", "unsuitable"]
    assessed_on: dt.date
    report_ref: DocumentRef | None = None
    living_together: LivingTogether | None = None
    version: Version | None = None


class RecordLivingTogether(LivingTogether):
    """A-10: the living-together period (融合期) of an assessment waiting for its report: its days are not counted
    in the 60; a period still running stops the count."""

    version: Version | None = None


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
    application_id: str | None = Field(default=None, max_length=36, description="the application it decides (A-12)")
    documents: list[DocumentReference] = Field(default_factory=list, max_length=30,
                                               description="the documents the case needs, as references (A-9)")


class DissolveAdoption(Model):
    """A-16: by agreement at the adoptee's household-registration registry, in person, with the 收养登记证
    and the written agreement (the 解除收养关系证明 issued); or by a court's judgment (as M-9). The birth
    relations of a minor revive; an adult's only as agreed (`birth_relations_restored`, Civil Code 1117)."""

    by: Literal["agreement", "court"]
    document_ref: DocumentRef | None = None
    dissolved_on: dt.date
    child_consent: bool | None = None
    office: OfficeCode | None = Field(default=None,
                                      description="where it is recorded (default: the registering office)")
    household_division: DivisionCode | None = Field(
        default=None, description="the adoptee's household registration (户口簿), county: by agreement, the office's")
    certificate_number: line(40) | None = Field(default=None, description="the 收养登记证 taken back (by agreement)")
    birth_relations_restored: bool | None = Field(
        default=None, description="an adult adoptee: whether the birth relations are restored, as agreed (1117)")
    birth_parents: list[AdoptionParty] | None = Field(
        default=None, max_length=2,
        description="the birth parents whose relations revive (default: the placing parents)")
    application_id: str | None = Field(default=None, max_length=36, description="the application it decides (A-12)")
    version: Version | None = None


class RevokeAdoption(Model):
    """A-17: a court found the adoption invalid, or the registry revokes a registration obtained by fraud."""

    by: Literal["court", "registry"]
    document_ref: DocumentRef
    revoked_on: dt.date
    reason: Note | None = None
    version: Version | None = None


class ReceiveApplication(Model):
    """A-12: an application received in person (办法 5, 8): decided within 30 days from the day after receipt,
    a foundling notice's days not counted (A-11); overdue ones are tasks. Received at the registry that has
    jurisdiction when the body states what decides it (A-1: `placing_party`, the child's `situation` and
    `found_division`; A-16: `household_division`)."""

    office: OfficeCode
    kind: ApplicationKind = "registration"
    child: AdoptedChild
    adopters: list[AdoptionParty] = Field(min_length=1, max_length=2)
    received_on: dt.date | None = None
    adoption_id: str | None = Field(default=None, max_length=36, description="the adoption to dissolve (A-16)")
    placing_party: PlacingParty | None = Field(
        default=None, description="a registration's placing party: where it lives or is decides the registry (A-1)")
    household_division: DivisionCode | None = Field(
        default=None, description="a dissolution's adoptee's household registration: its registry office (A-16)")


class RefuseApplication(Model):
    """A-12: the registrar refuses the application, with the rules' codes and the reason given to the parties."""

    codes: list[line(60)] = Field(min_length=1, max_length=10)
    reason: Note
    refused_on: dt.date | None = None
    version: Version | None = None
