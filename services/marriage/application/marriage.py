"""`Marriage`: the application as the nameko entrypoints see it — plain JSON in, plain JSON out.

Each command is validated against its model (a mismatch is 422 `validation_failed`, as at the gateway: RPC
callers are checked as strictly as HTTP ones), given ids derived from the idempotency key, and run in one
transaction. A registration refused by a rule (M-1 to M-6) rolls back and then records the refusal in a
transaction of its own (M-5): the refusal record is all it writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import psycopg

from services.marriage.adapters.read_models import ReadModels
from services.marriage.application import (
    certificate_stock,
    divorces,
    documents,
    imports,
    lists,
    queries,
    reactions,
    registrations,
    statements,
)
from services.marriage.application.unit_of_work import EventIds, UnitOfWork, attempt, execute
from services.marriage.contract import commands
from services.marriage.contract.queries import AppointmentsQuery, DivorcesQuery
from services.marriage.contract.table import COMMANDS
from services.marriage.domain import parameters, rules
from services.marriage.domain.rules import ApplicationRefused
from shared.actor import Actor
from shared.envelope import Event
from shared.errors import NotFound, Refusal
from shared.eventstore.base import ConcurrencyConflict
from shared.logging import get_logger
from shared.reference.disclosure import disclosing
from shared.reference.divisions import weinan_counties
from shared.reference.refusals import INVALID_QUERY, VALIDATION_FAILED
from shared.unit_of_work import Application, deciders, parse

log = get_logger(__name__)


def checked_number(number: Any) -> str:
    if not (isinstance(number, str) and 0 < len(number) <= 40 and number.isascii()
            and all(c.isalnum() or c in "-/()" for c in number)):
        raise NotFound("no certificate has this number and code")
    return number


def query_date(text: Any, name: str, default: dt.date | None = None) -> dt.date:
    if text in (None, "") and default is not None:
        return default
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise Refusal(INVALID_QUERY, f"{name} is a date YYYY-MM-DD", 422,
                      [{"loc": ["query", name], "msg": "not a date"}]) from None


class Marriage(Application):
    UNIT_OF_WORK = UnitOfWork
    EVENT_IDS = EventIds
    COMMANDS = COMMANDS
    DECIDERS = deciders(COMMANDS, registrations, divorces, certificate_stock, statements)

    # -- commands ---------------------------------------------------------------------------------------
    def register_marriage(self, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        """M-5: a refused registration is recorded, in a unit of work of its own; so it runs here, not through
        a decider of the table."""
        command, who = parse(commands.RegisterMarriage, request), Actor.from_rpc(actor)
        ids = EventIds.for_command("register_marriage", who.name, key)
        metadata = self.correlation.metadata(actor=who.name, office=command.office, idempotency_key=key)
        today = self.clock()
        try:
            # Its transaction is begun by its first statement, the facts and serial (one round trip fewer).
            return execute(self.store, metadata, ids,
                           lambda uow: registrations.register_marriage(uow, command, who, today),
                           begun_by_first_statement=True)
        except ApplicationRefused as refused:
            refusal = execute(self.store, metadata, ids, lambda uow, r=refused: registrations.record_refusal(uow, r))
            log.info("marriage.registration_refused", reasons=refused.reasons, office=refused.office)
            raise refusal from None

    def import_historical_records(self, records: Sequence[Any], actor: Any, first_row: int = 1) -> dict[str, Any]:
        """M-12: one batch (≤ 1000 records), all or nothing; per-record results."""
        who = Actor.from_rpc(actor)
        if not isinstance(records, list | tuple):
            raise Refusal(VALIDATION_FAILED, "records is a list", 422,
                          [{"loc": ["body", "records"], "msg": "a list"}])
        metadata = self.correlation.metadata(actor=who.name)
        return imports.import_batch(self.store, metadata, records, self.clock(), parse, first_row)

    # -- M-8: the scheduled check ---------------------------------------------------------------------------
    def deem_lapsed_divorces_withdrawn(self) -> int:
        """Every pending application whose registration window has ended is deemed withdrawn; each in a
        transaction of its own, with ids derived from the application (two service instances running the
        check at once write it once: the second loses the race on the stream version)."""
        today = self.clock()
        with self.store.db.connection() as conn:
            lapsing = ReadModels(conn).lapsing_divorces(today)
        done = 0
        for divorce_id in lapsing:
            ids = EventIds.for_reaction("deem_withdrawn", divorce_id)
            metadata = self.correlation.metadata(actor="marriage.cooling_off_check")
            try:
                done += execute(self.store, metadata, ids,
                                lambda uow, d=divorce_id: divorces.deem_withdrawn(uow, d, today))
            except ConcurrencyConflict:
                continue
        return done

    # -- M-11: reactions --------------------------------------------------------------------------------------
    def react_to_funeral(self, event: Event, tx: psycopg.Connection) -> None:
        metadata = reactions.metadata_for(event, self.correlation.metadata())
        attempt(self.store, tx, metadata, reactions.ids_for(event), lambda uow: reactions.react(uow, event))

    # -- queries ----------------------------------------------------------------------------------------
    def registration(self, registration_id: str) -> dict[str, Any]:
        with self.store.db.transaction() as tx:
            uow = UnitOfWork(self.store, tx, self.correlation.metadata(), EventIds(None))
            state = registrations.load_marriage(uow, registration_id)
            return disclosing(queries.registration_view(state), state.id_numbers)

    def import_reviews(self, limit: Any = None, cursor: Any = None) -> dict[str, Any]:
        """Marriages flagged for a registrar's review, imported or registered here (M-12 below the ages of their
        date, M-11 and D-4 registered after a party's death or death declaration, D-11 a spouse's death withdrawn
        after the survivor remarried), a page at a time in registration id order."""
        try:
            size = 50 if limit in (None, "") else int(limit)
        except (TypeError, ValueError):
            size = 0
        if not 1 <= size <= 200:
            raise Refusal(INVALID_QUERY, "limit is 1 to 200", 422, [{"loc": ["query", "limit"], "msg": "1..200"}])
        if cursor is not None and not (isinstance(cursor, str) and len(cursor) <= 64):
            raise Refusal(INVALID_QUERY, "cursor is a next_cursor", 422, [{"loc": ["query", "cursor"], "msg": "?"}])
        with self.store.db.transaction() as tx:
            uow = UnitOfWork(self.store, tx, self.correlation.metadata(), EventIds(None))
            ids = uow.read.flagged_marriages(cursor, size + 1)
            items = [queries.review_item(registrations.load_marriage(uow, rid)) for rid in ids[:size]]
        return {"items": items, "next_cursor": ids[size - 1] if len(ids) > size else None}

    def divorce(self, divorce_id: str) -> dict[str, Any]:
        with self.store.db.transaction() as tx:
            uow = UnitOfWork(self.store, tx, self.correlation.metadata(), EventIds(None))
            state, marriage = divorces.load_divorce(uow, divorce_id)
            return disclosing(queries.divorce_view(state), marriage.id_numbers)  # who is divorcing

    def person_status(self, person_id: str, as_of: str | None = None) -> dict[str, Any]:
        today = self.clock()
        person = rules.second_generation(
            rules.check_id_number(person_id, today, "person_id", allow_first_generation=True), today).value
        day = query_date(as_of, "as_of", today)
        with self.store.db.connection() as conn:
            return disclosing(queries.person_status(conn, person, day), [person])

    def verify_certificate(self, number: str, code: str | None = None) -> dict[str, Any]:
        """K-8, K-9: a malformed number is the same 404 as an unknown one (nothing to enumerate by)."""
        with self.store.db.connection() as conn:
            return queries.verification(conn, checked_number(number), code)

    def print_certificate(self, number: str, code: str | None, actor: Any, verification_url: str) -> dict[str, Any]:
        """K-1: the copy's PDF for staff, with the code its issuing answer gave."""
        with self.store.db.connection() as conn:
            return documents.print_copy(conn, checked_number(number), code, Actor.from_rpc(actor),
                                        str(verification_url)[:300])

    def certificate_stock(self, office: str) -> dict[str, Any]:
        """K-5: the office's books of blanks."""
        with self.store.db.connection() as conn:
            return certificate_stock.stock_books(conn, office)

    def certificate_audit(self, office: str, year: str | None = None) -> dict[str, Any]:
        """K-4, K-5: gaps and duplicates of the office's numbers in a year (default this year)."""
        today = self.clock()
        if year in (None, ""):
            number = today.year
        elif isinstance(year, str) and year.isdigit() and 1950 <= int(year) <= today.year:
            number = int(year)
        else:
            raise Refusal(INVALID_QUERY, "year is a year, at most this one", 422,
                          [{"loc": ["query", "year"], "msg": "not a year"}])
        with self.store.db.connection() as conn:
            return certificate_stock.numbering_audit(conn, office, number)

    def indicator_inputs(self, year: Any) -> dict[str, Any]:
        """The plan's 市内通办 indicator (M-6) of a year: the registry offices on its last day (or today),
        those under the citywide rule then, and the year's registrations and cross-county ones (as GET
        /statistics counts them: use, not the rate)."""
        if not (isinstance(year, int) and 1900 <= year <= 9999):
            raise Refusal(INVALID_QUERY, "year is a year", 422, [{"loc": ["query", "year"], "msg": "not a year"}])
        as_of = min(dt.date(year, 12, 31), self.clock())
        offices = [f"MR-{division.code}" for division in weinan_counties(as_of)]
        citywide = parameters.jurisdiction(as_of) in parameters.CITYWIDE_PHASES
        since = parameters.citywide_since()
        with self.store.db.connection() as conn:
            total = queries.statistics(conn, dt.date(year, 1, 1), dt.date(year, 12, 31))["total"]
        return {"year": year, "as_of": as_of.isoformat(), "phase": parameters.jurisdiction(as_of),
                "citywide_since": since.isoformat() if since else None, "offices": offices,
                "citywide_offices": offices if citywide else [], "registrations": total["registrations"],
                "cross_county": total["cross_county"]}

    def appointments(self, query: Any, actor: Any) -> dict[str, Any]:
        """M-13: the day's appointments of an office (api.md release 2)."""
        q, who = parse(AppointmentsQuery, query), Actor.from_rpc(actor)
        with self.store.db.connection() as conn:
            return lists.appointments(conn, who, q, self.clock())

    def divorces(self, query: Any, actor: Any) -> dict[str, Any]:
        """M-8: divorce applications of an office by stage (api.md release 2)."""
        q, who = parse(DivorcesQuery, query), Actor.from_rpc(actor)
        with self.store.db.connection() as conn:
            return lists.divorces(conn, who, q, self.clock())

    def statistics(self, first: str | None, last: str | None) -> dict[str, Any]:
        today = self.clock()
        start = query_date(first, "from", dt.date(today.year, 1, 1))
        end = query_date(last, "to", today)
        if end < start:
            raise Refusal(INVALID_QUERY, "to is before from", 422, [{"loc": ["query", "to"], "msg": "before from"}])
        with self.store.db.connection() as conn:
            return queries.statistics(conn, start, end)
