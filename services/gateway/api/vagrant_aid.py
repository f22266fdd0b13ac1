"""Vagrant aid routes (api.md "Vagrant aid", domain.md V-1 to V-10): relief station staff record cases at
their own station; the city station's staff read every station and the whole watch list; admins register
township and village points and read the network (reference data only: separation of duties, release 2).

The commands are the service's command table (contract/table.py, `command_routes`); the reads below pass the
query string on, validated strictly against the contract's query models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from services.gateway.api.common import command_routes, parsed_query
from services.gateway.routing import Call, Reply, Route
from services.vagrant_aid.contract import queries, responses
from services.vagrant_aid.contract.table import CASE, COMMANDS, PREFIX, STAFF

STAFF_AND_ADMIN = STAFF | {"admin"}


def query(call: Call, model: type[BaseModel]) -> dict[str, Any]:
    """The query string as `model` (`common.parsed_query`)."""
    return parsed_query(call, model)


def _service(call: Call) -> Any:
    return call.rpc("vagrant_aid")


def list_stations(call: Call) -> Reply:
    """The relief network: city, county, township and village stations (V-1)."""
    return Reply(_service(call).list_stations(call.actor()))


def list_cases(call: Call) -> Reply:
    """Cases of the caller's station (the city station's: any): by status, stranded (V-5), overdue family
    search (V-6)."""
    return Reply(_service(call).list_cases(query(call, queries.CaseQuery), call.actor()))


def get_case(call: Call) -> Reply:
    """One case with its services, deadlines and history."""
    return Reply(_service(call).get_case(call.params["case_id"], call.actor()))


def watchlist(call: Call) -> Reply:
    """The whole watch list with the families' contacts (the city station, V-10)."""
    return Reply(_service(call).watchlist(query(call, queries.PageQuery), call.actor()))


def watchlist_matches(call: Call) -> Reply:
    """The watch-list entries a case's person matches, with the contacts (V-10)."""
    case_id = query(call, queries.MatchQuery)["case_id"]
    return Reply(_service(call).watchlist_matches(case_id, call.actor()))


def statistics(call: Call) -> Reply:
    """Intakes, refusals, exits by kind, return rate of identified persons, stranded count (V-9)."""
    return Reply(_service(call).statistics(query(call, queries.StatisticsQuery), call.actor()))


ROUTES = [
    *command_routes("vagrant_aid", COMMANDS),
    Route("GET", f"{PREFIX}/stations", "vagrant_aid.list_stations", STAFF_AND_ADMIN, list_stations,
          response=responses.Stations),
    Route("GET", f"{PREFIX}/cases", "vagrant_aid.list_cases", STAFF, list_cases, query=queries.CaseQuery,
          response=responses.CaseList),
    Route("GET", CASE, "vagrant_aid.get_case", STAFF, get_case, response=responses.Case),
    Route("GET", f"{PREFIX}/watchlist", "vagrant_aid.watchlist", STAFF, watchlist, query=queries.PageQuery,
          response=responses.WatchList),
    Route("GET", f"{PREFIX}/watchlist/matches", "vagrant_aid.watchlist_matches", STAFF, watchlist_matches,
          query=queries.MatchQuery, response=responses.WatchListMatches),
    Route("GET", f"{PREFIX}/statistics", "vagrant_aid.statistics", STAFF, statistics,
          query=queries.StatisticsQuery, response=responses.Statistics),
]
