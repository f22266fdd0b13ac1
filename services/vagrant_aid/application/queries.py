"""Questions relief staff ask: a case, lists (stranded, overdue family searches), stations, watch-list
matches, statistics (V-9). Staff see their own station; the city station's staff see every station (V-1).
Admins read the station network only (separation of duties, api.md release 2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from services.vagrant_aid.adapters.read_models import ReadModels
from services.vagrant_aid.application.views import case_view, summary_view
from services.vagrant_aid.contract.commands import EXIT_KINDS
from services.vagrant_aid.contract.queries import CaseQuery, StatisticsQuery
from services.vagrant_aid.contract.refusals import UNKNOWN_STATION
from services.vagrant_aid.domain.parameters import SETTLEMENT_AFTER_MONTHS, parameter
from services.vagrant_aid.domain.state import Case, fold
from services.vagrant_aid.domain.stations import (
    Station,
    check_may_read_station,
    reads_every_station,
    standing_station,
    standing_stations,
)
from services.vagrant_aid.domain.statistics import return_rate
from services.vagrant_aid.domain.watchlist import matched_by
from shared.actor import Actor
from shared.errors import NotFound, Refusal
from shared.eventstore.postgres import PostgresEventStore
from shared.reference.dates import add_months
from shared.reference.disclosure import disclosing
from shared.reference.paging import page
from shared.reference.refusals import FORBIDDEN, INVALID_QUERY
from shared.unit_of_work import parse


def resolve_station(read_models: ReadModels, code: str, on: dt.date) -> Station:
    """V-1: a standing (city, county) or registered (township, village) station, else `unknown_station`."""
    station = standing_station(code, on) or read_models.registered_station(code)
    if station is None:
        raise Refusal(UNKNOWN_STATION, f"no relief station {code}",
                      errors=[{"loc": ["body", "station"], "msg": "no such station"}])
    return station


def stations(read_models: ReadModels, today: dt.date) -> list[dict[str, Any]]:
    found = [*standing_stations(today), *read_models.registered_stations()]
    return [vars(station) for station in found]


def get_case(store: PostgresEventStore, actor: Actor, case_id: str, now: dt.datetime,
             today: dt.date) -> dict[str, Any]:
    history = store.read_stream(f"case-{case_id}")
    case = fold(history)
    if case is None:
        raise NotFound(f"no case {case_id}")
    check_may_read_station(actor, case.station)
    return disclosing(case_view(case, history, now, today), [case.id_number, case.temporary_id])


def list_cases(read_models: ReadModels, actor: Actor, query: Any, now: dt.datetime,
               today: dt.date) -> dict[str, Any]:
    q: CaseQuery = parse(CaseQuery, query)
    scope = _scope(actor, q.station)
    rows = read_models.list_cases(stations=scope, status=q.status, stranded=q.stranded, overdue=q.overdue,
                                  person=q.person, today=today, now=now, limit=q.limit + 1, offset=q.offset,
                                  after=q.after_key(_aware, str))
    listed, cursor = page(rows, q.limit, lambda row: (row["arrived_at"], str(row["case_id"])))
    answer = {"cases": [summary_view(row, now, today) for row in listed], "limit": q.limit, "offset": q.offset,
              "next_cursor": cursor}
    return disclosing(answer, [i for row in listed for i in (row.get("id_number"), row.get("temporary_id"))])


def _aware(text: str) -> dt.datetime:
    """A cursor's arrival time: an aware ISO timestamp (a naive one is not one of ours)."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive time")
    return moment


def _scope(actor: Actor, station: str | None) -> list[str] | None:
    """The stations a question may cover: staff their own (V-1), the city station's the one asked for or all."""
    if station is not None:
        check_may_read_station(actor, station)
        return [station]
    if reads_every_station(actor):
        return None
    if actor.role != "relief_staff" or actor.office is None:
        raise Refusal(FORBIDDEN, f"{actor.name} reads no station's cases", 403)
    return [actor.office]


def watchlist_matches_of(read_models: ReadModels, case: Case) -> list[dict[str, Any]]:
    """V-10: the watch-list entries the person matches, with the contacts to call."""
    found: list[dict[str, Any]] = []
    if case.id_number is None and case.name is None:
        return found  # nothing to match by
    for entry in read_models.watch_candidates(case.id_number, case.name, case.sex):
        if how := matched_by(case, entry):
            found.append({"entry_id": entry.entry_id, "matched_by": how, "name": entry.name,
                          "condition": entry.condition, "description": entry.description,
                          "contacts": list(entry.contacts)})
    return found


