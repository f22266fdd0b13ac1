"""The funeral nameko service (殡葬): entrypoints only. The rules live in `domain/`, the load-decide-append
handlers in `application/`, the read models in `adapters/`.

The RPC commands are generated from the command table (contract/table.py); they take `(…path ids, request,
actor, idempotency_key)`: the request body as JSON, the gateway's authenticated actor `{name, role, office}`
and the client's Idempotency-Key, from which event ids are derived. They answer plain JSON or raise a
`Refusal` (problem+json at the gateway). The subscription reacts to relief-station deaths and identifications
(application/reactions.py).
"""

from __future__ import annotations

from typing import Any

from nameko.dependency_providers import Config

from services.funeral.application.funeral import Funeral
from services.funeral.application.reactions import RELIEF_EVENT_TYPES
from services.funeral.contract.table import COMMANDS
from services.funeral.domain.events import UPCASTERS
from shared.config import Section
from shared.nameko_ext import EventSourcedService, EventStoreProvider, service_rpc, subscribe
from shared.nameko_ext.commands import command_entrypoints
from shared.settings import ServiceSettings

# Where a relief-station death is taken when the configuration names no funeral home: the city's.
DEFAULT_RELIEF_FUNERAL_HOME = "FH-610502"


class FuneralOptions(Section):
    RELIEF_DEATHS_FUNERAL_HOME: str = DEFAULT_RELIEF_FUNERAL_HOME  # takes in deaths in relief stations' care (V-8)


class FuneralConfig(Section):
    FUNERAL: FuneralOptions = FuneralOptions()


class FuneralSettings(ServiceSettings, FuneralConfig):
    """The funeral service's `config.yaml`: a service's keys and `FUNERAL`."""


@command_entrypoints(COMMANDS)
class FuneralService(EventSourcedService):
    name = "funeral"
    store = EventStoreProvider(UPCASTERS)
    config = Config()
    settings_model = FuneralSettings

    def application(self) -> Funeral:
        return Funeral(self.store, self.context)

    # -- queries ----------------------------------------------------------------------------------------
    @service_rpc
    def person_death(self, person_id: str) -> dict:
        return self.application().person_death(person_id)

    @service_rpc
    def death(self, death_id: str) -> dict:
        return self.application().death(death_id)

    @service_rpc
    def declaration(self, declaration_id: str) -> dict:
        return self.application().declaration(declaration_id)

    @service_rpc
    def cemetery(self, code: str) -> dict:
        return self.application().cemetery(code)

    @service_rpc
    def plot(self, plot_id: str) -> dict:
        return self.application().plot(plot_id)

    @service_rpc
    def expiring_terms(self, as_of: str | None = None, cemetery: str | None = None) -> dict:
        return self.application().expiring_terms(as_of, cemetery)

    @service_rpc
    def waiting_deaths(self, query: Any, actor: Any) -> dict:
        return self.application().waiting_deaths(query, actor)

    @service_rpc
    def declaration_reviews(self, query: Any) -> dict:
        return self.application().declaration_reviews(query)

    @service_rpc
    def expiring_plots(self, query: Any, actor: Any) -> dict:
        return self.application().expiring_plots(query, actor)

    @service_rpc
    def statistics(self, year: int) -> dict:
        return self.application().statistics(year)

    @service_rpc
    def indicator_inputs(self, year: int) -> dict:
        """The plan's funeral indicators of a year (the gateway's GET /v1/indicators)."""
        return self.application().indicator_inputs(year)

    # -- reactions (V-8 → F-1, F-6) ---------------------------------------------------------------------
    @subscribe("vagrant_aid", list(RELIEF_EVENT_TYPES))
    def on_relief_station_event(self, event, tx) -> None:  # noqa: ANN001 - the subscription's signature
        funeral_home = FuneralConfig.of(self.config).FUNERAL.RELIEF_DEATHS_FUNERAL_HOME
        self.application().react_to_relief_station(event, tx, funeral_home)
