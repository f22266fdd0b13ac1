"""Query handlers: the death record itself (replayed from its stream) and the read-model queries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import psycopg

from services.funeral.adapters import queries
from services.funeral.application import lists
from services.funeral.contract.queries import ReviewsQuery
from services.funeral.domain import declarations, parameters, rules
from services.funeral.domain.death import fold
from services.funeral.domain.events import death_stream, declaration_stream
from shared.errors import NotFound, Refusal
from shared.eventstore.base import EventStore
from shared.reference.disclosure import disclosing
from shared.reference.refusals import INVALID_QUERY

_TEMPORARY_ID = re.compile(r"TMP-[A-Za-z0-9-]{1,60}", re.ASCII)


def subject_of(person_id: str, today: dt.date) -> str:
    """api.md: persons are addressed by ID number or temporary subject id."""
    if isinstance(person_id, str) and _TEMPORARY_ID.fullmatch(person_id):
        return person_id
    return rules.check_id_number(person_id if isinstance(person_id, str) else "", today, field="person_id").value


def person_death(conn: psycopg.Connection, person_id: str, today: dt.date) -> dict[str, Any]:
    """GET /persons/{id}/death: deceased on a registered death, or on a standing death declaration (D-8: every
    "deceased" answer names its basis)."""
    subject = subject_of(person_id, today)
    found = queries.person_death(conn, subject)
    if found is not None:
        return disclosing({"person_id": subject, "deceased": True, "basis": "registered", **found},
                          [subject, found.get("temporary_id")])
    declared = queries.declared_death(conn, subject)
    if declared is not None:
        return disclosing({"person_id": subject, "deceased": True, "basis": "declared", **declared}, [subject])
    return disclosing({"person_id": subject, "deceased": False}, [subject])


def declaration(store: EventStore, conn: psycopg.Connection, declaration_id: str) -> dict[str, Any]:
    """GET /v1/court-declarations/{id}: the declaration, its history and its effects (D-4..D-10)."""
    events = store.read_stream(declaration_stream(declaration_id)) if 0 < len(declaration_id) <= 64 else []
    found = declarations.fold(events)
    if found is None:
        raise NotFound("no such court declaration")
    ends_on, ended_by = queries.declaration_end(conn, declaration_id) or (None, None)
    superseded_on = ends_on if ended_by == "death_declaration" else None
    revocation = found.revocation.payload() if found.revocation else None
    return disclosing(_plain({
        "declaration_id": found.declaration_id, "kind": found.kind, "person_id": found.person, "court": found.court,
        "judgment_ref": found.judgment_ref, "judgment_on": found.judgment_on, "missing_since": found.missing_since,
        "ground": found.ground, "died_on": found.died_on, "plausibility_confirmed": found.plausibility_confirmed,
        "supersedes": found.supersedes, "superseded_on": superseded_on, "revocation": revocation,
        "seen_alive": [s.model_dump() for s in found.seen_alive],
        "spouse_statements": [dataclasses.asdict(s) for s in found.statements],
        "standing": ends_on is None, "effects": declarations.effects(found, superseded_on),
        "history": [{"type": e.type, "occurred_on": e.occurred_on.isoformat(), "version": e.stream_version,
                     "recorded_at": e.recorded_at.isoformat(), "actor": e.metadata.actor} for e in events],
        "version": found.version}), [found.person])


def death(store: EventStore, death_id: str) -> dict[str, Any]:
    """GET /deaths/{id}: the record and its history."""
    events = store.read_stream(death_stream(death_id)) if 0 < len(death_id) <= 64 else []
    record = fold(events)
    if record is None:
        raise NotFound("no such death record")
    view = _plain(dataclasses.asdict(record))
    view["identified"] = record.identified
    view["waived_items"] = sorted(record.waived_items)
    view["history"] = [{"type": e.type, "occurred_on": e.occurred_on.isoformat(), "version": e.stream_version,
                        "recorded_at": e.recorded_at.isoformat(), "actor": e.metadata.actor} for e in events]
    # The person under every id their history is looked up by: the ID number and the body's temporary id.
    return disclosing(view, [view.get("subject_id"), view.get("id_number"), view.get("temporary_id")])


def cemetery(conn: psycopg.Connection, code: str) -> dict[str, Any]:
    found = queries.cemetery(conn, code) if isinstance(code, str) and len(code) <= 20 else None
    if found is None:
        raise NotFound("no such cemetery")
    return found


def plot(conn: psycopg.Connection, plot_id: str) -> dict[str, Any]:
    found = queries.plot(conn, plot_id) if isinstance(plot_id, str) and len(plot_id) <= 64 else None
    if found is None:
        raise NotFound("no such plot")
    return found


def expiring_terms(conn: psycopg.Connection, as_of: dt.date, cemetery_code: str | None) -> dict[str, Any]:
    """F-3: the task list of plot terms ending within the configured horizon (90 days) of `as_of`; D-8: the
    dates of death a registrar is to review (the gateway gives each role its part)."""
    horizon = parameters.expiring_terms_horizon_days(as_of)
    return {"as_of": as_of.isoformat(), "horizon_days": horizon,
            "tasks": queries.expiring_terms(conn, as_of, horizon, cemetery_code),
            **_first_reviews(conn)}


def _first_reviews(conn: psycopg.Connection) -> dict[str, Any]:
    """D-8: the first page of the registrar's review list, and the cursor of the rest (GET /declaration-reviews)."""
    reviews = lists.declaration_reviews(conn, ReviewsQuery())
    return {"declaration_reviews": reviews["items"], "declaration_reviews_next_cursor": reviews["next_cursor"]}


def statistics(conn: psycopg.Connection, year: int) -> dict[str, Any]:
    if not isinstance(year, int) or not 1900 <= year <= 2999:
        raise Refusal(INVALID_QUERY, "year is a four-digit year", 422, [{"loc": ["query", "year"], "msg": "year"}])
    return queries.statistics(conn, year)


def indicator_inputs(conn: psycopg.Connection, year: int) -> dict[str, Any]:
    """What the plan's funeral indicators are computed from (GET /v1/indicators): the year's statistics (the
    same figures as GET /statistics), the divisions with a registered public-welfare cemetery (F-3), and the
    divisions whose funeral home recorded a death or a cremation by the end of the year."""
    figures = statistics(conn, year)
    last = dt.date(year, 12, 31)
    cemeteries = [d for (d,) in conn.execute(
        "SELECT DISTINCT division FROM cemeteries WHERE kind = 'public_welfare' ORDER BY division")]
    homes = [h for (h,) in conn.execute(
        "SELECT funeral_home FROM deaths WHERE died_on <= %s UNION"
        " SELECT funeral_home FROM cremations WHERE cremated_on <= %s ORDER BY 1", (last, last))]
    return {"statistics": figures, "public_welfare_cemetery_divisions": cemeteries,
            "funeral_home_divisions": sorted({h.removeprefix("FH-") for h in homes})}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
