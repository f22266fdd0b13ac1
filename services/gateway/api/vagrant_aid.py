"""Vagrant aid routes (api.md "Vagrant aid", domain.md V-1 to V-10): relief station staff record cases at their
own station; admins register township and village points, read every station and the whole watch list.

The body models are the HTTP contract: strict JSON types (no "true" for true, no "12" for 12), frozen,
no unknown fields, every text bounded and free of control characters. The service validates again and
applies the rules; its refusals come back as problem+json with their codes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from services.gateway.api.common import forwarded
from services.gateway.problems import FieldError, Problem
from services.gateway.routing import Call, Reply, Route
from services.vagrant_aid.contract import commands, queries

PREFIX = "/v1/vagrant-aid"
STAFF = {"relief_staff"}
STAFF_AND_ADMIN = {"relief_staff", "admin"}
ADMIN = {"admin"}

# -- the contract's building blocks -----------------------------------------------------------------------


# -- query strings ----------------------------------------------------------------------------------------


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
    assert call.body is not None
    return forwarded(call.body)


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
    return Reply(_service(call).list_cases(call.actor(), query(call, queries.CaseQuery)))


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
    page = query(call, queries.PageQuery)
    return Reply(_service(call).watchlist(call.actor(), page.get("limit", 100), page.get("offset", 0)))


def watchlist_matches(call: Call) -> Reply:
    """The watch-list entries a case's person matches, with the contacts (V-10)."""
    case_id = query(call, queries.MatchQuery)["case_id"]
    return Reply(_service(call).watchlist_matches(call.actor(), case_id))


def statistics(call: Call) -> Reply:
    """Intakes, refusals, exits by kind, return rate of identified persons, stranded count (V-9)."""
    return Reply(_service(call).statistics(call.actor(), query(call, queries.StatisticsQuery)))


CASE = PREFIX + "/cases/<case_id>"
ROUTES = [
    Route("POST", f"{PREFIX}/stations", "vagrant_aid.register_station", ADMIN, register_station,
          body=commands.RegisterStation, status=201),
    Route("GET", f"{PREFIX}/stations", "vagrant_aid.list_stations", STAFF_AND_ADMIN, list_stations),
    Route("POST", f"{PREFIX}/cases", "vagrant_aid.take_in", STAFF, take_in, body=commands.TakeIn, status=201),
    Route("GET", f"{PREFIX}/cases", "vagrant_aid.list_cases", STAFF_AND_ADMIN, list_cases, query=queries.CaseQuery),
    Route("GET", CASE, "vagrant_aid.get_case", STAFF_AND_ADMIN, get_case),
    Route("POST", f"{CASE}/identification", "vagrant_aid.identify", STAFF, identify, body=commands.Identify,
          summary="Link the temporary subject id to the person's ID number (V-6)."),
    Route("POST", f"{CASE}/services", "vagrant_aid.provide_service", STAFF, provide_service,
          body=commands.ProvideService, status=201,
          summary="Record a service: food, lodging, medical, ticket, cash up to 20 元, family (V-4)."),
    Route("POST", f"{CASE}/family-search", "vagrant_aid.record_family_search", STAFF, record_family_search,
          body=commands.RecordFamilySearch, status=201,
          summary="Record a family-search step: notice, DNA request, DNA result, match (V-6)."),
    Route("POST", f"{CASE}/extension", "vagrant_aid.file_extension", STAFF, file_extension, body=commands.FileExtension,
          status=201, summary="File a stay extension beyond the 10-day limit (V-5)."),
    Route("POST", f"{CASE}/exit", "vagrant_aid.record_exit", STAFF, record_exit, body=commands.Exit,
          summary="End the case: self-departure, collected, escorted, transferred, absconded, … (V-7, V-8)."),
    Route("POST", f"{CASE}/settlement", "vagrant_aid.settle", STAFF, settle, body=commands.Settle,
          summary="Settle a person unidentified after three months, with a new ID number (V-6)."),
    Route("POST", f"{PREFIX}/refusals", "vagrant_aid.refuse_aid", STAFF, refuse_aid, body=commands.RefuseAid,
          status=201),
    Route("POST", f"{PREFIX}/watchlist", "vagrant_aid.add_to_watchlist", STAFF_AND_ADMIN, add_to_watchlist,
          body=commands.AddToWatchList, status=201),
    Route("GET", f"{PREFIX}/watchlist", "vagrant_aid.watchlist", ADMIN, watchlist, query=queries.PageQuery),
    Route("GET", f"{PREFIX}/watchlist/matches", "vagrant_aid.watchlist_matches", STAFF_AND_ADMIN,
          watchlist_matches, query=queries.MatchQuery),
    Route("GET", f"{PREFIX}/statistics", "vagrant_aid.statistics", STAFF_AND_ADMIN, statistics,
          query=queries.StatisticsQuery),
]
