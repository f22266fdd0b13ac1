"""The vagrant_aid nameko service (流浪乞讨人员救助): entrypoints only. The rules live in `domain/`, the
handlers in `application/`, the read models in `adapters/`.

The RPC commands are generated from the command table (contract/table.py); they take `(…path ids, request,
actor, idempotency_key)`: the request body as JSON, the gateway's authenticated actor `{name, role, office}`
and the client's Idempotency-Key, from which event ids are derived. Queries take `(…path ids, query, actor)`.
Refusals (`shared.errors.Refusal`) cross RPC as themselves and become problem+json at the gateway. The
subscription alerts staff of a court declaration about the person of an open case (D-9).
"""

from __future__ import annotations

from typing import Any

from services.vagrant_aid.application.reactions import FUNERAL_EVENT_TYPES
from services.vagrant_aid.application.relief import VagrantAid
from services.vagrant_aid.contract.table import COMMANDS
from shared.nameko_ext import EventSourcedService, service_rpc, subscribe
from shared.nameko_ext.commands import command_entrypoints


@command_entrypoints(COMMANDS)
class VagrantAidService(EventSourcedService):
    name = "vagrant_aid"

    def application(self) -> VagrantAid:
        return VagrantAid(self.store, self.context)

    # -- queries --------------------------------------------------------------------------------------
    @service_rpc
    def get_case(self, case_id: str, actor: dict) -> dict[str, Any]:
        return self.application().get_case(case_id, actor)

    @service_rpc
    def list_cases(self, query: dict, actor: dict) -> dict[str, Any]:
        return self.application().list_cases(query, actor)

    @service_rpc
    def list_stations(self, actor: dict) -> dict[str, Any]:
        return self.application().list_stations(actor)

    @service_rpc
    def watchlist_matches(self, case_id: str, actor: dict) -> dict[str, Any]:
        return self.application().watchlist_matches(case_id, actor)

    @service_rpc
    def watchlist(self, query: dict, actor: dict) -> dict[str, Any]:
        return self.application().watchlist(query, actor)

    @service_rpc
    def statistics(self, query: dict, actor: dict) -> dict[str, Any]:
        return self.application().statistics(query, actor)

    @service_rpc
    def indicator_inputs(self, year: int) -> dict[str, Any]:
        """The plan's indicators of a year over every station (the gateway's GET /v1/indicators, admins and
        oversight: figures, no case)."""
        return self.application().indicator_inputs(year)

    # -- reactions (D-9) ------------------------------------------------------------------------------
    @subscribe("funeral", list(FUNERAL_EVENT_TYPES))
    def on_funeral_event(self, event, tx) -> None:  # noqa: ANN001 - the subscription's signature
        self.application().react_to_funeral(event, tx)
