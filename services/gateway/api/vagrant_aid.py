"""Vagrant aid routes (api.md "Vagrant aid", domain.md V-1 to V-10): relief station staff record cases at their
own station; admins register township and village points, read every station and the whole watch list.

The body models are the HTTP contract: strict JSON types (no "true" for true, no "12" for 12), frozen,
no unknown fields, every text bounded and free of control characters. The service validates again and
applies the rules; its refusals come back as problem+json with their codes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, RootModel, StringConstraints, ValidationError

from services.gateway.api.common import Body
from services.gateway.problems import FieldError, Problem
from services.gateway.routing import Call, Reply, Route
from shared.text import DivisionCode, IdNumberText, PersonName, Phone, line, text

PREFIX = "/v1/vagrant-aid"
STAFF = {"relief_staff"}
STAFF_AND_ADMIN = {"relief_staff", "admin"}
ADMIN = {"admin"}

# -- the contract's building blocks -----------------------------------------------------------------------
Relation = line(20)
Line100 = line(100)
Line200 = line(200)
Text500 = text(500)
Text1000 = text(1000)
StationCode = Annotated[str, StringConstraints(pattern=r"^RS-[0-9]{6}(-[1-9][0-9]{0,3})?$")]
Reference = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-]{1,40}$")]
Money = Annotated[Decimal, Field(ge=0, le=1_000_000, max_digits=9, decimal_places=2)]
Sex = Literal["male", "female"]
Source = Literal["patrol", "police", "department", "walk_in"]
Flag = Literal["minor", "elderly", "disabled", "mental", "intellectual", "ill", "injured", "infectious_suspected",
               "pregnant"]


class Person(Body):
    id_number: IdNumberText | None = None
    name: PersonName | None = None
    sex: Sex | None = None
    estimated_age: int | None = Field(default=None, ge=0, le=120)
    description: Text1000 | None = None


class Relative(Body):
    name: PersonName | None = None
    relation: Relation
    phone: Phone | None = None
    address: Line200 | None = None


class Belonging(Body):
    item: Line100
    quantity: int = Field(default=1, ge=1, le=10_000)
    note: Line200 | None = None


class Intake(Body):
    """Take a person in (V-2). Without an ID number: sex and estimated age; the person gets a temporary
    subject id. `speaks_for_self: false` (with a flag saying why) lets aid start without consent."""

    station: StationCode
    arrived_at: AwareDatetime | None = None
    source: Source
    source_detail: Line200 | None = None
    reason: Text500 | None = None
    person: Person
    flags: list[Flag] = Field(default_factory=list, max_length=9)
    consent: bool
    speaks_for_self: bool = True
    belongings: list[Belonging] = Field(default_factory=list, max_length=50)
    relatives: list[Relative] = Field(default_factory=list, max_length=10)


class AidRefusal(Body):
    """An ineligible person refused, with the reason (V-2)."""

    station: StationCode
    refused_on: dt.date | None = None
    source: Source
    person: Person
    reason: Literal["self_sufficient", "refuses_to_give_information", "not_in_scope", "declined_aid"]
    detail: Text500 | None = None


class Identification(Body):
    id_number: IdNumberText
    method: Literal["self_reported", "documents", "family", "police", "dna", "face_recognition", "fingerprint",
                    "other"]
    identified_on: dt.date | None = None
    detail: Text500 | None = None


class Service(Body):
    kind: Literal["food", "lodging", "medical", "ticket", "cash", "contact_family"]
    detail: Text500 | None = None
    amount: Money | None = None
    provided_on: dt.date | None = None


class FamilySearch(Body):
    step: Literal["notice", "dna_requested", "dna_result", "match"]
    detail: Text500 | None = None
    at: AwareDatetime | None = None


class Extension(Body):
    until: dt.date
    reason: Text500
    filed_on: dt.date | None = None


class _Exit(Body):
    exited_on: dt.date | None = None
    detail: Text500 | None = None


class SelfDeparture(_Exit):
    kind: Literal["self_departure"]
    declaration_signed: bool


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
    transferred_to: Literal["minors_protection", "hospital", "care_home"]
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
    certificate_no: Reference
    issuer: Line100
    police_case: Reference | None = None


class Exit(RootModel[Annotated[SelfDeparture | Collected | Escorted | Transferred | Absconded | Terminated | Died,
                               Field(discriminator="kind")]]):
    """How the case ends (V-8), with the fields of its kind."""

    model_config = ConfigDict(frozen=True)


class Settlement(Body):
    id_number: IdNumberText
    household_division: DivisionCode
    settled_on: dt.date | None = None


class StationRegistration(Body):
    """A township aid point under its county station, or a village point under a township point (V-1)."""

    code: StationCode
    tier: Literal["township", "village"]
    name: Line100
    parent: StationCode
    registered_on: dt.date | None = None


class WatchContact(Body):
    name: PersonName
    relation: Relation
    phone: Phone


class WatchListEntry(Body):
    """A person prone to getting lost (V-10): ID number, or sex and birth year; family contacts."""

    id_number: IdNumberText | None = None
    name: PersonName
    sex: Sex | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    condition: Literal["dementia", "mental", "intellectual", "other"]
    description: Text500 | None = None
    contacts: list[WatchContact] = Field(min_length=1, max_length=5)


# -- query strings ----------------------------------------------------------------------------------------
class CaseQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    station: StationCode | None = None
    status: Literal["open", "closed"] | None = None
    stranded: bool | None = None
    overdue: Literal["notice", "dna"] | None = None
    person: str | None = Field(default=None, pattern=r"^[0-9]{17}[0-9X]$|^TMP-[A-Z0-9]{2,20}-[0-9]{1,12}$")
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=100_000)


class MatchQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: str = Field(pattern=r"^[0-9a-fA-F-]{36}$")


class PageQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=100_000)


class StatisticsQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    station: StationCode | None = None


def query(call: Call, model: type[BaseModel]) -> dict[str, Any]:
    """The query string as `model`, each parameter once; 422 `validation_failed` otherwise."""
    repeated = [key for key in call.query if len(call.query.getlist(key)) > 1]  # werkzeug's MultiDict
    if repeated:
        raise Problem(422, "validation_failed", "a query parameter is repeated",
                      errors=[FieldError(("query", key), "given more than once") for key in repeated])
    try:
        parsed = model.model_validate(dict(call.query))
    except ValidationError as exc:
        raise Problem(422, "validation_failed", "the query does not match the schema", errors=[
            FieldError(("query", *e["loc"]), e["msg"])
            for e in exc.errors(include_url=False, include_input=False, include_context=False)]) from None
    return parsed.model_dump(mode="json", exclude_unset=True, by_alias=True)


# -- handlers ---------------------------------------------------------------------------------------------
def _service(call: Call) -> Any:
    return call.rpc("vagrant_aid")


def _body(call: Call) -> Any:
    body = call.body.root if isinstance(call.body, RootModel) else call.body
    assert body is not None
    return body.model_dump(mode="json", exclude_unset=True)


def _created(result: dict[str, Any], path: str) -> Reply:
    return Reply(result, status=201, headers={"Location": f"{PREFIX}{path}"})


def register_station(call: Call) -> Reply:
    """Register a township aid point or a village consultation point (admin, V-1)."""
    result = _service(call).register_station(call.actor(), _body(call), call.idempotency_key)
    return _created(result, "/stations")


def list_stations(call: Call) -> Reply:
    """The relief network: city, county, township and village stations (V-1)."""
    return Reply(_service(call).list_stations(call.actor()))


def take_in(call: Call) -> Reply:
    """Take a person in (V-2, V-3, V-7), with any watch-list matches (V-10)."""
    result = _service(call).take_in(call.actor(), _body(call), call.idempotency_key)
    return _created(result, f"/cases/{result['case_id']}")


def refuse_aid(call: Call) -> Reply:
    """Refuse an ineligible person, with the reason (V-2)."""
    result = _service(call).refuse_aid(call.actor(), _body(call), call.idempotency_key)
    return Reply(result, status=201)


def list_cases(call: Call) -> Reply:
    """Cases of the caller's station (admins: any): by status, stranded (V-5), overdue family search (V-6)."""
    return Reply(_service(call).list_cases(call.actor(), query(call, CaseQuery)))


