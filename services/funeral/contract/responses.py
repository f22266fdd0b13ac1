"""What the funeral service answers, as the gateway documents it (OpenAPI): services may add fields."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import ConfigDict, Field

from shared.reference.contract import Response as View


class DeathRegistered(View):
    death_id: str
    subject_id: str
    identified: bool
    version: int
    declaration_id: str | None = Field(None, description="D-8: the person's standing death declaration, linked")
    review: list[str] = Field(default_factory=list, description="D-8: `declared_date_conflict` — the date of "
                                                                "death differs from the declaration's; the "
                                                                "registrar reviews it")


class Cremated(View):
    cremation_id: str
    cremation_certificate: str
    death_id: str
    ashes_number: str | None
    version: int


class PersonDeath(View):
    person_id: str
    deceased: bool
    died_on: dt.date | None = None
    basis: str | None = None  # D-8: `registered` (a death registration) or `declared` (a court declaration)
    death_id: str | None = None  # funeral staff and admins only
    declaration_id: str | None = None  # funeral staff and admins only


class DeathRecorded(View):
    """The answer of a command on a death record (collection, storage, claim notice, …)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "death_id": "0b5e8a3c-2f1d-4c6e-9a7b-1d2e3f4a5b6c", "subject_id": "610502195001010012", "version": 2}]})

    death_id: str
    subject_id: str | None
    version: int


class CemeteryOpened(View):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "cemetery": "CEM-610502-1", "name": "临渭区公益性公墓", "kind": "public_welfare", "division": "610502",
        "version": 1}]})

    cemetery: str
    name: str
    kind: str
    division: str
    version: int


class PlotAdded(View):
    plot_id: str
    version: int


class PlotsAdded(View):
    cemetery: str
    plots: list[PlotAdded]


class PlotAllocated(View):
    """A plot's term after a reservation or a renewal (F-3)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "plot_id": "CEM-610502-1.A-01", "term_until": "2045-06-09", "version": 2}]})

    plot_id: str
    term_until: dt.date | None
    version: int


class Buried(View):
    burial_id: str
    death_id: str
    plot_id: str | None
    burial_type: str
    eco: bool
    term_until: dt.date | None
    version: int


class AssistanceGranted(View):
    assistance_id: str
    death_id: str
    category: str
    items: list[str]
    amount: str
    version: int


class HistoryEntry(View):
    type: str
    occurred_on: dt.date
    version: int
    recorded_at: dt.datetime
    actor: str | None = None


class DeathRecord(View):
    """A death record with its history (F-1 to F-7)."""

    death_id: str
    subject_id: str
    id_number: str | None = None
    temporary_id: str | None = None
    died_on: dt.date
    identified: bool
    funeral_home: str
    source: str
    waived_items: list[str]
    version: int
    history: list[HistoryEntry]


class Cemetery(View):
    """A cemetery and its occupancy by burial type (F-3)."""

    code: str
    name: str
    kind: str
    division: str
    plots: int
    places: int
    occupied: int
    reserved: int
    free: int
    unused_plots: int
    occupancy_rate: float
    by_burial_type: dict[str, dict[str, int]]


class Plot(View):
    plot_id: str
    cemetery: str
    number: str
    kind: str
    burial_type: str
    area_m2: str | None = None  # m², two decimals
    capacity: int
    occupants: int
    reserved: int
    term_from: dt.date | None
    term_until: dt.date | None
    version: int


class ExpiringTerm(View):
    plot_id: str
    cemetery: str
    number: str
    burial_type: str
    term_until: dt.date
    days_left: int
    overdue: bool


class DeclarationReview(View):
    """D-8: a body found later whose registered date of death differs from the standing death declaration's."""

    death_id: str
    declaration_id: str
    subject_id: str
    died_on: dt.date
    declared_died_on: dt.date
    funeral_home: str
    reason: Literal["declared_date_conflict"]
    version: int


class DeclarationReviews(View):
    """D-8: the registrar's dates of death to review, oldest first."""

    items: list[DeclarationReview]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class Tasks(View):
    as_of: dt.date
    horizon_days: int
    tasks: list[ExpiringTerm]
    declaration_reviews: list[DeclarationReview] = Field(
        default_factory=list, description="D-8: for marriage registrars and admins (the cemetery's terms are "
                                          "not theirs): dates of death to review, the first page of "
                                          "GET /v1/funeral/declaration-reviews")
    declaration_reviews_next_cursor: str | None = Field(
        None, description="D-8: more to review: pass as `cursor` to GET /v1/funeral/declaration-reviews")


class Statistics(View):
    """The plan's indicators for one year (F-4, F-5), by business date."""

    year: int
    deaths: int
    unidentified_deaths: int
    relief_station_deaths: int
    cremations: int
    cremation_rate: float
    burials: int
    eco_burials: int
    eco_burial_share: float
    burials_by_type: dict[str, int]
    assistance: dict[str, Any]


class IndicatorInputs(View):
    """RPC `funeral.indicator_inputs(year)`: the year's statistics (as GET /statistics answers them), the
    divisions with a registered public-welfare cemetery (F-3) and the divisions whose funeral home recorded a
    death or a cremation by the year's end (GET /v1/indicators)."""

    statistics: Statistics
    public_welfare_cemetery_divisions: list[str]
    funeral_home_divisions: list[str]


class DeclarationRecorded(View):
    """The answer of a command on a court declaration (D-1, D-5)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "declaration_id": "5d0c7a1e-8b2f-4e3a-9c6d-2f1e0a9b8c7d", "version": 1}]})

    declaration_id: str
    version: int


class CourtDeclaration(View):
    """A court declaration and its effects (D-1..D-10)."""

    declaration_id: str
    kind: str
    person_id: str
    court: str
    judgment_ref: str
    judgment_on: dt.date
    missing_since: dt.date | None = None
    ground: str | None = None
    died_on: dt.date | None = None
    plausibility_confirmed: bool = False
    seen_alive: list[dict[str, Any]] = Field(default_factory=list, description="D-2: civreg saw the person alive "
                                             "after the missing or accident date (`service`, `on`); the registrar "
                                             "confirmed the judgment all the same")
    supersedes: str | None = None
    superseded_on: dt.date | None = None
    revocation: dict[str, Any] | None = None
    spouse_statements: list[dict[str, Any]] = []
    standing: bool
    effects: list[dict[str, Any]]  # what follows in each service, and from when (D-4..D-10)
    history: list[dict[str, Any]]
    version: int


class WaitingDeath(View):
    """A death waiting for a step (F-2, F-6); `disposal_from` is the first day disposal may happen (the server's
    reading of the claim wait), null before the claim notice."""

    death_id: str
    subject_id: str
    id_number: str | None
    temporary_id: str | None
    died_on: dt.date
    funeral_home: str
    natural: bool
    claim_notice_on: dt.date | None
    disposal_from: dt.date | None
    disposal_approved_on: dt.date | None
    awaiting: Literal["cremation", "claim", "disposal"]
    version: int


class WaitingDeaths(View):
    items: list[WaitingDeath]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class ExpiringPlot(View):
    plot_id: str
    cemetery: str
    number: str
    kind: str
    burial_type: str
    occupants: int
    term_until: dt.date
    expired: bool
    version: int


class ExpiringPlots(View):
    expiring_before: dt.date
    items: list[ExpiringPlot]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")
