"""The funeral commands: what staff (and the relief-station reaction) ask the service to record.

Shapes only: types, lengths and the characters a field may hold. The rules are in `rules.py` and the
decisions; a command that breaks its shape is refused as `validation_failed` before any rule runs.
Business dates are optional where api.md makes them so (default: today in China Standard Time).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, StrictBool, model_validator
from pydantic.json_schema import SkipJsonSchema

from services.funeral.contract.seen_alive import SeenAlive
from services.funeral.contract.vocabulary import (
    Amount,
    AshesDisposition,
    AssistanceItem,
    BurialType,
    Category,
    CemeteryCode,
    CemeteryKind,
    DocumentNumber,
    FuneralHome,
    IdentificationMethod,
    Name,
    Note,
    PlaceCode,
    PlotKind,
    PlotNumber,
    PoliceCase,
    Years,
)
from shared.reference.contract import Command as Model
from shared.reference.contract import ResourceId
from shared.reference.contract import Version as StoredVersion
from shared.reference.text import DivisionCode, IdNumberText, Phone, line

Version = StoredVersion | None  # the stream version the caller read (api.md If-Match), checked when given


class Unidentified(Model):
    """F-6: a body received on police notice, without a known identity (无名尸)."""

    police_case: PoliceCase
    description: Note | None = None


class RegisterDeath(Model):
    """F-1: record a death at a funeral home, of a known person or an unidentified body."""

    id_number: IdNumberText | None = None
    unidentified: Unidentified | None = None
    died_on: dt.date
    place_division: DivisionCode
    certificate_no: DocumentNumber  # death medical certificate (死亡医学证明)
    issuer: Name
    natural: StrictBool
    police_case: PoliceCase | None = None  # certifies an unnatural death
    funeral_home: FuneralHome

    @model_validator(mode="after")
    def _one_identity(self) -> RegisterDeath:
        if (self.id_number is None) == (self.unidentified is None):
            raise ValueError("give exactly one of id_number and unidentified")
        return self


class OpenReliefStationDeath(Model):
    """F-1, F-6 via V-8: a person died in a relief station's care (vagrant_aid.PersonExited, kind died)."""

    subject_id: str = Field(min_length=1, max_length=80)  # ID number or the station's TMP- id
    relief_case_id: str = Field(min_length=1, max_length=80)
    station: str = Field(min_length=1, max_length=20)
    died_on: dt.date
    place_division: DivisionCode
    natural: StrictBool = True
    certificate_no: Name | None = None  # the station's record: any certificate text it carries
    issuer: Name | None = None
    police_case: PoliceCase | None = None
    funeral_home: PlaceCode


class CorrectDeath(Model):
    """F-7: correct a recorded death, with a reason; `id_number` moves it to another person."""

    reason: Note
    id_number: IdNumberText | None = None
    died_on: dt.date | None = None
    place_division: DivisionCode | None = None
    natural: StrictBool | None = None
    certificate_no: DocumentNumber | None = None
    issuer: Name | None = None
    police_case: PoliceCase | None = None
    corrected_on: dt.date | None = None
    version: Version = None


class IdentifyBody(Model):
    """F-6: an unidentified body is identified; the temporary subject is linked to the ID number."""

    id_number: IdNumberText
    method: IdentificationMethod
    identified_on: dt.date | None = None
    version: Version = None


class CollectBody(Model):
    """F-2: the body is collected (接运)."""

    collected_on: dt.date | None = None
    collected_from: Name | None = None
    version: Version = None


class StoreBody(Model):
    """F-2: the body is kept in storage (冷藏)."""

    stored_on: dt.date | None = None
    location: Name
    version: Version = None


class PublishClaimNotice(Model):
    """F-6: the claim notice (认领公告) of an unidentified body is published."""

    published_on: dt.date | None = None
    medium: Name
    version: Version = None


class ApproveDisposal(Model):
    """F-6: the police approve disposal of an unidentified body."""

    approved_on: dt.date | None = None
    police_case: PoliceCase
    document_ref: DocumentNumber
    version: Version = None


class Cremate(Model):
    """F-2: cremation of a registered death; the certificate number is issued unless a pre-printed one
    is given."""

    death_id: ResourceId
    funeral_home: FuneralHome
    cremated_on: dt.date | None = None
    cremation_certificate: DocumentNumber | None = None


class Person(Model):
    """Someone acting for the deceased: a family member taking the ashes, a plot's rights holder."""

    name: Name
    id_number: IdNumberText | None = None
    phone: Phone | None = None


class DisposeAshes(Model):
    """F-2: the ashes are taken by the family or deposited for a term (interment and eco burial: Bury)."""

    disposition: AshesDisposition
    disposed_on: dt.date | None = None
    taken_by: Person | None = None  # family
    location: Name | None = None  # deposit
    term_years: Years | None = None  # deposit
    version: Version = None

    @model_validator(mode="after")
    def _fields_of_disposition(self) -> DisposeAshes:
        if self.disposition == "family" and (self.taken_by is None or self.location or self.term_years):
            raise ValueError("ashes taken by the family name who took them (taken_by), nothing else")
        if self.disposition == "deposit" and (self.location is None or self.taken_by is not None):
            raise ValueError("deposited ashes have a location (and optionally term_years), no taken_by")
        return self


