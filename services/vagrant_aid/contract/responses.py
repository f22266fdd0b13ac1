"""What the vagrant aid service answers, as the gateway documents it (OpenAPI): services may add fields.
Examples are taken from these models (`json_schema_extra`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import ConfigDict, Field

from shared.reference.contract import Response as View

CASE_ID = "3f2b8c1e-6a4d-4e2b-9c1a-7d5e8f9a0b1c"


class Station(View):
    """A station of the network (V-1): city, county, township point or village point."""

    code: str
    tier: str
    division: str
    name: str | None = None
    parent: str | None = None


class StationRegistered(Station):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "code": "RS-610502-1", "tier": "township", "division": "610502", "name": "双王街道临时救助点",
        "parent": "RS-610502", "registered_on": "2025-06-10"}]})

    registered_on: dt.date


class Stations(View):
    stations: list[Station]


class Stay(View):
    normal_last_day: dt.date
    last_day: dt.date
    extensions: list[dict[str, Any]]
    stranded: bool


class FamilySearch(View):
    steps: list[dict[str, Any]]
    notice_due_at: dt.datetime | None
    notice_at: dt.datetime | None
    notice_overdue: bool
    dna_due_on: dt.date | None
    dna_requested_on: dt.date | None
    dna_overdue: bool
    settlement_from: dt.date | None


class HistoryEntry(View):
    type: str
    occurred_on: dt.date
    recorded_at: dt.datetime
    version: int


CASE_EXAMPLE = {
    "case_id": CASE_ID, "version": 1, "station": "RS-610500", "station_division": "610500", "status": "open",
    "subject_id": "TMP-RS610500-000123", "temporary_id": "TMP-RS610500-000123", "id_number": None,
    "identified": False, "minor": False, "flags": ["elderly"], "source": "patrol",
    "arrived_at": "2025-06-10T09:00:00+08:00", "arrived_on": "2025-06-10", "cash_total": "0.00"}


class Case(View):
    """A case with its services, deadlines (V-5, V-6) and history: the answer of every case command."""

    model_config = ConfigDict(json_schema_extra={"examples": [{**CASE_EXAMPLE, "version": 2}]})

    case_id: str
    version: int
    station: str
    station_division: str
    status: str
    subject_id: str
    temporary_id: str | None
    id_number: str | None
    identified: bool
    person: dict[str, Any] | None = None
    minor: bool
    guardianship: str | None = None
    flags: list[str]
    source: str
    arrived_at: dt.datetime
    arrived_on: dt.date
    services: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = Field(default=[], description="D-9: the staff alerted about a court's "
                                         "declaration (`vagrant_aid.StaffAlerted` payloads)")
    reopenings: list[dict[str, Any]] = Field(default=[], description="D-11: the case reopened after the death "
                                             "that closed it was withdrawn (`vagrant_aid.CaseReopened` payloads)")
    cash_total: str
    stay: Stay | None = None
    family_search: FamilySearch | None = None
    exit: dict[str, Any] | None = None
    history: list[HistoryEntry] = []


class WatchListMatch(View):
    entry_id: str
    matched_by: str
    name: str
    condition: str
    description: str | None = None
    contacts: list[dict[str, Any]]


class CaseTakenIn(Case):
    """The new case, with the watch-list entries the person matches (V-10) and open cases elsewhere."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        **CASE_EXAMPLE, "watchlist_matches": [], "open_cases_elsewhere": []}]})

    watchlist_matches: list[WatchListMatch]
    open_cases_elsewhere: list[dict[str, Any]]


class CaseDeadline(View):
    """A running deadline (V-5 `stay`: overdue = stranded; V-6 `notice`: an instant; V-6 `dna`: a day)."""

    kind: Literal["stay", "notice", "dna"]
    due_at: str = Field(description="YYYY-MM-DD for `stay` and `dna`, RFC 3339 for `notice`")
    overdue: bool


class CaseSummary(View):
    case_id: str
    station: str
    subject_id: str
    status: str
    arrived_on: dt.date
    stranded: bool
    version: int
    days_in_care: int = Field(description="days at the station, the arrival day the first (to the exit day)")
    deadlines: list[CaseDeadline] = Field(description="the deadlines still running, computed by the server")


class CaseList(View):
    cases: list[CaseSummary]
    limit: int
    offset: int
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for the next page; null on the last")


class AidRefused(View):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "refusal_id": CASE_ID, "station": "RS-610500", "reason": "self_sufficient", "refused_on": "2025-06-10",
        "version": 1}]})

    refusal_id: str
    station: str
    reason: str
    refused_on: dt.date
    version: int


class WatchListEntry(View):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "entry_id": CASE_ID, "name": "张三", "sex": "male", "birth_year": 1950, "condition": "dementia",
        "contacts": [{"name": "张四", "relation": "儿子", "phone": "13800000000"}], "registered_on": "2025-06-10",
        "version": 1}]})

    entry_id: str
    name: str | None = None
    sex: str | None = None
    birth_year: int | None = None
    condition: str | None = None
    contacts: list[dict[str, Any]] | None = None
    registered_on: dt.date
    version: int


class WatchList(View):
    entries: list[dict[str, Any]]
    limit: int
    offset: int


class WatchListMatches(View):
    case_id: str
    matches: list[WatchListMatch]


class StationStatistics(View):
    intakes: int
    minors: int
    unidentified_intakes: int
    refusals: int
    exits: int
    exits_by_kind: dict[str, int]
    identified_exits: int
    identified_returned: int
    stranded: int
    return_rate: float | None


class StationRow(StationStatistics):
    station: str


class Statistics(View):
    """V-9: per station and in total, over [from, to]; stranded as of the earlier of `to` and today."""

    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date = Field(alias="from")
    to: dt.date
    stranded_as_of: dt.date
    stations: list[StationRow]
    total: StationStatistics


class IndicatorInputs(View):
    """RPC `vagrant_aid.indicator_inputs(year)` over every station (GET /v1/indicators): V-9's identified exits
    in the year by kind and those returned home; on `as_of` (the year's last day, or today) the open cases
    past their stay (V-5), the unidentified ones over the settlement threshold (V-6), and either."""

    model_config = ConfigDict(populate_by_name=True)

    year: int
    from_: dt.date = Field(alias="from")
    to: dt.date
    as_of: dt.date
    identified_exits: int
    identified_exits_by_kind: dict[str, int]
    identified_returned: int
    stranded: int
    unidentified_long_stays: int
    stranded_or_long_stays: int
