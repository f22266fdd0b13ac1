"""`ChildWelfare`: the application as the nameko entrypoints see it — plain JSON in, plain JSON out.

Each command is validated against its model (422 `validation_failed`, as at the gateway), given ids derived
from the idempotency key, and run in one transaction. The actor comes from the gateway, which authenticated
it. Queries read the child's stream or the read models.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import psycopg

from services.child_welfare.adapters import queries
from services.child_welfare.application import file_changes, files, lists, reactions, schedule
from services.child_welfare.application.unit_of_work import EventIds, UnitOfWork
from services.child_welfare.contract.commands import MONTH_PATTERN
from services.child_welfare.contract.queries import ChildrenQuery
from services.child_welfare.contract.table import COMMANDS
from services.child_welfare.domain.events import child_stream
from services.child_welfare.domain.file import fold
from services.child_welfare.domain.ledger import months, parse_month
from shared.actor import Actor
from shared.envelope import Event
from shared.errors import NotFound, Refusal
from shared.reference.disclosure import disclosing
from shared.reference.refusals import INVALID_QUERY
from shared.unit_of_work import Application, deciders, parse

MOST_MONTHS = 240  # a ledger range: at most 20 years
_MONTH = re.compile(MONTH_PATTERN, re.ASCII)


def month_query(value: Any, name: str) -> dt.date:
    if not (isinstance(value, str) and _MONTH.fullmatch(value)):
        raise Refusal(INVALID_QUERY, f"{name} is a month YYYY-MM", 422, [{"loc": ["query", name], "msg": "YYYY-MM"}])
    return parse_month(value)


class ChildWelfare(Application):
    UNIT_OF_WORK = UnitOfWork
    EVENT_IDS = EventIds
    COMMANDS = COMMANDS
    DECIDERS = deciders(COMMANDS, files, file_changes)

    # -- reactions and schedule ---------------------------------------------------------------------------
    def react(self, event: Event, tx: psycopg.Connection) -> None:
        reactions.react(self.store, tx, event, self.correlation.metadata(), self.clock())

    def run_schedule(self) -> dict[str, int]:
        metadata = self.correlation.metadata(actor="child_welfare.schedule")
        return schedule.run(self.store, metadata, self.clock())

    # -- queries ----------------------------------------------------------------------------------------
    def _read(self, reference: str) -> tuple[Any, list[Event]]:
        with self.store.db.transaction() as tx:
            uow = UnitOfWork(self.store, tx, self.correlation.metadata(), EventIds(None))
            child_id = files.child_id_of(uow, reference)
            events = self.store.read_stream(child_stream(child_id), tx=tx) if child_id else []
        if not events:
            raise NotFound("no such child's file")
        return fold(events), events

    def child(self, reference: str) -> dict[str, Any]:
        file, events = self._read(reference)
        # The child under every id their history is looked up by (the file may have begun under a TMP- id).
        return disclosing(queries.file_view(file, events, self.clock()),
                          [file.subject_id, file.id_number, file.temporary_id])

    def allowances(self, reference: str, first: Any, last: Any) -> dict[str, Any]:
        start, end = month_query(first, "from"), month_query(last, "to")
        if end < start or len(list(months(start, end))) > MOST_MONTHS:
            raise Refusal(INVALID_QUERY, f"from ≤ to, at most {MOST_MONTHS} months", 422,
                          [{"loc": ["query", "to"], "msg": "range"}])
        file, _ = self._read(reference)
        with self.store.db.connection() as conn:
            return queries.allowances(conn, file, start, end)

    def payroll(self, month: Any) -> dict[str, Any]:
        day = month_query(month, "month")
        with self.store.db.connection() as conn:
            answer = queries.payroll(conn, day)
            # Every child paid or adjusted, also under the temporary id their file began with (issue 14).
            children = [line["child_id"] for line in (*answer["payments"], *answer["adjustments"])]
            ids = conn.execute("SELECT subject_id, id_number, temporary_id FROM child_files"
                               " WHERE child_id = ANY(%s) ORDER BY child_id", (children,)).fetchall()
        return disclosing(answer, [i for row in ids for i in row])

    def indicator_inputs(self, year: Any) -> dict[str, Any]:
        """The plan's allowance indicators for a year (GET /v1/indicators at the gateway)."""
        if not (isinstance(year, int) and 1900 <= year <= 9999):
            raise Refusal(INVALID_QUERY, "year is a year", 422, [{"loc": ["query", "year"], "msg": "not a year"}])
        with self.store.db.connection() as conn:
            return queries.indicator_inputs(conn, year, self.clock())

    def children(self, query: Any, actor: Any) -> dict[str, Any]:
        """C-3: files by stage and county, the officers' queues."""
        q, who = parse(ChildrenQuery, query), Actor.from_rpc(actor)
        with self.store.db.connection() as conn:
            return lists.children(conn, who, q)

    def tasks(self, as_of: Any = None) -> dict[str, Any]:
        try:
            day = dt.date.fromisoformat(as_of) if as_of else self.clock()
        except (TypeError, ValueError):
            raise Refusal(INVALID_QUERY, "as_of is a date YYYY-MM-DD", 422,
                          [{"loc": ["query", "as_of"], "msg": "not a date"}]) from None
        with self.store.db.connection() as conn:
            return queries.tasks(conn, day)
