"""Funeral routes (api.md "Funeral", domain.md F-1 to F-7) for funeral home and cemetery staff.

Who may call what:
* `funeral_staff` record for their own place (a funeral home FH-… or a cemetery CEM-…; the service refuses
  another place with 403 `forbidden_place`); `admin` opens cemeteries and lays out plots — reference data —
  and records no funeral business (separation of duties: 403 `forbidden` here, `forbidden_role` in the
  service).
* `GET /persons/{id}/death` — whether a person is recorded as deceased, and when — is a status-class fact
  (architecture.md, access classes): funeral staff and admins, the registries and officers whose rules
  depend on it (marriage clerks and registrars: M-3, M-11; child welfare officers: C-6; relief staff: V-8),
  and bureaus whose scopes include `status`. Only funeral staff and admins see the death record's id.
* Death records, cemeteries, plots, the task list and the statistics: funeral staff and admins.
* Court declarations (`/v1/court-declarations`, D-1..D-11, docs/declarations.md): entered by marriage
  registrars and the courts' system, the one bureau that writes (any other bureau: 403 `forbidden`); the spouse's
  statement and the withdrawal of a death registered in error (D-11) by registrars.

The body models are the HTTP contract: strict JSON types, frozen, no unknown fields, every text bounded
and free of control characters. The service validates again and applies the rules; its refusals come back
as problem+json with their codes. Commands pass the Idempotency-Key on, so a retry writes nothing new.
"""

from __future__ import annotations

import dataclasses

from services.funeral.contract import queries, responses
from services.funeral.contract.commands import DeclareByCourt
from services.funeral.contract.seen_alive import SeenAlive
from services.funeral.contract.table import COMMANDS, DECLARATION, DECLARATIONS, DECLARING_BUREAU, PREFIX
from services.gateway.access_log import AccessRecord
from services.gateway.api.common import command_routes, parsed_query
from services.gateway.problems import FieldError, Problem
from services.gateway.routing import Call, Reply, Route
from services.timeline.contract.refusals import INVALID_SUBJECT
from shared.errors import Refusal
from shared.reference.refusals import FORBIDDEN, INVALID_QUERY

DEATH_STATUS_READERS = {"funeral_staff", "admin", "marriage_clerk", "marriage_registrar", "child_welfare_officer",
                        "relief_staff", "bureau"}
RECORD_READERS = {"funeral_staff", "admin"}
TASK_READERS = RECORD_READERS | {"marriage_registrar"}  # D-8: the registrar reviews a body found later
REVIEWERS = {"marriage_registrar", "admin"}  # D-8: the dates of death to review are not the funeral home's
# A person's death record id and standing declaration id: the record readers', and the registrars', who
# withdraw a death registered in error (D-11) and revoke a declaration (D-5) by those ids.
ID_READERS = RECORD_READERS | {"marriage_registrar"}
# D-1: court declarations are read by who enters them (registrars, the courts) and by funeral staff and admins.
DECLARATION_READERS = {"marriage_registrar", "bureau", "funeral_staff", "admin"}
NO_SIGHTINGS = {INVALID_SUBJECT}  # D-2: the timeline's answer that means "never seen"
SIGHTINGS_READ = "timeline.seen_alive"  # D-2: the access-log action of the sightings read
SIGHTINGS_PURPOSE = "D-2: a court's judgment checked against civreg seeing the person alive"

# -- handlers -------------------------------------------------------------------------------------------------
def person_death(call: Call) -> Reply:
    """Whether a person is recorded as deceased, and since when."""
    principal = call.principal
    assert principal is not None
    if principal.role == "bureau" and not any(scope.split(":")[0] == "status" for scope in principal.scopes):
        raise Problem(403, FORBIDDEN, "reading deaths needs the status scope")
    found = call.rpc("funeral").person_death(call.params["person_id"])
    if principal.role not in ID_READERS:
        found = {key: found[key] for key in ("person_id", "deceased", "died_on", "basis") if key in found}
    return Reply(found)


def read_death(call: Call) -> Reply:
    """A death record with its history."""
    return Reply(call.rpc("funeral").death(call.params["death_id"]))


def read_declaration(call: Call) -> Reply:
    """A court declaration and its effects (D-1..D-10)."""
    _courts_only(call)
    return Reply(call.rpc("funeral").declaration(call.params["declaration_id"]))


def _courts_only(call: Call) -> None:
    """D-1: of the bureaus, only the courts' system enters or reads declarations (the service checks again)."""
    principal = call.principal
    assert principal is not None
    if principal.role == "bureau" and principal.bureau != DECLARING_BUREAU:
        raise Problem(403, FORBIDDEN, "only the courts' system enters court declarations")


def _with_sightings(call: Call) -> Call:
    """D-2: a declaration goes on with civreg's sightings of the person alive, read from the person's timeline
    (services/funeral/contract/seen_alive.py); whatever a client put there is replaced. Without a missing or
    accident date there is nothing to contradict, and the timeline is not asked."""
    body = call.body
    if not isinstance(body, DeclareByCourt):
        return call
    seen: tuple[SeenAlive, ...] = ()
    dates = [day for day in (body.missing_since, body.deemed_dead_on) if day is not None]
    if dates:
        try:
            # Every service's sightings after the earlier date, service and day only (not as the declarer
            # may read the timeline: a relief stay counts too), the read recorded with its purpose.
            found = call.rpc("timeline").seen_alive(body.id_number, min(dates).isoformat(), None)
            seen = tuple(SeenAlive.model_validate(s) for s in found)
        except Refusal as refused:
            # No id the timeline knows: no sightings (the funeral service judges the ID number itself). Any
            # other refusal is answered as it is: D-2 is never skipped in silence.
            if refused.code not in NO_SIGHTINGS:
                raise
        _log_sightings_read(call, body.id_number, seen)
    return dataclasses.replace(call, body=body.model_copy(update={"seen_alive": seen}), disclosed=call.disclosed)


