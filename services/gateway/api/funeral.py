"""Funeral routes (api.md "Funeral", domain.md F-1 to F-7) for funeral home and cemetery staff.

Who may call what:
* `funeral_staff` record for their own place (a funeral home FH-… or a cemetery CEM-…; the service refuses
  another place with 403 `forbidden_place`); `admin` opens cemeteries, lays out plots and may correct or
  identify any record without the 30-day backdating limit.
* `GET /persons/{id}/death` — whether a person is recorded as deceased, and when — is a status-class fact
  (architecture.md, access classes): funeral staff and admins, the registries and officers whose rules
  depend on it (marriage clerks and registrars: M-3, M-11; child welfare officers: C-6; relief staff: V-8),
  and bureaus whose scopes include `status`. Only funeral staff and admins see the death record's id.
* Death records, cemeteries, plots, the task list and the statistics: funeral staff and admins.

The body models are the HTTP contract: strict JSON types, frozen, no unknown fields, every text bounded
and free of control characters. The service validates again and applies the rules; its refusals come back
as problem+json with their codes. Commands pass the Idempotency-Key on, so a retry writes nothing new.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from services.gateway.api.common import Body, ResourceId, Version, View, command
from services.gateway.problems import FieldError, Problem
from services.gateway.routing import Call, Reply, Route
from shared.text import DivisionCode, IdNumberText, Phone, line

PREFIX = "/v1/funeral"
STAFF = {"funeral_staff"}
STAFF_AND_ADMIN = {"funeral_staff", "admin"}
ADMIN = {"admin"}
DEATH_STATUS_READERS = {"funeral_staff", "admin", "marriage_clerk", "marriage_registrar", "child_welfare_officer",
                        "relief_staff", "bureau"}
RECORD_READERS = {"funeral_staff", "admin"}

# -- the contract's building blocks -------------------------------------------------------------------------


Name = line(100)
Note = line(500)
PoliceCase = line(60)
DocumentNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9/-]{0,39}$")]
FuneralHome = Annotated[str, StringConstraints(pattern=r"^FH-[0-9]{6}$")]
CemeteryCode = Annotated[str, StringConstraints(pattern=r"^CEM-[0-9]{6}-[1-9][0-9]{0,3}$")]
DeathId = ResourceId
PlotRef = Annotated[str, StringConstraints(pattern=r"^(CEM-[0-9]{6}-[1-9][0-9]{0,3}\.)?[A-Za-z0-9][A-Za-z0-9-]{0,19}$")]
PlotNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")]
Category = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{0,39}$")]
Money = Annotated[Decimal, Field(ge=0, le=1_000_000, max_digits=12, decimal_places=2)]
BurialType = Literal["body_single", "body_double", "ashes", "ashes_niche", "tree", "lawn", "flower", "sea",
                     "scattering"]


class Unidentified(Body):
    police_case: PoliceCase
    description: Note | None = None


class RegisterDeath(Body):
    """F-1: `id_number` or `unidentified`, not both."""

    id_number: IdNumberText | None = None
    unidentified: Unidentified | None = None
    died_on: dt.date
    place_division: DivisionCode
    certificate_no: DocumentNumber
    issuer: Name
    natural: bool
    police_case: PoliceCase | None = None
    funeral_home: FuneralHome


class DeathRegistered(View):
    death_id: str
    subject_id: str
    identified: bool
    version: int


class CorrectDeath(Body):
    reason: Note
    id_number: IdNumberText | None = None
    died_on: dt.date | None = None
    place_division: DivisionCode | None = None
    natural: bool | None = None
    certificate_no: DocumentNumber | None = None
    issuer: Name | None = None
    police_case: PoliceCase | None = None
    corrected_on: dt.date | None = None
    version: Version | None = None


class IdentifyBody(Body):
    id_number: IdNumberText
    method: Literal["dna", "fingerprint", "family_recognition", "documents", "police", "other"]
    identified_on: dt.date | None = None
    version: Version | None = None


class CollectBody(Body):
    collected_on: dt.date | None = None
    collected_from: Name | None = None
    version: Version | None = None


class StoreBody(Body):
    stored_on: dt.date | None = None
    location: Name
    version: Version | None = None


class PublishClaimNotice(Body):
    published_on: dt.date | None = None
    medium: Name
    version: Version | None = None


class ApproveDisposal(Body):
    approved_on: dt.date | None = None
    police_case: PoliceCase
    document_ref: DocumentNumber
    version: Version | None = None


class Person(Body):
    name: Name
    id_number: IdNumberText | None = None
    phone: Phone | None = None


class DisposeAshes(Body):
    disposition: Literal["family", "deposit"]
    disposed_on: dt.date | None = None
    taken_by: Person | None = None
    location: Name | None = None
    term_years: int | None = Field(default=None, ge=1, le=100)
    version: Version | None = None


class Cremate(Body):
    death_id: DeathId
    funeral_home: FuneralHome
    cremated_on: dt.date | None = None
    cremation_certificate: DocumentNumber | None = None


class Cremated(View):
    cremation_id: str
    cremation_certificate: str
    death_id: str
    ashes_number: str | None
    version: int


class OpenCemetery(Body):
    code: CemeteryCode
    name: Name
    kind: Literal["public_welfare", "commercial"]
    division: DivisionCode | None = None


class PlotSpec(Body):
    number: PlotNumber
    kind: Literal["plot", "niche"]
    burial_type: BurialType
    area_m2: Money | None = None


class AddPlots(Body):
    plots: list[PlotSpec] = Field(min_length=1, max_length=500)


class Bury(Body):
    death_id: DeathId
    cemetery: CemeteryCode | None = None
    plot: PlotRef | None = None
    burial_type: BurialType
    rights_holder: Person
    interred_on: dt.date | None = None


class ApprovedException(Body):
    reason: Note
    approved_by: Name
    approval_ref: DocumentNumber


class ReservePlot(Body):
    exception: ApprovedException
    reserved_for: Person
    rights_holder: Person
    reserved_on: dt.date | None = None
    version: Version | None = None


class RenewTerm(Body):
    renewed_on: dt.date | None = None
    years: int | None = Field(default=None, ge=1, le=100)
    version: Version | None = None


class GrantAssistance(Body):
    death_id: DeathId
    category: Category
    items: list[Literal["collection", "storage", "cremation", "ash_deposit"]] = Field(min_length=1, max_length=4)
    amount: Money
    granted_on: dt.date | None = None


class PersonDeath(View):
    person_id: str
    deceased: bool
    died_on: dt.date | None = None
    death_id: str | None = None  # funeral staff and admins only


# -- handlers -------------------------------------------------------------------------------------------------
def _command(call: Call, method: str, *path: str, status: int = 200) -> Reply:
    return command(call, "funeral", method, *path, status=status)


def register_death(call: Call) -> Reply:
    """Register a death (F-1): an identified person or an unidentified body."""
    return _command(call, "register_death", status=201)


def correct_death(call: Call) -> Reply:
    """Correct a recorded death with a reason (F-7)."""
    return _command(call, "correct_death", call.params["death_id"])


def identify_body(call: Call) -> Reply:
    """Link an unidentified body to the ID number (F-6)."""
    return _command(call, "identify_body", call.params["death_id"])


def collect_body(call: Call) -> Reply:
    """Record the collection of the body (F-2)."""
    return _command(call, "collect_body", call.params["death_id"])


def store_body(call: Call) -> Reply:
    """Record where the body is stored (F-2)."""
    return _command(call, "store_body", call.params["death_id"])


def publish_claim_notice(call: Call) -> Reply:
    """Record the claim notice of an unidentified body (F-6)."""
    return _command(call, "publish_claim_notice", call.params["death_id"])


def approve_disposal(call: Call) -> Reply:
    """Record the police approval to dispose of an unidentified body (F-6)."""
    return _command(call, "approve_disposal", call.params["death_id"])


def dispose_ashes(call: Call) -> Reply:
    """Record the ashes taken by the family or deposited for a term (F-2)."""
    return _command(call, "dispose_ashes", call.params["death_id"])


def cremate(call: Call) -> Reply:
    """Record a cremation of a registered death; issues the cremation certificate (F-2, F-6)."""
    return _command(call, "cremate", status=201)


def open_cemetery(call: Call) -> Reply:
    """Open a public-welfare or commercial cemetery (F-3)."""
    return _command(call, "open_cemetery", status=201)


def add_plots(call: Call) -> Reply:
    """Lay out plots and niches with type and area (F-3, F-4)."""
    return _command(call, "add_plots", call.params["code"], status=201)


def bury(call: Call) -> Reply:
    """Record an interment or eco burial of a registered death (F-3, F-4)."""
    return _command(call, "bury", status=201)


def reserve_plot(call: Call) -> Reply:
    """Allocate a plot by approved exception (F-3)."""
    return _command(call, "reserve_plot", call.params["plot_id"], status=201)


def renew_term(call: Call) -> Reply:
    """Renew a plot's term (F-3)."""
    return _command(call, "renew_term", call.params["plot_id"], status=201)


