"""The vagrant_aid nameko service: entrypoints only; the domain and its handlers live beside it.

Every RPC takes the acting principal as the gateway knows it (`{name, role, office}`); commands also take
the request body and the Idempotency-Key. Refusals (`shared.errors.Refusal`) cross RPC as themselves and
become problem+json at the gateway. Log lines name the use case, the case and the station — never a
person's name, ID number or contacts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.vagrant_aid.adapters.read_models import ReadModels
from services.vagrant_aid.application import handlers, queries
from services.vagrant_aid.application.context import CommandContext
from shared.actor import Actor
from shared.business_dates import local_today
from shared.errors import NotFound
from shared.logging import get_logger
from shared.nameko_ext import EventSourcedService, service_rpc

log = get_logger(__name__)
_CASE_ID_LENGTH = 36


class VagrantAidService(EventSourcedService):
    name = "vagrant_aid"

    # -- commands -------------------------------------------------------------------------------------
    @service_rpc
    def register_station(self, actor: dict, body: dict, idempotency_key: str | None = None) -> dict[str, Any]:
        return self._command("register_station", handlers.register_station, actor, idempotency_key, body)

    @service_rpc
    def take_in(self, actor: dict, body: dict, idempotency_key: str | None = None) -> dict[str, Any]:
        return self._command("take_in", handlers.take_in, actor, idempotency_key, body)

    @service_rpc
    def refuse_aid(self, actor: dict, body: dict, idempotency_key: str | None = None) -> dict[str, Any]:
        return self._command("refuse_aid", handlers.refuse_aid, actor, idempotency_key, body)

    @service_rpc
    def identify(self, actor: dict, case_id: str, body: dict, idempotency_key: str | None = None,
                 if_match: int | None = None) -> dict[str, Any]:
        return self._on_case(handlers.identify, actor, case_id, body, idempotency_key, if_match)

    @service_rpc
    def provide_service(self, actor: dict, case_id: str, body: dict, idempotency_key: str | None = None,
                        if_match: int | None = None) -> dict[str, Any]:
        return self._on_case(handlers.provide_service, actor, case_id, body, idempotency_key, if_match)

    @service_rpc
    def record_family_search(self, actor: dict, case_id: str, body: dict, idempotency_key: str | None = None,
                             if_match: int | None = None) -> dict[str, Any]:
        return self._on_case(handlers.record_family_search, actor, case_id, body, idempotency_key, if_match)

    @service_rpc
    def file_extension(self, actor: dict, case_id: str, body: dict, idempotency_key: str | None = None,
                       if_match: int | None = None) -> dict[str, Any]:
        return self._on_case(handlers.file_extension, actor, case_id, body, idempotency_key, if_match)

    @service_rpc
    def record_exit(self, actor: dict, case_id: str, body: dict, idempotency_key: str | None = None,
                    if_match: int | None = None) -> dict[str, Any]:
        return self._on_case(handlers.record_exit, actor, case_id, body, idempotency_key, if_match)

    @service_rpc
    def settle(self, actor: dict, case_id: str, body: dict, idempotency_key: str | None = None,
               if_match: int | None = None) -> dict[str, Any]:
        return self._on_case(handlers.settle, actor, case_id, body, idempotency_key, if_match)

    @service_rpc
    def add_to_watchlist(self, actor: dict, body: dict, idempotency_key: str | None = None) -> dict[str, Any]:
        return self._command("add_to_watchlist", handlers.add_to_watchlist, actor, idempotency_key, body)

    # -- queries --------------------------------------------------------------------------------------
    @service_rpc
    def get_case(self, actor: dict, case_id: str) -> dict[str, Any]:
        now = dt.datetime.now(dt.UTC)
        return queries.get_case(self.store, Actor.from_rpc(actor), _case(case_id), now, local_today(now))

    @service_rpc
    def list_cases(self, actor: dict, query: dict) -> dict[str, Any]:
        now = dt.datetime.now(dt.UTC)
        return queries.list_cases(self._read_models(), Actor.from_rpc(actor), query, now, local_today(now))

    @service_rpc
    def list_stations(self, actor: dict) -> dict[str, Any]:
        Actor.from_rpc(actor)
        return {"stations": queries.stations(self._read_models(), local_today())}

    @service_rpc
    def watchlist_matches(self, actor: dict, case_id: str) -> dict[str, Any]:
        return queries.watchlist_matches(self.store, self._read_models(), Actor.from_rpc(actor), _case(case_id))

    @service_rpc
    def watchlist(self, actor: dict, limit: int = 100, offset: int = 0) -> dict[str, Any]:
        return queries.watchlist(self._read_models(), Actor.from_rpc(actor), int(limit), int(offset))

    @service_rpc
    def statistics(self, actor: dict, query: dict) -> dict[str, Any]:
        return queries.statistics(self._read_models(), Actor.from_rpc(actor), query, local_today())

    # -- plumbing -------------------------------------------------------------------------------------
    def _read_models(self) -> ReadModels:
        return ReadModels(self.store.db)

    def _on_case(self, handler: Any, actor: dict, case_id: Any, body: dict, idempotency_key: str | None,
                 if_match: Any) -> dict[str, Any]:
        # nameko may hand numbers over as text: the If-Match version is made an int again here.
        version = None if if_match is None else int(if_match)
        return self._command(handler.__name__, handler, actor, idempotency_key, _case(case_id), body, version)

    def _command(self, use_case: str, handler: Any, actor: dict, idempotency_key: str | None,
                 *args: Any) -> dict[str, Any]:
        who: Actor = Actor.from_rpc(actor)
        metadata = self.context.metadata(actor=who.name, office=who.office, idempotency_key=idempotency_key)
        ctx = CommandContext.now(who, metadata, idempotency_key)
        result = handler(handlers.Ports(self.store, self._read_models()), ctx, *args)
        log.info("command recorded", use_case=use_case, station=who.office, case_id=result.get("case_id"),
                 version=result.get("version"))
        return result


def _case(case_id: Any) -> str:
    """Case ids are UUIDs; anything else names no case (and must not reach SQL as a uuid cast error)."""
    try:
        if not isinstance(case_id, str) or len(case_id) != _CASE_ID_LENGTH:
            raise ValueError
        return str(uuid.UUID(case_id))
    except ValueError:
        raise NotFound("no such case") from None
