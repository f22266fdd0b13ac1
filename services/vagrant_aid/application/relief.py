"""`VagrantAid`: the application as the nameko entrypoints see it — plain JSON in, plain JSON out.

Each command of the table (contract/table.py) runs its handler (application/handlers.py, DECIDERS) in the
shared runner; commands are judged by a `Clock` (the moment and the bureau's date: an intake records the
time of arrival), which tests set. Queries take the acting principal last, as commands do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.vagrant_aid.adapters.read_models import ReadModels
from services.vagrant_aid.application import handlers, queries, reactions
from services.vagrant_aid.application.unit_of_work import EventIds, UnitOfWork, valid_case_id
from services.vagrant_aid.contract.table import COMMANDS
from services.vagrant_aid.domain import decide
from services.vagrant_aid.domain.decide import Clock
from shared.actor import Actor
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from shared.unit_of_work import Application, deciders


class VagrantAid(Application):
    UNIT_OF_WORK = UnitOfWork
    EVENT_IDS = EventIds
    COMMANDS = COMMANDS
    DECIDERS = deciders(COMMANDS, handlers, on_record=handlers.on_case, decisions=(decide,))

    def __init__(self, store: PostgresEventStore, correlation: Correlation,
                 clock: Callable[[], Clock] = Clock.at) -> None:
        super().__init__(store, correlation, clock)  # type: ignore[arg-type]  # a Clock, not a date
        self.read_models = ReadModels(store.db)

    def _command(self, *args: Any) -> dict[str, Any]:
        try:
            return super()._command(*args)
        except handlers.OpenCaseTaken as taken:  # outside the rolled-back transaction, on a connection of its own
            raise taken.refusal(self.read_models) from None

    # -- reactions (D-9) -------------------------------------------------------------------------------
    def react_to_funeral(self, event: Any, tx: Any) -> None:
        reactions.react(self.store, tx, event, self.correlation.metadata())

    # -- queries ----------------------------------------------------------------------------------------
    def get_case(self, case_id: str, actor: dict[str, Any]) -> dict[str, Any]:
        clock = self.clock()
        return queries.get_case(self.store, Actor.from_rpc(actor), valid_case_id(case_id), clock.now, clock.today)

    def list_cases(self, query: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
        clock = self.clock()
        return queries.list_cases(self.read_models, Actor.from_rpc(actor), query, clock.now, clock.today)

    def list_stations(self, actor: dict[str, Any]) -> dict[str, Any]:
        Actor.from_rpc(actor)
        return {"stations": queries.stations(self.read_models, self.clock().today)}

    def watchlist_matches(self, case_id: str, actor: dict[str, Any]) -> dict[str, Any]:
        return queries.watchlist_matches(self.store, self.read_models, Actor.from_rpc(actor),
                                         valid_case_id(case_id))

    def watchlist(self, query: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
        page = {"limit": 100, "offset": 0} | (query or {})
        return queries.watchlist(self.read_models, Actor.from_rpc(actor), int(page["limit"]), int(page["offset"]))

    def statistics(self, query: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
        return queries.statistics(self.read_models, Actor.from_rpc(actor), query, self.clock().today)

    def indicator_inputs(self, year: Any) -> dict[str, Any]:
        return queries.indicator_inputs(self.read_models, year, self.clock().today)
