"""The service's half of the command table (contract/table.py): one handler per command, named like it,
run by the shared runner (`shared.unit_of_work.Application`) as `handler(uow, *path, command, actor, clock)`
in one transaction. The runner validates the body, names the actor, derives ids from the Idempotency-Key and
decides again on a lost race; a handler loads, lets the pure decider decide, records, and answers.

A command on a case has no handler of its own: the pure decider `decide_<command>(command, case, clock)` of
`domain/decide.py` is run by the shared decider runner as `on_case` says (application/relief.py:
`deciders(…, on_record=on_case, …)`), identification (V-6) too: a decision that identifies the person is
checked against the court declarations standing about them (D-9), as the case's read hands them in.

A retried command (same key) finds its events (`uow.replayed()`) and answers as the first time without
writing. With the version the client last saw (api.md `If-Match`, the body's `version`) a case that moved on
is 409 `concurrency_conflict`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import psycopg

from services.vagrant_aid.adapters.read_models import ONE_OPEN_CASE, ReadModels
from services.vagrant_aid.application.queries import resolve_station, watchlist_matches_of
from services.vagrant_aid.application.unit_of_work import UnitOfWork
from services.vagrant_aid.application.views import case_view
from services.vagrant_aid.contract import commands as cmd
from services.vagrant_aid.contract.refusals import ALREADY_OPEN_CASE, BUSINESS_DATE_IN_FUTURE
from services.vagrant_aid.domain import declarations
from services.vagrant_aid.domain.decide import (
    Clock,
    decide_refuse_aid,
    decide_take_in,
    temporary_id,
)
from services.vagrant_aid.domain.events import Draft, case_stream
from services.vagrant_aid.domain.state import Case, fold
from services.vagrant_aid.domain.stations import check_acts_for_station, decide_register_station
from services.vagrant_aid.domain.watchlist import decide_add_entry, entry_from
from shared.actor import Actor
from shared.envelope import Event
from shared.errors import Refusal
from shared.eventstore import NO_STREAM
from shared.reference.refusals import FORBIDDEN
from shared.unit_of_work import OnRecord, Outcome

CaseDecider = Callable[[Any, Case, Clock], list[Draft]]


# -- V-2 intake ---------------------------------------------------------------------------------------
def take_in(uow: UnitOfWork, command: cmd.TakeIn, actor: Actor, clock: Clock) -> dict[str, Any]:
    """V-2/V-3/V-7: open a case; answers the case with any watch-list matches (V-10)."""
    check_acts_for_station(actor, command.station)
    if stored := uow.replayed():  # a retry, recorded already
        history, case = uow.case(stored[0].payload["case_id"])
        return _intake_answer(uow.models, case, history, clock)
    station = resolve_station(uow.models, command.station, clock.today)
    case_id = uow.ids.resource("case")
    temporary = None if command.person.id_number else temporary_id(
        station.code, uow.models.next_temporary_number())
    drafts = decide_take_in(command, station, case_id, temporary, clock)
    subject = drafts[0].subjects[0][0]
    if existing := uow.models.open_case(station.code, subject):
        raise _already_open(existing, station.code)
    if drafts[0].payload.get("id_number"):  # D-9: a declared person applying for aid
        drafts += declarations.decide_alerts(case_id, station.code, subject,
                                             uow.models.standing_declarations(subject), declarations.TAKEN_IN,
                                             clock.today)
    stored = _record_case(uow, case_id, drafts, NO_STREAM, station.code, subject)
    return _intake_answer(uow.models, fold(stored), stored, clock)


def _intake_answer(models: ReadModels, case: Case, history: list[Event], clock: Clock) -> dict[str, Any]:
    answer = case_view(case, history, clock.now, clock.today)
    answer["watchlist_matches"] = watchlist_matches_of(models, case)
    # A temporary subject id belongs to this case alone: only an ID number can have cases elsewhere.
    answer["open_cases_elsewhere"] = models.open_cases_elsewhere(case.id_number, case.station) \
        if case.id_number else []
    return answer


def refuse_aid(uow: UnitOfWork, command: cmd.RefuseAid, actor: Actor, clock: Clock) -> dict[str, Any]:
    """V-2: record the refusal of an ineligible person with its reason."""
    check_acts_for_station(actor, command.station)
    if not (stored := uow.replayed()):
        station = resolve_station(uow.models, command.station, clock.today)
        refusal_id = uow.ids.resource("refusal")
        stored = uow.record(f"refusal-{refusal_id}", decide_refuse_aid(command, station, refusal_id, clock),
                            NO_STREAM)
    payload = stored[0].payload
    return {"refusal_id": payload["refusal_id"], "station": payload["station"], "reason": payload["reason"],
            "refused_on": payload["refused_on"], "version": stored[-1].stream_version}


# -- commands on an open case (V-4 to V-8) ------------------------------------------------------------
# The case's history, its state, and the court declarations standing about a person (read only when asked).
CaseRead = tuple[list[Event], Case, Callable[[str], list[declarations.Declared]]]


def _load_case(uow: UnitOfWork, case_id: str) -> CaseRead:
    return (*uow.case(case_id), uow.models.standing_declarations)


def _case_answer(uow: UnitOfWork, outcome: Outcome[CaseRead]) -> dict[str, Any]:
    """The case after the command; on a retry, as the first run left it."""
    if outcome.state is None:
        history = uow.case(outcome.key)[0][: outcome.stored[-1].stream_version]
    else:
        history = [*outcome.state[0], *outcome.stored]
    return case_view(fold(history), history, outcome.today.now, outcome.today.today)


def _record_on_case(uow: UnitOfWork, read: CaseRead, drafts: Sequence[Draft]) -> list[Event]:
    case = read[1]
    return _record_case(uow, case.case_id, list(drafts), case.version, case.station, case.subject_id)


def _decide_on_case(decide: CaseDecider, read: CaseRead, command: Any, actor: Actor, clock: Clock) -> list[Draft]:
    """The case's pure decider; D-9: whoever it identifies alerts the staff if a court declared them."""
    _, case, standing = read
    drafts = decide(command, case, clock)
    return [*drafts, *declarations.decide_identified_alerts(case, drafts, standing)]


