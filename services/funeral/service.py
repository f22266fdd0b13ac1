"""The funeral nameko service (殡葬): entrypoints only. The rules live in `domain/`, the load-decide-append
handlers in `application/`, the read models in `adapters/`.

RPC commands take `(…path ids, request, actor, idempotency_key)`: the request body as JSON, the gateway's
authenticated actor `{name, role, office}` and the client's Idempotency-Key, from which event ids are
derived. They answer plain JSON or raise a `Refusal` (problem+json at the gateway). The subscription
reacts to relief-station deaths and identifications (application/reactions.py).
"""

from __future__ import annotations

from typing import Any

from nameko.dependency_providers import Config

from services.funeral.application.funeral import Funeral
from services.funeral.application.reactions import RELIEF_EVENT_TYPES
from services.funeral.domain.events import UPCASTERS
from shared.nameko_ext import EventSourcedService, EventStoreProvider, service_rpc, subscribe

# Where a relief-station death is taken when the configuration names no funeral home: the city's.
DEFAULT_RELIEF_FUNERAL_HOME = "FH-610502"


class FuneralService(EventSourcedService):
    name = "funeral"
    store = EventStoreProvider(UPCASTERS)
    config = Config()

    def _funeral(self) -> Funeral:
        return Funeral(self.store, self.context)

    # -- deaths (F-1, F-2, F-5, F-6, F-7) ---------------------------------------------------------------
    @service_rpc
    def register_death(self, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().register_death(request, actor, idempotency_key)

    @service_rpc
    def correct_death(self, death_id: str, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().correct_death(death_id, request, actor, idempotency_key)

    @service_rpc
    def identify_body(self, death_id: str, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().identify_body(death_id, request, actor, idempotency_key)

    @service_rpc
    def collect_body(self, death_id: str, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().collect_body(death_id, request, actor, idempotency_key)

    @service_rpc
    def store_body(self, death_id: str, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().store_body(death_id, request, actor, idempotency_key)

    @service_rpc
    def publish_claim_notice(self, death_id: str, request: Any, actor: Any,
                             idempotency_key: str | None = None) -> dict:
        return self._funeral().publish_claim_notice(death_id, request, actor, idempotency_key)

    @service_rpc
    def approve_disposal(self, death_id: str, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().approve_disposal(death_id, request, actor, idempotency_key)

    @service_rpc
    def dispose_ashes(self, death_id: str, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().dispose_ashes(death_id, request, actor, idempotency_key)

    @service_rpc
    def cremate(self, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().cremate(request, actor, idempotency_key)

    @service_rpc
    def grant_assistance(self, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().grant_assistance(request, actor, idempotency_key)

    # -- cemeteries and plots (F-3, F-4) ----------------------------------------------------------------
    @service_rpc
    def open_cemetery(self, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().open_cemetery(request, actor, idempotency_key)

    @service_rpc
    def add_plots(self, code: str, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().add_plots(code, request, actor, idempotency_key)

    @service_rpc
    def bury(self, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().bury(request, actor, idempotency_key)

    @service_rpc
    def reserve_plot(self, plot_id: str, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().reserve_plot(plot_id, request, actor, idempotency_key)

    @service_rpc
    def renew_term(self, plot_id: str, request: Any, actor: Any, idempotency_key: str | None = None) -> dict:
        return self._funeral().renew_term(plot_id, request, actor, idempotency_key)

    # -- queries ----------------------------------------------------------------------------------------
    @service_rpc
    def person_death(self, person_id: str) -> dict:
        return self._funeral().person_death(person_id)

    @service_rpc
    def death(self, death_id: str) -> dict:
        return self._funeral().death(death_id)

    @service_rpc
    def cemetery(self, code: str) -> dict:
        return self._funeral().cemetery(code)

    @service_rpc
    def plot(self, plot_id: str) -> dict:
        return self._funeral().plot(plot_id)

    @service_rpc
    def expiring_terms(self, as_of: str | None = None, cemetery: str | None = None) -> dict:
        return self._funeral().expiring_terms(as_of, cemetery)

    @service_rpc
    def statistics(self, year: int) -> dict:
        return self._funeral().statistics(year)

    # -- reactions (V-8 → F-1, F-6) ---------------------------------------------------------------------
    @subscribe("vagrant_aid", list(RELIEF_EVENT_TYPES))
    def on_relief_station_event(self, event, tx) -> None:  # noqa: ANN001 - the subscription's signature
        settings = self.config.get("FUNERAL") or {}
        funeral_home = settings.get("RELIEF_DEATHS_FUNERAL_HOME") or DEFAULT_RELIEF_FUNERAL_HOME
        self._funeral().react_to_relief_station(event, tx, funeral_home)