def watchlist_matches(store: PostgresEventStore, read_models: ReadModels, actor: Actor, case_id: str
                      ) -> dict[str, Any]:
    case = fold(store.read_stream(f"case-{case_id}"))
    if case is None:
        raise NotFound(f"no case {case_id}")
    check_may_read_station(actor, case.station)
    return {"case_id": case_id, "matches": watchlist_matches_of(read_models, case)}


def watchlist(read_models: ReadModels, actor: Actor, limit: int, offset: int) -> dict[str, Any]:
    """The whole list, with every family's contacts: the city station's staff only, who keep it (V-10)."""
    if not reads_every_station(actor):
        raise Refusal(FORBIDDEN, "only the city relief station reads the whole watch list", 403)
    return {"entries": read_models.watch_entries(limit, offset), "limit": limit, "offset": offset}


def statistics(read_models: ReadModels, actor: Actor, query: Any, today: dt.date) -> dict[str, Any]:
    """V-9: intakes, refusals, exits by kind, return rate of identified persons, stranded count."""
    q: StatisticsQuery = parse(StatisticsQuery, query)
    first, last = q.from_ or today.replace(month=1, day=1), q.to or today
    as_of = min(last, today)
    scope = _scope(actor, q.station)
    counts, exits, refusals = read_models.statistics(scope, first, last, as_of)
    by_station: dict[str, dict[str, Any]] = defaultdict(_empty_row)
    for code in scope if scope is not None else [s["code"] for s in stations(read_models, today)]:
        by_station[code] = _empty_row()  # every station asked about has a row, quiet ones too
    for row in counts:
        by_station[row["station"]].update({k: v for k, v in row.items() if k != "station"})
    for station, kind, count in exits:
        by_station[station]["exits_by_kind"][kind] = count
    for station, count in refusals:
        by_station[station]["refusals"] = count
    rows = [{"station": code, **_with_rate(values)} for code, values in sorted(by_station.items())]
    return {"from": first.isoformat(), "to": last.isoformat(), "stranded_as_of": as_of.isoformat(),
            "stations": rows, "total": _with_rate(_total(rows))}


def indicator_inputs(read_models: ReadModels, year: Any, today: dt.date) -> dict[str, Any]:
    """The plan's indicators of a year over every station (GET /v1/indicators, admins and oversight at the
    gateway): V-9's identified exits by kind and those returned home, and on the year's last day (or today)
    the stranded cases (V-5) and unidentified stays beyond the settlement threshold (V-6)."""
    if not (isinstance(year, int) and 1900 <= year <= 9999):
        raise Refusal(INVALID_QUERY, "year is a year", 422, [{"loc": ["query", "year"], "msg": "not a year"}])
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    as_of = min(last, today)
    months = int(parameter(SETTLEMENT_AFTER_MONTHS, as_of))
    settled_after = add_months(as_of, -months)  # arrived before: over the settlement threshold (V-6)
    figures = read_models.indicator_figures(first, last, as_of, settled_after)
    by_kind = {kind: figures["identified_exits_by_kind"].get(kind, 0) for kind in EXIT_KINDS}
    return {"year": year, "from": first.isoformat(), "to": last.isoformat(), "as_of": as_of.isoformat(),
            **figures, "identified_exits_by_kind": by_kind, "identified_exits": sum(by_kind.values())}


def _empty_row() -> dict[str, Any]:
    return {"intakes": 0, "minors": 0, "unidentified_intakes": 0, "refusals": 0, "exits": 0,
            "exits_by_kind": dict.fromkeys(EXIT_KINDS, 0), "identified_exits": 0, "identified_returned": 0,
            "stranded": 0}


def _total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total = _empty_row()
    for row in rows:
        for key, value in row.items():
            if key == "exits_by_kind":
                for kind, count in value.items():
                    total[key][kind] += count
            elif key in total and key != "return_rate":
                total[key] += value
    return total


def _with_rate(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "return_rate": return_rate(values["identified_returned"], values["identified_exits"])}
