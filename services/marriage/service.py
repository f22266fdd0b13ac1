"""The marriage nameko service (婚姻登记): entrypoints only. The rules live in `domain/`, the
load-decide-append handlers in `application/`, the read models in `adapters/`.

RPC commands take `(…path ids, request, actor, idempotency_key)`: the request body as JSON, the gateway's
authenticated actor `{name, role, office}` and the client's Idempotency-Key, from which event ids are
derived. They answer plain JSON or raise a `Refusal` (problem+json at the gateway). The subscription reacts
to deaths (M-11); the timer deems lapsed divorce applications withdrawn (M-8) with nobody's action.
"""

from __future__ import annotations

from typing import Any

from nameko.dependency_providers import Config
from nameko.timer import Timer
from pydantic import PositiveFloat

from services.marriage.application.marriage import Marriage
from services.marriage.application.reactions import FUNERAL_EVENT_TYPES
from services.marriage.contract.table import COMMANDS
from services.marriage.domain.events import UPCASTERS
from shared.config import Section
from shared.logging import get_logger
from shared.nameko_ext import EventSourcedService, EventStoreProvider, service_rpc, subscribe
from shared.nameko_ext.commands import command_entrypoints
from shared.settings import ServiceSettings

log = get_logger(__name__)
DEFAULT_CHECK_SECONDS = 300.0


class MarriageOptions(Section):
    COOLING_OFF_CHECK_SECONDS: PositiveFloat = DEFAULT_CHECK_SECONDS  # M-8: how often lapsed applications are read


class MarriageConfig(Section):
    MARRIAGE: MarriageOptions = MarriageOptions()


class MarriageSettings(ServiceSettings, MarriageConfig):
    """The marriage service's `config.yaml`: a service's keys and `MARRIAGE`."""


class CoolingOffCheck(Timer):
    """nameko's timer, its interval read from the configuration (`MARRIAGE.COOLING_OFF_CHECK_SECONDS`)."""

    def setup(self) -> None:
        self.interval = MarriageConfig.of(self.container.config).MARRIAGE.COOLING_OFF_CHECK_SECONDS
        super().setup()


@command_entrypoints(COMMANDS)
class MarriageService(EventSourcedService):
    name = "marriage"
    store = EventStoreProvider(UPCASTERS)
    config = Config()
    settings_model = MarriageSettings

    def application(self) -> Marriage:
        return Marriage(self.store, self.context)

    # -- divorce by agreement (M-8): applications lapse -------------------------------------------------
    @CoolingOffCheck.decorator(interval=DEFAULT_CHECK_SECONDS, eager=True)
    def deem_lapsed_divorces_withdrawn(self) -> None:
        done = self.application().deem_lapsed_divorces_withdrawn()
        if done:
            log.info("marriage.divorces_deemed_withdrawn", count=done)

    # -- historical import (M-12) -------------------------------------------------------------------------
    @service_rpc
    def import_historical_records(self, records: Any, actor: Any, first_row: int = 1) -> dict:
        return self.application().import_historical_records(records, actor, first_row)

    # -- queries ------------------------------------------------------------------------------------------
    @service_rpc
    def import_reviews(self, limit: Any = None, cursor: Any = None) -> dict:
        return self.application().import_reviews(limit, cursor)

    @service_rpc
    def registration(self, registration_id: str) -> dict:
        return self.application().registration(registration_id)

    @service_rpc
    def divorce(self, divorce_id: str) -> dict:
        return self.application().divorce(divorce_id)

    @service_rpc
    def person_status(self, person_id: str, as_of: str | None = None) -> dict:
        return self.application().person_status(person_id, as_of)

    @service_rpc
    def verify_certificate(self, number: str, code: str | None = None) -> dict:
        return self.application().verify_certificate(number, code)

    @service_rpc
    def print_certificate(self, number: str, code: str | None, actor: Any, verification_url: str) -> dict:
        return self.application().print_certificate(number, code, actor, verification_url)

    @service_rpc
    def certificate_stock(self, office: str) -> dict:
        return self.application().certificate_stock(office)

    @service_rpc
    def certificate_audit(self, office: str, year: str | None = None) -> dict:
        return self.application().certificate_audit(office, year)

    @service_rpc
    def appointments(self, query: Any, actor: Any) -> dict:
        return self.application().appointments(query, actor)

    @service_rpc
    def divorces(self, query: Any, actor: Any) -> dict:
        return self.application().divorces(query, actor)

    @service_rpc
    def statistics(self, first: str | None = None, last: str | None = None) -> dict:
        return self.application().statistics(first, last)

    @service_rpc
    def indicator_inputs(self, year: int) -> dict:
        """The plan's 市内通办 indicator of a year (the gateway's GET /v1/indicators)."""
        return self.application().indicator_inputs(year)

    # -- reactions (M-11) ---------------------------------------------------------------------------------
    @subscribe("funeral", list(FUNERAL_EVENT_TYPES))
    def on_funeral_event(self, event, tx) -> None:  # noqa: ANN001 - the subscription's signature
        self.application().react_to_funeral(event, tx)