def _log_sightings_read(call: Call, person: str, seen: tuple[SeenAlive, ...]) -> None:
    """D-2: the read of every service's sightings is the person's access history's own row, with its purpose
    and what it found (service and day), beside the declaration's."""
    log, principal = call.ports.access_log, call.principal
    if log is None or principal is None:
        return
    log.record(AccessRecord(principal.name, principal.role, SIGHTINGS_READ, person, SIGHTINGS_PURPOSE, 200,
                            call.correlation_id, detail="; ".join(f"{s.service} {s.on}" for s in seen) or "none"))


def _for_courts(route: Route) -> Route:
    """A declaration command's route with the courts-only check before the table's handler (and, entering one,
    D-2's sightings)."""
    if not route.path.startswith(DECLARATIONS):
        return route
    inner = route.handler

    def handler(call: Call) -> Reply:
        _courts_only(call)
        return inner(_with_sightings(call))

    handler.__doc__ = inner.__doc__
    return dataclasses.replace(route, handler=handler)


def read_cemetery(call: Call) -> Reply:
    """A cemetery and its occupancy (F-3)."""
    return Reply(call.rpc("funeral").cemetery(call.params["code"]))


def read_plot(call: Call) -> Reply:
    """A plot: type, area, occupants and term (F-3)."""
    return Reply(call.rpc("funeral").plot(call.params["plot_id"]))


def tasks(call: Call) -> Reply:
    """Plot terms ending within 90 days of `as_of` (F-3); registrars: dates of death to review (D-8).

    Cemetery and funeral staff get the plot terms, marriage registrars the bodies found later whose date of
    death differs from the death declaration's (`declaration_reviews`), admins both."""
    principal = call.principal
    assert principal is not None
    cemetery = call.query.get("cemetery")
    if principal.role == "funeral_staff" and (principal.office or "").startswith("CEM-"):
        cemetery = principal.office  # cemetery staff see their own cemetery's tasks
    found = call.rpc("funeral").expiring_terms(call.query.get("as_of"), cemetery)
    if principal.role == "marriage_registrar":
        found["tasks"] = []  # plot terms are the cemeteries' business
    elif principal.role == "funeral_staff":
        found["declaration_reviews"] = []  # D-8: the registrar's review, not the funeral home's
        found["declaration_reviews_next_cursor"] = None
    return Reply(found)


def declaration_reviews(call: Call) -> Reply:
    """D-8: bodies found later whose date of death differs from the death declaration's, paged."""
    return Reply(call.rpc("funeral").declaration_reviews(parsed_query(call, queries.ReviewsQuery)))


def waiting_deaths(call: Call) -> Reply:
    """Deaths of a funeral home waiting for cremation, the claim notice or the disposal approval (F-2, F-6)."""
    return Reply(call.rpc("funeral").waiting_deaths(parsed_query(call, queries.DeathsQuery), call.actor()))


def expiring_plots(call: Call) -> Reply:
    """Plots whose use term ends before a day (default in 90 days), the ended ones first (F-3)."""
    return Reply(call.rpc("funeral").expiring_plots(parsed_query(call, queries.PlotsQuery), call.actor()))


def statistics(call: Call) -> Reply:
    """Yearly deaths, cremations and cremation rate, eco-burial share, assistance totals (F-4, F-5)."""
    text = call.query.get("year", "")
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise Problem(422, INVALID_QUERY, "year is a four-digit year", errors=[FieldError(("query", "year"),
                                                                                            "four digits")])
    return Reply(call.rpc("funeral").statistics(int(text)))


ROUTES = [
    *map(_for_courts, command_routes("funeral", COMMANDS)),
    Route("GET", DECLARATION, "funeral.read_declaration", DECLARATION_READERS, read_declaration,
          response=responses.CourtDeclaration),
    Route("GET", f"{PREFIX}/deaths", "funeral.waiting_deaths", RECORD_READERS, waiting_deaths,
          query=queries.DeathsQuery, response=responses.WaitingDeaths),
    Route("GET", f"{PREFIX}/plots", "funeral.expiring_plots", RECORD_READERS, expiring_plots,
          query=queries.PlotsQuery, response=responses.ExpiringPlots),
    Route("GET", f"{PREFIX}/deaths/<death_id>", "funeral.read_death", RECORD_READERS, read_death,
          response=responses.DeathRecord),
    Route("GET", f"{PREFIX}/cemeteries/<code>", "funeral.read_cemetery", RECORD_READERS, read_cemetery,
          response=responses.Cemetery),
    Route("GET", f"{PREFIX}/plots/<plot_id>", "funeral.read_plot", RECORD_READERS, read_plot,
          response=responses.Plot),
    Route("GET", f"{PREFIX}/persons/<person_id>/death", "funeral.person_death", DEATH_STATUS_READERS,
          person_death, response=responses.PersonDeath, subject="person_id"),
    Route("GET", f"{PREFIX}/declaration-reviews", "funeral.declaration_reviews", REVIEWERS, declaration_reviews,
          query=queries.ReviewsQuery, response=responses.DeclarationReviews),
    Route("GET", f"{PREFIX}/tasks", "funeral.tasks", TASK_READERS, tasks, query=queries.TasksQuery,
          response=responses.Tasks),
    Route("GET", f"{PREFIX}/statistics", "funeral.statistics", RECORD_READERS, statistics,
          query=queries.StatisticsQuery, response=responses.Statistics),
]