def grant_assistance(call: Call) -> Reply:
    """Waive basic funeral services for an eligible category (F-5)."""
    return _command(call, "grant_assistance", status=201)


def person_death(call: Call) -> Reply:
    """Whether a person is recorded as deceased, and since when."""
    principal = call.principal
    assert principal is not None
    if principal.role == "bureau" and not any(scope.split(":")[0] == "status" for scope in principal.scopes):
        raise Problem(403, "forbidden", "reading deaths needs the status scope")
    found = call.rpc("funeral").person_death(call.params["person_id"])
    if principal.role not in RECORD_READERS:
        found = {key: found[key] for key in ("person_id", "deceased", "died_on") if key in found}
    return Reply(found)


def read_death(call: Call) -> Reply:
    """A death record with its history."""
    return Reply(call.rpc("funeral").death(call.params["death_id"]))


def read_cemetery(call: Call) -> Reply:
    """A cemetery and its occupancy (F-3)."""
    return Reply(call.rpc("funeral").cemetery(call.params["code"]))


def read_plot(call: Call) -> Reply:
    """A plot: type, area, occupants and term (F-3)."""
    return Reply(call.rpc("funeral").plot(call.params["plot_id"]))


def tasks(call: Call) -> Reply:
    """Plot terms ending within 90 days of `as_of` (default today), and ended ones (F-3)."""
    principal = call.principal
    assert principal is not None
    cemetery = call.query.get("cemetery")
    if principal.role == "funeral_staff" and (principal.office or "").startswith("CEM-"):
        cemetery = principal.office  # cemetery staff see their own cemetery's tasks
    return Reply(call.rpc("funeral").expiring_terms(call.query.get("as_of"), cemetery))


