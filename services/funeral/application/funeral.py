"""`Funeral`: the application as the nameko entrypoints see it — plain JSON in, plain JSON out.

Each command is validated against its model (a mismatch is 422 `validation_failed`, as at the gateway:
RPC callers are checked as strictly as HTTP ones), given ids derived from the idempotency key, and run
in one transaction. The actor (principal name, role, place) comes from the gateway, which authenticated it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import psycopg

from services.funeral.application import cemeteries, deaths, queries, reactions
from services.funeral.application.unit_of_work import EventIds, UnitOfWork, attempt
from services.funeral.domain import commands
from shared.envelope import Event
from shared.errors import Refusal
from shared.unit_of_work import Application

_CEMETERY = re.compile(r"CEM-[0-9]{6}-[1-9][0-9]{0,3}", re.ASCII)


def is_cemetery(code: str) -> bool:
    return _CEMETERY.fullmatch(code) is not None


class Funeral(Application):
    UNIT_OF_WORK = UnitOfWork
    EVENT_IDS = EventIds

    # -- commands ---------------------------------------------------------------------------------------
    def register_death(self, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("register_death", deaths.register_death, commands.RegisterDeath, request, actor, key)

    def correct_death(self, death_id: str, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("correct_death", deaths.correct_death, commands.CorrectDeath, request, actor, key,
                             death_id)

    def identify_body(self, death_id: str, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("identify_body", deaths.identify_body, commands.IdentifyBody, request, actor, key,
                             death_id)

    def collect_body(self, death_id: str, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("collect_body", deaths.collect_body, commands.CollectBody, request, actor, key,
                             death_id)

    def store_body(self, death_id: str, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("store_body", deaths.store_body, commands.StoreBody, request, actor, key, death_id)

    def publish_claim_notice(self, death_id: str, request: Any, actor: Any, key: str | None = None) -> dict:
        return self._command("publish_claim_notice", deaths.publish_claim_notice, commands.PublishClaimNotice,
                             request, actor, key, death_id)

    def approve_disposal(self, death_id: str, request: Any, actor: Any, key: str | None = None) -> dict:
        return self._command("approve_disposal", deaths.approve_disposal, commands.ApproveDisposal, request,
                             actor, key, death_id)

    def dispose_ashes(self, death_id: str, request: Any, actor: Any, key: str | None = None) -> dict:
        return self._command("dispose_ashes", deaths.dispose_ashes, commands.DisposeAshes, request, actor, key,
                             death_id)

    def cremate(self, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("cremate", deaths.cremate, commands.Cremate, request, actor, key)

    def grant_assistance(self, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("grant_assistance", deaths.grant_assistance, commands.GrantAssistance, request,
                             actor, key)

    def open_cemetery(self, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("open_cemetery", cemeteries.open_cemetery, commands.OpenCemetery, request, actor, key)

    def add_plots(self, code: str, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("add_plots", cemeteries.add_plots, commands.AddPlots, request, actor, key, code)

    def bury(self, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("bury", cemeteries.bury, commands.Bury, request, actor, key)

    def reserve_plot(self, plot_id: str, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("reserve_plot", cemeteries.reserve_plot, commands.ReservePlot, request, actor, key,
                             plot_id)

    def renew_term(self, plot_id: str, request: Any, actor: Any, key: str | None = None) -> dict[str, Any]:
        return self._command("renew_term", cemeteries.renew_term, commands.RenewTerm, request, actor, key, plot_id)

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
            raise Refusal("invalid_query", "as_of is a date YYYY-MM-DD", 422,
                          [{"loc": ["query", "as_of"], "msg": "not a date"}]) from None
        if cemetery is not None and not (isinstance(cemetery, str) and is_cemetery(cemetery)):
            raise Refusal("invalid_query", "cemetery is a cemetery code (CEM-610502-1)", 422,
                          [{"loc": ["query", "cemetery"], "msg": "not a cemetery code"}])
        with self.store.db.connection() as conn:
            return queries.expiring_terms(conn, day, cemetery)

    def statistics(self, year: int) -> dict[str, Any]:
        with self.store.db.connection() as conn:
            return queries.statistics(conn, year)

