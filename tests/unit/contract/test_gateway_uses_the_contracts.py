"""Issue 11: the gateway keeps no copies of the services' models. Every body, response and query model a
gateway route names is the service's contract model itself, so the two ends cannot drift apart again
(funeral `Bury.death_id` was a UUID at the gateway and any string in the service)."""

from __future__ import annotations

import pytest

from services.funeral.contract import commands as funeral
from services.gateway.api import adoption, child_welfare, marriage, timeline, vagrant_aid
from services.gateway.api import funeral as funeral_routes

ROUTE_MODULES = {"marriage": marriage, "child_welfare": child_welfare, "funeral": funeral_routes,
                 "vagrant_aid": vagrant_aid, "timeline": timeline, "adoption": adoption}


@pytest.mark.parametrize("service", sorted(ROUTE_MODULES))
def test_every_route_model_is_the_services_contract_model(service: str):
    for route in ROUTE_MODULES[service].ROUTES:
        for model in (route.body, route.response):
            if model is not None:
                assert model.__module__.startswith(f"services.{service}.contract."), (route.action, model)


def test_the_gateway_defines_no_pydantic_models_of_its_own_for_services():
    for module in ROUTE_MODULES.values():
        own = [name for name, value in vars(module).items()
               if isinstance(value, type) and getattr(value, "__module__", "") == module.__name__
               and hasattr(value, "model_fields")]
        assert own == [], (module.__name__, own)


def test_the_stricter_of_the_two_former_copies_is_the_contract():
    """Where the copies disagreed, the contract took the stricter: a death id is a UUID."""
    with pytest.raises(ValueError):
        funeral.Bury.model_validate({"death_id": "not-a-uuid", "burial_type": "sea", "rights_holder": {"name": "x"}})
