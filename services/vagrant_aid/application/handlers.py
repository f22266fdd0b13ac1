"""Command handlers: one function per use case — load, decide, append — with the inline read models
written in the same transaction as the events.

Idempotency: ids (case, refusal, entry, events) derive from the Idempotency-Key, so a retried command finds
its events already stored and answers as the first time without writing.

Concurrency: a case command appends at the version it read; when another command got there first it
decides again on fresh state (a few times, then `concurrency_conflict`). "One open case per person and
station" spans streams: the unique index on the `cases` read model, written in the append's transaction,
makes the second of two simultaneous intakes fail (`already_open_case`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from pydantic import TypeAdapter

from services.vagrant_aid.adapters.read_models import ONE_OPEN_CASE, ReadModels
from services.vagrant_aid.application.context import CommandContext, parse
from services.vagrant_aid.application.queries import resolve_station, watchlist_matches_of
from services.vagrant_aid.application.views import case_view
from services.vagrant_aid.contract import commands as cmd
from services.vagrant_aid.domain.decide import (
    decide_exit,
    decide_family_search,
    decide_file_extension,
    decide_identify,
    decide_provide_service,
    decide_refuse_aid,
    decide_settle,
    decide_take_in,
    temporary_id,
)
from services.vagrant_aid.domain.events import Draft
from services.vagrant_aid.domain.state import Case, fold
from services.vagrant_aid.domain.stations import check_acts_for_station, decide_register_station
from services.vagrant_aid.domain.watchlist import decide_add_entry, entry_from
from shared.envelope import Event
from shared.errors import NotFound, Refusal
from shared.eventstore import NO_STREAM, ConcurrencyConflict
from shared.eventstore.postgres import PostgresEventStore

MAX_DECISIONS = 3  # attempts of a case command whose stream moved on meanwhile
MAX_EVENTS_PER_COMMAND = 4  # a case command appends one or two events; ids derived beyond are never used
EXIT = TypeAdapter(cmd.ExitDetails)


@dataclass(frozen=True)
class Ports:
    store: PostgresEventStore
    read_models: ReadModels


def case_stream(case_id: str) -> str:
    return f"case-{case_id}"


# -- V-2 intake ---------------------------------------------------------------------------------------
def take_in(ports: Ports, ctx: CommandContext, body: Any) -> dict[str, Any]:
    """V-2/V-3/V-7: open a case; answers the case with any watch-list matches (V-10)."""
    command: cmd.TakeIn = parse(cmd.TakeIn, body)
    check_acts_for_station(ctx.actor, command.station)
    station = resolve_station(ports.read_models, command.station, ctx.clock.today)
    case_id = str(ctx.derived_id("case"))
    stream = case_stream(case_id)
    if ctx.idempotency_key and (history := ports.store.read_stream(stream)):  # a retry, recorded already
        return _intake_answer(ports, _case(history, case_id), history, ctx)
    temporary = None if command.person.id_number else temporary_id(
        station.code, ports.read_models.next_temporary_number())
    drafts = decide_take_in(command, station, case_id, temporary, ctx.clock)
    subject = drafts[0].subjects[0].id
    if existing := ports.read_models.open_case(station.code, subject):
        raise _already_open(existing, station.code)
    try:
        with ports.store.db.transaction() as tx:
            stored = ports.store.append(stream, ctx.new_events(drafts), NO_STREAM, tx=tx)
            case = _case(stored, case_id)
            ports.read_models.save_case(case, tx)
    except psycopg.errors.UniqueViolation as exc:
        raise _conflict(ports, exc, station.code, subject) from None
    return _intake_answer(ports, case, stored, ctx)


def _intake_answer(ports: Ports, case: Case, history: list[Event], ctx: CommandContext) -> dict[str, Any]:
    answer = case_view(case, history, ctx.clock.now, ctx.clock.today)
    answer["watchlist_matches"] = watchlist_matches_of(ports.read_models, case)
    # A temporary subject id belongs to this case alone: only an ID number can have cases elsewhere.
    answer["open_cases_elsewhere"] = ports.read_models.open_cases_elsewhere(case.id_number, case.station) \
        if case.id_number else []
    return answer


def refuse_aid(ports: Ports, ctx: CommandContext, body: Any) -> dict[str, Any]:
    """V-2: record the refusal of an ineligible person with its reason."""
    command: cmd.RefuseAid = parse(cmd.RefuseAid, body)
    check_acts_for_station(ctx.actor, command.station)
    station = resolve_station(ports.read_models, command.station, ctx.clock.today)
    refusal_id = str(ctx.derived_id("refusal"))
    drafts = decide_refuse_aid(command, station, refusal_id, ctx.clock)
    with ports.store.db.transaction() as tx:
        [stored] = ports.store.append(f"refusal-{refusal_id}", ctx.new_events(drafts), NO_STREAM, tx=tx)
        ports.read_models.add_refusal(stored.payload, tx)
    return {"refusal_id": stored.payload["refusal_id"], "station": station.code, "reason": command.reason,
            "refused_on": stored.payload["refused_on"], "version": stored.stream_version}


# -- commands on an open case (V-4 to V-8) ------------------------------------------------------------
def on_case(ports: Ports, ctx: CommandContext, case_id: str, decide: Callable[[Case], list[Draft]],
            if_match: int | None = None) -> dict[str, Any]:
    """Load the case, let its station's staff decide, append at the version read; the case as answer.

    With `if_match` (the version the client last saw, api.md `If-Match`) the command applies to that
    version only: a case that moved on is 409 `concurrency_conflict`, never decided again."""
    stream = case_stream(case_id)
    ours = set(ctx.event_ids(MAX_EVENTS_PER_COMMAND))
    for _ in range(MAX_DECISIONS):
        history = ports.store.read_stream(stream)
        case = _case(history, case_id)
        check_acts_for_station(ctx.actor, case.station)
        if replayed := [n for n, e in enumerate(history) if e.event_id in ours]:  # a retry: answer as then
            history = history[: replayed[-1] + 1]
            return case_view(_case(history, case_id), history, ctx.clock.now, ctx.clock.today)
        if if_match is not None and if_match != case.version:
            raise ConcurrencyConflict(stream, if_match, case.version)
        drafts = decide(case)
        try:
            with ports.store.db.transaction() as tx:
                stored = ports.store.append(stream, ctx.new_events(drafts), case.version, tx=tx)
                case = _case([*history, *stored], case_id)
                ports.read_models.save_case(case, tx)
        except ConcurrencyConflict:
            if if_match is not None:
                raise
            continue  # someone else's command came first: decide again on the new state
        except psycopg.errors.UniqueViolation as exc:
            raise _conflict(ports, exc, case.station, case.subject_id) from None
        return case_view(case, [*history, *stored], ctx.clock.now, ctx.clock.today)
    raise ConcurrencyConflict(stream, None, ports.store.stream_version(stream))


def _case(history: list[Event], case_id: str) -> Case:
    case = fold(history)
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def identify(ports: Ports, ctx: CommandContext, case_id: str, body: Any,
             if_match: int | None = None) -> dict[str, Any]:
    command = parse(cmd.Identify, body)
    return on_case(ports, ctx, case_id, lambda case: decide_identify(command, case, ctx.clock), if_match)


def provide_service(ports: Ports, ctx: CommandContext, case_id: str, body: Any,
                    if_match: int | None = None) -> dict[str, Any]:
    command = parse(cmd.ProvideService, body)
    return on_case(ports, ctx, case_id, lambda case: decide_provide_service(command, case, ctx.clock), if_match)


def record_family_search(ports: Ports, ctx: CommandContext, case_id: str, body: Any,
                         if_match: int | None = None) -> dict[str, Any]:
    command = parse(cmd.RecordFamilySearch, body)
    return on_case(ports, ctx, case_id, lambda case: decide_family_search(command, case, ctx.clock), if_match)


def file_extension(ports: Ports, ctx: CommandContext, case_id: str, body: Any,
                   if_match: int | None = None) -> dict[str, Any]:
    command = parse(cmd.FileExtension, body)
    return on_case(ports, ctx, case_id, lambda case: decide_file_extension(command, case, ctx.clock), if_match)


def record_exit(ports: Ports, ctx: CommandContext, case_id: str, body: Any,
                if_match: int | None = None) -> dict[str, Any]:
    command = parse(EXIT, body)
    return on_case(ports, ctx, case_id, lambda case: decide_exit(command, case, ctx.clock), if_match)


def settle(ports: Ports, ctx: CommandContext, case_id: str, body: Any,
           if_match: int | None = None) -> dict[str, Any]:
    command = parse(cmd.Settle, body)
    return on_case(ports, ctx, case_id, lambda case: decide_settle(command, case, ctx.clock), if_match)


# -- V-1 stations, V-10 watch list --------------------------------------------------------------------
def register_station(ports: Ports, ctx: CommandContext, body: Any) -> dict[str, Any]:
    """V-1: an admin registers a township aid point or a village consultation point."""
    if not ctx.actor.is_admin:
        raise Refusal("forbidden", "only an admin registers stations", 403)
    command: cmd.RegisterStation = parse(cmd.RegisterStation, body)
    on = command.registered_on or ctx.clock.today
    if on > ctx.clock.today:
        raise Refusal("business_date_in_future", "registered_on is after today",
                      errors=[{"loc": ["body", "registered_on"], "msg": "must not be in the future"}])
    stream = f"station-{command.code}"
    if (history := ports.store.read_stream(stream)) and history[0].event_id == ctx.event_ids(1)[0]:
        return history[0].payload  # a retry of a command that was recorded
    parent = _station_or_none(ports, command.parent, on)
    drafts = decide_register_station(command.code, command.tier, command.name, command.parent, parent,
                                     ports.read_models.registered_station(command.code), on)
    with ports.store.db.transaction() as tx:
        [stored] = ports.store.append(stream, ctx.new_events(drafts), NO_STREAM, tx=tx)
        ports.read_models.add_station(stored.payload, tx)
    return stored.payload


def _station_or_none(ports: Ports, code: str, on: Any) -> Any:
    try:
        return resolve_station(ports.read_models, code, on)
    except Refusal:
        return None


def add_to_watchlist(ports: Ports, ctx: CommandContext, body: Any) -> dict[str, Any]:
    """V-10: staff or an admin add a person prone to getting lost, with family contacts."""
    if not (ctx.actor.is_admin or ctx.actor.role == "relief_staff"):
        raise Refusal("forbidden", "relief staff and admins keep the watch list", 403)
    command: cmd.AddToWatchList = parse(cmd.AddToWatchList, body)
    entry_id = str(ctx.derived_id("watchlist"))
    drafts = decide_add_entry(command, entry_id, ctx.actor.office, ctx.clock)
    with ports.store.db.transaction() as tx:
        [stored] = ports.store.append(f"watch-{entry_id}", ctx.new_events(drafts), NO_STREAM, tx=tx)
        ports.read_models.add_watch_entry(stored.payload, tx)
    entry = entry_from(stored.payload)
    return {**stored.payload, "entry_id": entry.entry_id, "version": stored.stream_version}


# -- refusals of the one-open-case invariant ----------------------------------------------------------
def _already_open(case_id: str | None, station: str) -> Refusal:
    return Refusal("already_open_case", f"the person has an open case at {station}: {case_id}", 409,
                   errors=[{"loc": ["body", "person"], "msg": f"open case {case_id}"}])


def _conflict(ports: Ports, exc: psycopg.errors.UniqueViolation, station: str, subject: str) -> Exception:
    if exc.diag.constraint_name != ONE_OPEN_CASE:
        return exc
    return _already_open(ports.read_models.open_case(station, subject), station)