def statistics(call: Call) -> Reply:
    """Yearly deaths, cremations and cremation rate, eco-burial share, assistance totals (F-4, F-5)."""
    text = call.query.get("year", "")
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise Problem(422, "invalid_query", "year is a four-digit year", errors=[FieldError(("query", "year"),
                                                                                            "four digits")])
    return Reply(call.rpc("funeral").statistics(int(text)))


ROUTES = [
    Route("POST", f"{PREFIX}/deaths", "funeral.register_death", STAFF, register_death, body=RegisterDeath,
          response=DeathRegistered, status=201),
    Route("GET", f"{PREFIX}/deaths/<death_id>", "funeral.read_death", RECORD_READERS, read_death),
    Route("POST", f"{PREFIX}/deaths/<death_id>/correction", "funeral.correct_death", STAFF_AND_ADMIN,
          correct_death, body=CorrectDeath),
    Route("POST", f"{PREFIX}/deaths/<death_id>/identification", "funeral.identify_body", STAFF_AND_ADMIN,
          identify_body, body=IdentifyBody),
    Route("POST", f"{PREFIX}/deaths/<death_id>/collection", "funeral.collect_body", STAFF, collect_body,
          body=CollectBody),
    Route("POST", f"{PREFIX}/deaths/<death_id>/storage", "funeral.store_body", STAFF, store_body, body=StoreBody),
    Route("POST", f"{PREFIX}/deaths/<death_id>/claim-notice", "funeral.publish_claim_notice", STAFF,
          publish_claim_notice, body=PublishClaimNotice),
    Route("POST", f"{PREFIX}/deaths/<death_id>/disposal-approval", "funeral.approve_disposal", STAFF,
          approve_disposal, body=ApproveDisposal),
    Route("POST", f"{PREFIX}/deaths/<death_id>/ashes", "funeral.dispose_ashes", STAFF, dispose_ashes,
          body=DisposeAshes),
    Route("POST", f"{PREFIX}/cremations", "funeral.cremate", STAFF, cremate, body=Cremate, response=Cremated,
          status=201),
    Route("POST", f"{PREFIX}/cemeteries", "funeral.open_cemetery", ADMIN, open_cemetery, body=OpenCemetery,
          status=201),
    Route("GET", f"{PREFIX}/cemeteries/<code>", "funeral.read_cemetery", RECORD_READERS, read_cemetery),
    Route("POST", f"{PREFIX}/cemeteries/<code>/plots", "funeral.add_plots", ADMIN, add_plots, body=AddPlots,
          status=201),
    Route("GET", f"{PREFIX}/plots/<plot_id>", "funeral.read_plot", RECORD_READERS, read_plot),
    Route("POST", f"{PREFIX}/plots/<plot_id>/renewals", "funeral.renew_term", STAFF, renew_term, body=RenewTerm,
          status=201),
    Route("POST", f"{PREFIX}/plots/<plot_id>/reservations", "funeral.reserve_plot", STAFF, reserve_plot,
          body=ReservePlot, status=201),
    Route("POST", f"{PREFIX}/burials", "funeral.bury", STAFF, bury, body=Bury, status=201),
    Route("POST", f"{PREFIX}/assistance", "funeral.grant_assistance", STAFF, grant_assistance,
          body=GrantAssistance, status=201),
    Route("GET", f"{PREFIX}/persons/<person_id>/death", "funeral.person_death", DEATH_STATUS_READERS,
          person_death, response=PersonDeath, subject="person_id"),
    Route("GET", f"{PREFIX}/tasks", "funeral.tasks", RECORD_READERS, tasks),
    Route("GET", f"{PREFIX}/statistics", "funeral.statistics", RECORD_READERS, statistics),
]
