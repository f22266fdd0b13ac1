"""Cemeteries, plots and burials (F-3, F-4): state, evolution and decisions.

A cemetery (stream `cemetery-<code>`) is public-welfare or commercial, in a division. Each plot or niche is
a stream of its own (`plot-<plot_id>`, plot id `<cemetery>.<number>`): laid out with a burial type and an
area within the limits, allocated against a registered death or an approved exception, for a term of
years that is renewed. A burial writes to the death's stream and the plot's, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

from services.funeral.contract import events as contract
from services.funeral.contract import refusals as r
from services.funeral.contract.commands import AddPlots, Bury, OpenCemetery, RenewTerm, ReservePlot
from services.funeral.contract.refusals import (
    ALREADY_BURIED,
    BEFORE_DEATH,
    CEMETERY_EXISTS,
    CEMETERY_REQUIRED,
    DIVISION_MISMATCH,
    PLOT_EXISTS,
    PLOT_NOT_ALLOCATED,
    PLOT_NOT_APPLICABLE,
    PLOT_REQUIRED,
)
from services.funeral.contract.vocabulary import ECO_BURIALS, PLOTLESS_BURIALS
from services.funeral.domain import rules
from services.funeral.domain.death import DeathRecord
from services.funeral.domain.events import (
    PLOT_ADDED,
    Draft,
)
from services.funeral.domain.registration import check_version
from shared.actor import Actor
from shared.errors import NotFound, Refusal
from shared.reference.dates import add_years
from shared.reference.events import Recorded
from shared.reference.places import parse_place

PLOT_ID = re.compile(r"CEM-[0-9]{6}-[1-9][0-9]{0,3}\.[A-Za-z0-9][A-Za-z0-9-]{0,19}", re.ASCII)


def plot_id_of(cemetery: str, number: str) -> str:
    return f"{cemetery}.{number}"


def is_plot_id(value: str) -> bool:
    return isinstance(value, str) and PLOT_ID.fullmatch(value) is not None


@dataclass(frozen=True)
class Cemetery:
    code: str
    name: str
    kind: str
    division: str
    version: int = 1


@dataclass(frozen=True)
class Plot:
    plot_id: str
    cemetery: str
    number: str
    kind: str
    burial_type: str
    area_m2: str | None
    capacity: int
    occupants: tuple[str, ...] = ()  # death ids
    reservations: tuple[str, ...] = ()  # F-3 exceptions: the ID number (or name) each place is kept for
    rights_holder: dict[str, Any] | None = None
    term_from: dt.date | None = None
    term_until: dt.date | None = None
    version: int = 0

    @property
    def free_places(self) -> int:
        return self.capacity - len(self.occupants) - len(self.reservations)


def evolve_cemetery(event: Recorded) -> Cemetery:
    opened = contract.CATALOGUE.read(event)
    assert isinstance(opened, contract.CemeteryOpened), opened.TYPE
    return Cemetery(opened.cemetery, opened.name, opened.kind, opened.division, getattr(event, "stream_version", 1))


def evolve_plot(plot: Plot | None, event: contract.EventModel) -> Plot:
    match event:
        case contract.PlotAdded():
            return Plot(event.plot_id, event.cemetery, event.number, event.kind, event.burial_type, event.area_m2,
                        event.capacity)
    assert plot is not None, f"{event.TYPE} before {PLOT_ADDED}"
    match event:
        case contract.PlotAllocated():
            reservations = list(plot.reservations)
            if event.fills_reservation in reservations:
                reservations.remove(event.fills_reservation)
            occupants = plot.occupants + ((event.death_id,) if event.basis == "death" else ())
            if event.basis == "exception":
                reservations.append(_reserved_key(event.reserved_for))
            return replace(plot, occupants=occupants, reservations=tuple(reservations),
                           rights_holder=plot.rights_holder or event.rights_holder,
                           term_from=plot.term_from or event.term_from, term_until=plot.term_until or event.term_until)
        case contract.PlotTermRenewed():
            return replace(plot, term_until=event.term_until)
    return plot


def fold_plot(events: list[Recorded]) -> Plot | None:
    plot: Plot | None = None
    for event in events:
        version = getattr(event, "stream_version", (plot.version if plot else 0) + 1)
        plot = replace(evolve_plot(plot, contract.CATALOGUE.read(event)), version=version)
    return plot


def _reserved_key(person: dict[str, Any]) -> str:
    return person.get("id_number") or f"name:{person['name']}"


# -- decisions ----------------------------------------------------------------------------------------------
def decide_open_cemetery(existing: Cemetery | None, command: OpenCemetery, today: dt.date) -> list[Draft]:
    """F-3: a cemetery of a kind, in the division its code names."""
    code = rules.check_place(command.code, "cemetery", "code")
    division = parse_place(code).division
    if command.division is not None and command.division != division:
        raise rules.refusal(DIVISION_MISMATCH, f"{code} lies in {division}", field="division")
    if existing is not None:
        raise Refusal(CEMETERY_EXISTS, f"{code} exists already", 409)
    payload = {"cemetery": code, "name": command.name, "kind": command.kind, "division": division}
    return [Draft.of(contract.CemeteryOpened(**payload), today)]


def decide_plots(cemetery: Cemetery, existing: set[str], command: AddPlots, today: dt.date) -> dict[str, Draft]:
    """F-3, F-4: plots and niches laid out within the area limits of their burial type."""
    drafts: dict[str, Draft] = {}
    for index, spec in enumerate(command.plots):
        where = f"plots.{index}"
        rules.check_plot_shape(spec.kind, spec.burial_type, spec.area_m2, where)
        rules.check_area_limit(spec.burial_type, spec.area_m2, today, field=where)
        plot_id = plot_id_of(cemetery.code, spec.number)
        if plot_id in existing:
            raise Refusal(PLOT_EXISTS, f"plot {spec.number} exists already in {cemetery.code}", 409)
        payload = {"plot_id": plot_id, "cemetery": cemetery.code, "number": spec.number, "kind": spec.kind,
                   "burial_type": spec.burial_type,
                   "area_m2": None if spec.area_m2 is None else str(spec.area_m2),
                   "capacity": rules.capacity_of(spec.burial_type)}
        drafts[plot_id] = Draft.of(contract.PlotAdded(**payload), today)
    return drafts


@dataclass(frozen=True)
class BurialDecision:
    death: list[Draft]
    plot: list[Draft]


def decide_burial(
    record: DeathRecord, plot: Plot | None, command: Bury, actor: Actor, today: dt.date, burial_id: str,
    term_years: int,
) -> BurialDecision:
    """F-3, F-4: a burial of a registered death (the record exists) — in a free plot of its type and of
    the cemetery, for a term, unless it is a sea burial or scattering, which take no plot."""
    plotless = command.burial_type in PLOTLESS_BURIALS
    if plotless and command.plot is not None:
        raise rules.refusal(PLOT_NOT_APPLICABLE, f"{command.burial_type} burials take no plot", field="plot")
    if not plotless and command.cemetery is None:
        raise rules.refusal(CEMETERY_REQUIRED, f"a {command.burial_type} burial is in a cemetery",
                            field="cemetery")
    if not plotless and command.plot is None:
        raise rules.refusal(PLOT_REQUIRED, f"a {command.burial_type} burial needs a plot", field="plot")
    # Cemetery staff record their cemetery's burials; a sea burial or scattering arranged without a cemetery
    # is recorded by the funeral home that holds the death.
    place = rules.check_place(command.cemetery, "cemetery", "cemetery") if command.cemetery else record.funeral_home
    rules.check_acts_for_place(actor, place)
    if record.burial_id is not None:
        raise Refusal(ALREADY_BURIED, "a burial is already recorded for this death", 409)
    interred_on = command.interred_on or today
    rules.check_recorded_on(interred_on, actor, today, "interred_on")
    rules.check_not_before(interred_on, record.died_on, BEFORE_DEATH, "interred_on is before the date of death",
                           "interred_on")
    rules.check_burial_matches_remains(command.burial_type, record.cremation is not None)
    if record.cremation is None and not record.identified:
        # Burying an unidentified body disposes of it just as cremating it would (F-6).
        rules.check_disposal_allowed(record.claim_notice_on, record.disposal_approved_on is not None, interred_on)
    rights_holder = rules.check_person(command.rights_holder, today, "rights_holder")
    subjects = ((record.subject_id, "deceased"),)
    plot_drafts: list[Draft] = []
    term_until = None
    if not plotless:
        if plot is None or plot.cemetery != command.cemetery:
            raise NotFound(f"no plot {command.plot} in {command.cemetery}")
        rules.check_plot_fits(plot.burial_type, command.burial_type)
        fills = record.subject_id if record.subject_id in plot.reservations else None
        if fills is None:
            rules.check_plot_free(plot.free_places)
        term_from = plot.term_from or interred_on
        term_until = plot.term_until or add_years(interred_on, term_years)
        plot_drafts.append(Draft.of(contract.PlotAllocated(
            plot_id=plot.plot_id, cemetery=plot.cemetery, basis="death", death_id=record.death_id,
            exception=None, reserved_for=None, fills_reservation=fills,
            burial_type=command.burial_type, rights_holder=rights_holder,
            term_from=term_from, term_until=term_until,
        ), interred_on, subjects))
    burial = {"burial_id": burial_id, "death_id": record.death_id, "burial_type": command.burial_type,
              "eco": command.burial_type in ECO_BURIALS, "cemetery": command.cemetery,
              "plot_id": plot.plot_id if plot and not plotless else None, "interred_on": interred_on.isoformat(),
              "rights_holder": rights_holder, "term_until": term_until.isoformat() if term_until else None}
    return BurialDecision([Draft.of(contract.BurialRecorded(**burial), interred_on, subjects)], plot_drafts)


def check_cenotaph(declared: Cenotaph | None, reserved_for: dict[str, Any]) -> None:
    """D-8: a cenotaph (衣冠冢) is allocated, as an F-3 exception, only for the person a standing death
    declaration names (a declaration is no death registration: no body, no ashes)."""
    if declared is None:
        return
    if (declared.kind, declared.standing, declared.person) != ("death", True, reserved_for.get("id_number")):
        raise Refusal(r.CENOTAPH_NOT_APPLICABLE, "a cenotaph is reserved for the person a standing death "
                      "declaration names", 409)


@dataclass(frozen=True)
class Cenotaph:
    """D-8: the declaration a cenotaph rests on, as the application read it."""

    declaration_id: str
    kind: str
    person: str
    standing: bool


def decide_reservation(plot: Plot, command: ReservePlot, actor: Actor, today: dt.date, term_years: int,
                       declared: Cenotaph | None = None) -> list[Draft]:
    """F-3: a place allocated by approved exception before any death (a very old spouse keeping the place
    beside the partner), recorded with the exception's reason, approver and document; D-8: a cenotaph for a
    person declared dead, on the same terms."""
    rules.check_acts_for_place(actor, plot.cemetery)
    check_version(command.version, plot)
    rules.check_plot_free(plot.free_places)
    reserved_on = command.reserved_on or today
    rules.check_recorded_on(reserved_on, actor, today, "reserved_on")
    reserved_for = rules.check_person(command.reserved_for, today, "reserved_for")
    check_cenotaph(declared, reserved_for)
    rights_holder = rules.check_person(command.rights_holder, today, "rights_holder")
    term_from = plot.term_from or reserved_on
    term_until = plot.term_until or add_years(reserved_on, term_years)
    payload = {"plot_id": plot.plot_id, "cemetery": plot.cemetery, "basis": "exception", "death_id": None,
               "exception": command.exception.model_dump(mode="json"), "reserved_for": reserved_for,
               "fills_reservation": None, "burial_type": plot.burial_type, "rights_holder": rights_holder,
               "term_from": term_from.isoformat(), "term_until": term_until.isoformat()}
    if declared is not None:
        payload["declaration_id"] = declared.declaration_id
    subjects = ((reserved_for["id_number"], "reserved_for"),) if reserved_for.get("id_number") else ()
    return [Draft.of(contract.PlotAllocated(**payload), reserved_on, subjects)]


def decide_renewal(plot: Plot, command: RenewTerm, actor: Actor, today: dt.date, default_years: int) -> list[Draft]:
    """F-3: a term is renewed from its end, for at most one full term at a time."""
    rules.check_acts_for_place(actor, plot.cemetery)
    check_version(command.version, plot)
    if plot.term_until is None:
        raise Refusal(PLOT_NOT_ALLOCATED, "the plot has no term to renew", 409)
    renewed_on = command.renewed_on or today
    rules.check_recorded_on(renewed_on, actor, today, "renewed_on")
    years = command.years or default_years
    rules.check_renewal_years(years, renewed_on)
    term_until = add_years(plot.term_until, years)
    payload = {"plot_id": plot.plot_id, "cemetery": plot.cemetery, "renewed_on": renewed_on.isoformat(),
               "years": years, "previous_until": plot.term_until.isoformat(), "term_until": term_until.isoformat()}
    return [Draft.of(contract.PlotTermRenewed(**payload), renewed_on)]


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