def get_case(call: Call) -> Reply:
    """One case with its services, deadlines and history."""
    return Reply(_service(call).get_case(call.actor(), call.params["case_id"]))


def _on_case(method: str, status: int = 200) -> Any:
    """A handler for a command on one case: the service's `method(actor, case_id, body, key, if_match)`."""

    def handler(call: Call) -> Reply:
        result = getattr(_service(call), method)(call.actor(), call.params["case_id"], _body(call),
                                                 call.idempotency_key, call.if_match)
        return Reply(result, status=status)

    return handler


identify = _on_case("identify")
provide_service = _on_case("provide_service", 201)
record_family_search = _on_case("record_family_search", 201)
file_extension = _on_case("file_extension", 201)
record_exit = _on_case("record_exit")
settle = _on_case("settle")

def add_to_watchlist(call: Call) -> Reply:
    """Add a person prone to getting lost, with family contacts (V-10)."""
    result = _service(call).add_to_watchlist(call.actor(), _body(call), call.idempotency_key)
    return Reply(result, status=201)


def watchlist(call: Call) -> Reply:
    """The whole watch list with the families' contacts (admin)."""
    page = query(call, PageQuery)
    return Reply(_service(call).watchlist(call.actor(), page.get("limit", 100), page.get("offset", 0)))


