"""`Funeral`: the application as the nameko entrypoints see it — plain JSON in, plain JSON out.

Each command of the table (contract/table.py) runs its decider here (DECIDERS). It is validated against its
model (a mismatch is 422 `validation_failed`, as at the gateway: RPC callers are checked as strictly as HTTP
ones), given ids derived from the idempotency key, and run in one transaction. The actor (principal name,
role, place) comes from the gateway, which authenticated it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import psycopg

from services.funeral.application import cemeteries, deaths, declarations, lists, queries, reactions
from services.funeral.application.unit_of_work import EventIds, UnitOfWork, attempt
from services.funeral.contract.queries import DeathsQuery, PlotsQuery, ReviewsQuery
from services.funeral.contract.table import COMMANDS
from services.funeral.domain import body
from services.funeral.domain import declarations as death_declarations
from shared.actor import Actor
from shared.envelope import Event
from shared.errors import Refusal
from shared.reference.parameters import NoRuleInForce
from shared.reference.refusals import INVALID_QUERY
from shared.unit_of_work import Application, deciders, parse

_CEMETERY = re.compile(r"CEM-[0-9]{6}-[1-9][0-9]{0,3}", re.ASCII)


def is_cemetery(code: str) -> bool:
    return _CEMETERY.fullmatch(code) is not None


class Funeral(Application):
    UNIT_OF_WORK = UnitOfWork
    EVENT_IDS = EventIds
    COMMANDS = COMMANDS
    # A command on a death with no handler of its own is its decider `decide_<command>`, run on the record.
    DECIDERS = deciders(COMMANDS, deaths, cemeteries, declarations, on_record=deaths.on_death,
                        decisions=(body, death_declarations))

    # -- reactions --------------------------------------------------------------------------------------
    def react_to_relief_station(self, event: Event, tx: psycopg.Connection, funeral_home: str) -> None:
        metadata = reactions.metadata_for(event, self.correlation.metadata(), funeral_home)
        attempt(self.store, tx, metadata, reactions.ids_for(event),
                lambda uow: reactions.react(uow, event, funeral_home, self.clock()))

    # -- queries ----------------------------------------------------------------------------------------
    def person_death(self, person_id: str) -> dict[str, Any]:
        with self.store.db.connection() as conn:
            return queries.person_death(conn, person_id, self.clock())

    def death(self, death_id: str) -> dict[str, Any]:
        return queries.death(self.store, str(death_id))

    def declaration(self, declaration_id: str) -> dict[str, Any]:
        with self.store.db.connection() as conn:
            return queries.declaration(self.store, conn, str(declaration_id))

    def cemetery(self, code: str) -> dict[str, Any]:
        with self.store.db.connection() as conn:
            return queries.cemetery(conn, code)

    def plot(self, plot_id: str) -> dict[str, Any]:
        with self.store.db.connection() as conn:
            return queries.plot(conn, plot_id)

    def expiring_terms(self, as_of: str | None = None, cemetery: str | None = None) -> dict[str, Any]:
        try:
            day = dt.date.fromisoformat(as_of) if as_of else self.clock()
        except (TypeError, ValueError):
            raise Refusal(INVALID_QUERY, "as_of is a date YYYY-MM-DD", 422,
                          [{"loc": ["query", "as_of"], "msg": "not a date"}]) from None
        if cemetery is not None and not (isinstance(cemetery, str) and is_cemetery(cemetery)):
            raise Refusal(INVALID_QUERY, "cemetery is a cemetery code (CEM-610502-1)", 422,
                          [{"loc": ["query", "cemetery"], "msg": "not a cemetery code"}])
        try:
            with self.store.db.connection() as conn:
                return queries.expiring_terms(conn, day, cemetery)
        except NoRuleInForce:  # a day before the task horizon's first dated value (found by schemathesis)
            raise Refusal(INVALID_QUERY, "as_of is before the dates the rules cover", 422,
                          [{"loc": ["query", "as_of"], "msg": "out of range"}]) from None

    def waiting_deaths(self, query: Any, actor: Any) -> dict[str, Any]:
        """F-2, F-6: deaths of a funeral home waiting for cremation, the claim notice or disposal approval."""
        q, who = parse(DeathsQuery, query), Actor.from_rpc(actor)
        with self.store.db.connection() as conn:
            return lists.waiting_deaths(conn, who, q)

    def declaration_reviews(self, query: Any) -> dict[str, Any]:
        """D-8: the registrar's dates of death to review, paged."""
        q = parse(ReviewsQuery, query)
        with self.store.db.connection() as conn:
            return lists.declaration_reviews(conn, q)

    def expiring_plots(self, query: Any, actor: Any) -> dict[str, Any]:
        """F-3: plots whose term ends before a day."""
        q, who = parse(PlotsQuery, query), Actor.from_rpc(actor)
        with self.store.db.connection() as conn:
            return lists.expiring_plots(conn, who, q, self.clock())

    def statistics(self, year: int) -> dict[str, Any]:
        with self.store.db.connection() as conn:
            return queries.statistics(conn, year)

    def indicator_inputs(self, year: int) -> dict[str, Any]:
        with self.store.db.connection() as conn:
            return queries.indicator_inputs(conn, year)

