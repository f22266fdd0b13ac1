"""Command handlers for cemeteries, plots and burials (F-3, F-4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.funeral.application.deaths import load_death
from services.funeral.application.declarations import load_declaration
from services.funeral.application.unit_of_work import UnitOfWork
from services.funeral.contract.commands import AddPlots, Bury, OpenCemetery, RenewTerm, ReservePlot
from services.funeral.domain import parameters, rules
from services.funeral.domain.cemetery import (
    Cenotaph,
    Plot,
    decide_burial,
    decide_open_cemetery,
    decide_plots,
    decide_renewal,
    decide_reservation,
    is_plot_id,
    plot_id_of,
)
from services.funeral.domain.events import PLOT_ALLOCATED, cemetery_stream, death_stream, plot_stream
from shared.actor import Actor
from shared.errors import NotFound
from shared.eventstore.base import NO_STREAM
from shared.unit_of_work import OnRecord


def open_cemetery(uow: UnitOfWork, command: OpenCemetery, actor: Actor, today: dt.date) -> dict[str, Any]:
    """F-3: POST /cemeteries (admin)."""
    if not (stored := uow.replayed()):
        drafts = decide_open_cemetery(uow.cemetery(command.code), command, today)
        stored = uow.record(cemetery_stream(command.code), drafts, NO_STREAM)
    return {**stored[0].payload, "version": stored[-1].stream_version}


def add_plots(uow: UnitOfWork, code: str, command: AddPlots, actor: Actor, today: dt.date) -> dict[str, Any]:
    """F-3: POST /cemeteries/{code}/plots (admin)."""
    if not (stored := uow.replayed()):
        cemetery = uow.cemetery(code) if isinstance(code, str) and len(code) <= 20 else None
        if cemetery is None:
            raise NotFound("no such cemetery")
        candidates = [plot_id_of(code, spec.number) for spec in command.plots]
        drafts = decide_plots(cemetery, uow.read.existing_plots(candidates), command, today)
        stored = [event for plot_id, draft in drafts.items()
                  for event in uow.record(plot_stream(plot_id), [draft], NO_STREAM)]
    return {"cemetery": code, "plots": [{"plot_id": e.payload["plot_id"], "version": e.stream_version}
                                        for e in stored]}


def load_plot(uow: UnitOfWork, plot_id: str) -> Plot:
    plot = uow.plot(plot_id) if is_plot_id(plot_id) else None
    if plot is None:
        raise NotFound("no such plot")
    return plot


def burial_result(events: list[Any]) -> dict[str, Any]:
    burial = events[0].payload
    return {"burial_id": burial["burial_id"], "death_id": burial["death_id"], "plot_id": burial["plot_id"],
            "burial_type": burial["burial_type"], "eco": burial["eco"], "term_until": burial["term_until"],
            "version": events[0].stream_version}


def bury(uow: UnitOfWork, command: Bury, actor: Actor, today: dt.date) -> dict[str, Any]:
    """F-3, F-4: POST /burials."""
    if stored := uow.replayed():
        return burial_result(stored)
    record = load_death(uow, command.death_id, referenced=True)
    plot = None
    if command.plot is not None and command.cemetery is not None:
        plot_id = command.plot if "." in command.plot else plot_id_of(command.cemetery, command.plot)
        plot = load_plot(uow, plot_id)
    interred_on = command.interred_on or today
    decision = decide_burial(record, plot, command, actor, today, uow.ids.resource("burial"),
                             parameters.plot_term_years(interred_on))
    events = uow.record(death_stream(record.death_id), decision.death, record.version)
    if decision.plot:
        assert plot is not None
        uow.record(plot_stream(plot.plot_id), decision.plot, plot.version)
    return burial_result(events)


def allocation_result(events: list[Any]) -> dict[str, Any]:
    last = events[-1]
    return {"plot_id": last.payload["plot_id"], "term_until": last.payload["term_until"],
            "version": last.stream_version}


# A command on one plot: replay, load, decide, record, answer the allocation.
on_plot: OnRecord[Plot] = OnRecord(load=load_plot, stream=lambda plot: plot_stream(plot.plot_id),
                                   answer=lambda uow, outcome: allocation_result(outcome.stored))


def reserve_plot(uow: UnitOfWork, plot_id: str, command: ReservePlot, actor: Actor, today: dt.date) -> dict:
    """F-3: POST /plots/{id}/reservations — allocation by approved exception."""
    def decide(plot: Plot) -> list[Any]:
        rules.check_acts_for_place(actor, plot.cemetery)
        years = parameters.plot_term_years(command.reserved_on or today)
        declared = cenotaph_of(uow, command.declaration_id) if command.declaration_id else None
        drafts = decide_reservation(plot, command, actor, today, years, declared)
        assert drafts[-1].type == PLOT_ALLOCATED
        return drafts
    return on_plot.run(uow, plot_id, decide, actor, today)


def cenotaph_of(uow: UnitOfWork, declaration_id: str) -> Cenotaph:
    """D-8: the declaration a cenotaph rests on (404 when there is none)."""
    declaration = load_declaration(uow, declaration_id)
    superseded = uow.read.declaration_ended_by(declaration_id) == "death_declaration"
    return Cenotaph(declaration.declaration_id, declaration.kind, declaration.person,
                    declaration.revoked_on is None and not superseded)


def renew_term(uow: UnitOfWork, plot_id: str, command: RenewTerm, actor: Actor, today: dt.date) -> dict:
    """F-3: POST /plots/{id}/renewals."""
    return on_plot.run(uow, plot_id, lambda plot: decide_renewal(
        plot, command, actor, today, parameters.plot_term_years(command.renewed_on or today)), actor, today)