def watchlist_matches(call: Call) -> Reply:
    """The watch-list entries a case's person matches, with the contacts (V-10)."""
    case_id = query(call, MatchQuery)["case_id"]
    return Reply(_service(call).watchlist_matches(call.actor(), case_id))


def statistics(call: Call) -> Reply:
    """Intakes, refusals, exits by kind, return rate of identified persons, stranded count (V-9)."""
    return Reply(_service(call).statistics(call.actor(), query(call, StatisticsQuery)))


CASE = PREFIX + "/cases/<case_id>"
ROUTES = [
    Route("POST", f"{PREFIX}/stations", "vagrant_aid.register_station", ADMIN, register_station,
          body=StationRegistration, status=201),
    Route("GET", f"{PREFIX}/stations", "vagrant_aid.list_stations", STAFF_AND_ADMIN, list_stations),
    Route("POST", f"{PREFIX}/cases", "vagrant_aid.take_in", STAFF, take_in, body=Intake, status=201),
    Route("GET", f"{PREFIX}/cases", "vagrant_aid.list_cases", STAFF_AND_ADMIN, list_cases),
    Route("GET", CASE, "vagrant_aid.get_case", STAFF_AND_ADMIN, get_case),
    Route("POST", f"{CASE}/identification", "vagrant_aid.identify", STAFF, identify, body=Identification,
          summary="Link the temporary subject id to the person's ID number (V-6)."),
    Route("POST", f"{CASE}/services", "vagrant_aid.provide_service", STAFF, provide_service, body=Service,
          status=201, summary="Record a service: food, lodging, medical, ticket, cash up to 20 元, family (V-4)."),
    Route("POST", f"{CASE}/family-search", "vagrant_aid.record_family_search", STAFF, record_family_search,
          body=FamilySearch, status=201,
          summary="Record a family-search step: notice, DNA request, DNA result, match (V-6)."),
    Route("POST", f"{CASE}/extension", "vagrant_aid.file_extension", STAFF, file_extension, body=Extension,
          status=201, summary="File a stay extension beyond the 10-day limit (V-5)."),
    Route("POST", f"{CASE}/exit", "vagrant_aid.record_exit", STAFF, record_exit, body=Exit,
          summary="End the case: self-departure, collected, escorted, transferred, absconded, … (V-7, V-8)."),
    Route("POST", f"{CASE}/settlement", "vagrant_aid.settle", STAFF, settle, body=Settlement,
          summary="Settle a person unidentified after three months, with a new ID number (V-6)."),
    Route("POST", f"{PREFIX}/refusals", "vagrant_aid.refuse_aid", STAFF, refuse_aid, body=AidRefusal, status=201),
    Route("POST", f"{PREFIX}/watchlist", "vagrant_aid.add_to_watchlist", STAFF_AND_ADMIN, add_to_watchlist,
          body=WatchListEntry, status=201),
    Route("GET", f"{PREFIX}/watchlist", "vagrant_aid.watchlist", ADMIN, watchlist),
    Route("GET", f"{PREFIX}/watchlist/matches", "vagrant_aid.watchlist_matches", STAFF_AND_ADMIN,
          watchlist_matches),
    Route("GET", f"{PREFIX}/statistics", "vagrant_aid.statistics", STAFF_AND_ADMIN, statistics),
]