# A command on one case: load it, let its station's staff decide, append at the version read; the case answers.
on_case: OnRecord[CaseRead] = OnRecord(
    load=_load_case, stream=lambda read: case_stream(read[1].case_id),
    answer=_case_answer, version=lambda read: read[1].version,
    check=lambda read, actor: check_acts_for_station(actor, read[1].station),
    record=_record_on_case, decides=_decide_on_case)


def _record_case(uow: UnitOfWork, case_id: str, drafts: list[Draft], version: int | None, station: str,
                 subject: str) -> list[Event]:
    """Append to the case; the second open case of a person at a station is `already_open_case`."""
    try:
        return uow.record(case_stream(case_id), drafts, version)
    except psycopg.errors.UniqueViolation as exc:
        if exc.diag.constraint_name != ONE_OPEN_CASE:
            raise
        # The transaction is aborted: the other case is looked up once it has ended (`OpenCaseTaken.refusal`).
        raise OpenCaseTaken(station, subject) from None


class OpenCaseTaken(Exception):
    """A concurrent command opened the person's case at the station first (the unique index said so)."""

    def __init__(self, station: str, subject: str) -> None:
        super().__init__(station, subject)
        self.station, self.subject = station, subject

    def refusal(self, models: ReadModels) -> Refusal:
        """`already_open_case` naming the other case, read after the unit of work's transaction ended."""
        return _already_open(models.open_case(self.station, self.subject), self.station)


def _already_open(case_id: str | None, station: str) -> Refusal:
    return Refusal(ALREADY_OPEN_CASE, f"the person has an open case at {station}: {case_id}", 409,
                   errors=[{"loc": ["body", "person"], "msg": f"open case {case_id}"}])


# -- V-1 stations, V-10 watch list --------------------------------------------------------------------
def register_station(uow: UnitOfWork, command: cmd.RegisterStation, actor: Actor, clock: Clock) -> dict[str, Any]:
    """V-1: an admin registers a township aid point or a village consultation point (reference data)."""
    if not actor.is_admin:
        raise Refusal(FORBIDDEN, "only an admin registers stations", 403)
    if stored := uow.replayed():
        return stored[0].payload
    on = command.registered_on or clock.today
    if on > clock.today:
        raise Refusal(BUSINESS_DATE_IN_FUTURE, "registered_on is after today",
                      errors=[{"loc": ["body", "registered_on"], "msg": "must not be in the future"}])
    parent = _station_or_none(uow.models, command.parent, on)
    drafts = decide_register_station(command.code, command.tier, command.name, command.parent, parent,
                                     uow.models.registered_station(command.code), on)
    return uow.record(f"station-{command.code}", drafts, NO_STREAM)[0].payload


def _station_or_none(models: ReadModels, code: str, on: Any) -> Any:
    try:
        return resolve_station(models, code, on)
    except Refusal:
        return None


def add_to_watchlist(uow: UnitOfWork, command: cmd.AddToWatchList, actor: Actor, clock: Clock) -> dict[str, Any]:
    """V-10: relief staff add a person prone to getting lost, with family contacts."""
    if actor.role != "relief_staff":
        raise Refusal(FORBIDDEN, "relief staff keep the watch list", 403)
    if not (stored := uow.replayed()):
        entry_id = uow.ids.resource("watchlist")
        stored = uow.record(f"watch-{entry_id}", decide_add_entry(command, entry_id, actor.office, clock),
                            NO_STREAM)
    payload = stored[0].payload
    return {**payload, "entry_id": entry_from(payload).entry_id, "version": stored[-1].stream_version}