class Bury(Model):
    """F-3, F-4: interment or eco burial of a registered death, in a plot where the type needs one."""

    death_id: ResourceId
    cemetery: CemeteryCode | None = None  # none for sea burial and scattering outside a cemetery
    plot: str | None = Field(default=None, max_length=45,  # a plot number, or a plot id of the cemetery
                             pattern=r"^(CEM-[0-9]{6}-[1-9][0-9]{0,3}\.)?[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
    burial_type: BurialType
    rights_holder: Person
    interred_on: dt.date | None = None


class ApprovedException(Model):
    """F-3: an approved exception to "a plot only against a registered death", recorded as such."""

    reason: Note  # e.g. a very old spouse reserving the adjoining plot
    approved_by: Name
    approval_ref: DocumentNumber


class ReservePlot(Model):
    """F-3: allocate a plot (or a place of a double plot) by approved exception, before any death."""

    exception: ApprovedException
    reserved_for: Person
    rights_holder: Person
    reserved_on: dt.date | None = None
    declaration_id: str | None = Field(None, min_length=1, max_length=64, description=(
        "D-8: a cenotaph (衣冠冢) for a person a court declared dead: the standing death declaration naming "
        "`reserved_for`"))
    version: Version = None


class RenewTerm(Model):
    """F-3: renew a plot's term (default: one full term)."""

    renewed_on: dt.date | None = None
    years: Years | None = None
    version: Version = None


class OpenCemetery(Model):
    """F-3: a public-welfare or commercial cemetery in a division."""

    code: CemeteryCode
    name: Name
    kind: CemeteryKind
    division: DivisionCode | None = None  # must agree with the code's


class PlotSpec(Model):
    number: PlotNumber
    kind: PlotKind
    burial_type: BurialType
    area_m2: Amount | None = None


class AddPlots(Model):
    """F-3: lay out plots and niches of a cemetery."""

    plots: tuple[PlotSpec, ...] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _distinct_numbers(self) -> AddPlots:
        numbers = [plot.number for plot in self.plots]
        if len(set(numbers)) != len(numbers):
            raise ValueError("plot numbers repeat")
        return self


class GrantAssistance(Model):
    """F-5: waive basic services for an eligible category, recording the items and the amount."""

    death_id: ResourceId
    category: Category
    items: tuple[AssistanceItem, ...] = Field(min_length=1, max_length=4)
    amount: Amount
    granted_on: dt.date | None = None

    @model_validator(mode="after")
    def _distinct_items(self) -> GrantAssistance:
        if len(set(self.items)) != len(self.items):
            raise ValueError("items repeat")
        return self


# -- court declarations (D-1..D-5) and the withdrawal of a death registered in error (D-11) -------------------
DeclarationKind = Literal["death", "missing"]  # 宣告死亡 / 宣告失踪
# D-1, art. 46: missing four years; an accident and two years; an accident after which survival is certified
# impossible (no waiting period).
DeathGround = Literal["missing_four_years", "accident_two_years", "accident_certified"]
Court = line(100)  # e.g. 渭南市临渭区人民法院
JudgmentRef = line(60)  # 案号, e.g. (2025)陕0502民特12号


class DeclareByCourt(Model):
    """D-1: a court's declaration of death or disappearance, entered from the judgment. `deemed_dead_on` is
    the accident date on the accident grounds (art. 48, D-3); `plausibility_confirmed` is the registrar's
    confirmation of a judgment dated before the legal minimum, or contradicted by civreg seeing the person
    alive (D-2)."""

    kind: DeclarationKind
    id_number: IdNumberText
    court: Court
    judgment_ref: JudgmentRef
    judgment_on: dt.date
    missing_since: dt.date | None = None
    ground: DeathGround | None = None
    deemed_dead_on: dt.date | None = None
    plausibility_confirmed: StrictBool = False
    # D-2: civreg seeing the person alive, from the timeline; set by the gateway, never by the client (what a
    # client sends is replaced), so the public schema does not show it.
    seen_alive: SkipJsonSchema[tuple[SeenAlive, ...]] = ()


class RevokeDeclaration(Model):
    """D-5: the court revokes its declaration (撤销) by a new judgment, effective `revoked_on`."""

    court: Court
    judgment_ref: JudgmentRef
    revoked_on: dt.date
    version: Version = None


class FileSpouseStatement(Model):
    """D-5 (Civil Code 51): the spouse of a person declared dead states in writing that the marriage is not to
    be restored."""

    by_id_number: IdNumberText
    stated_on: dt.date
    document_ref: DocumentNumber
    version: Version = None


class SettleDeclarationReview(Model):
    """D-8: the registrar settles a body found later whose registered date of death differs from the death
    declaration's: which date the registrar found to stand, and why. civreg changes neither date: a registered
    date found wrong is corrected (F-7), a declaration found wrong is the court's to revoke (D-5)."""

    outcome: Literal["declared_date_stands", "registered_date_stands"]
    reason: Note
    settled_on: dt.date | None = None
    version: Version = None


class WithdrawDeath(Model):
    """D-11: a death registered in error is withdrawn, with the reason and the document (the issuer's
    cancellation of the certificate, or the police restoring the household registration)."""

    reason: Note
    document_ref: DocumentNumber
    withdrawn_on: dt.date | None = None
    version: Version = None
