"""Least-privilege broker users (issue 12), on the real RabbitMQ in a virtual host of the test's own: the
marriage service's user cannot publish to `funeral.events`, and the marriage service still works under its
own user, called by a gateway under the gateway's user."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection, Producer
from nameko.testing.services import dummy, entrypoint_hook

from services.broker_access import grant, permissions, user_uri
from services.gateway.auth import Principal
from services.gateway.rpc import ServiceRpc
from services.marriage.service import MarriageService
from shared.messaging import event_exchange
from tests.support.infrastructure import isolated_world, vhost_name
from tests.support.proof import signing_key_config
from tests.support.services import running, service_config
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

PASSWORD = "broker-access-test"


class Gateway:
    """The gateway's RPC client, under the gateway's broker user (its reply queue is `rpc.reply-gateway-*`)."""

    name = "gateway"
    rpc = ServiceRpc()

    @dummy
    def person_status(self, person: str) -> object:
        return self.rpc("marriage", Principal("registrar.city", "marriage_registrar")).person_status(person)


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[object, str, dict[str, str]]]:
    """A namespace and vhost, with a user per process allowed exactly what `make up` allows its user."""
    with isolated_world(("marriage", "funeral")) as (namespace, vhost):
        users = {}
        for process, allowed in permissions().items():
            user = f"civreg-test-{os.getpid()}-{process}"
            grant(vhost_name(vhost), user, PASSWORD, allowed)
            users[process] = user_uri(vhost, user, PASSWORD)
        try:
            yield namespace, vhost, users
        finally:
            for uri in users.values():
                user = uri.split("//", 1)[1].split(":", 1)[0]
                subprocess.run(["rabbitmqctl", "-q", "delete_user", user], check=False, capture_output=True)


def publish(uri: str, service: str) -> None:
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        Producer(connection.channel()).publish({"x": 1}, exchange=event_exchange(service), routing_key="Forged")


def test_the_marriage_services_user_cannot_publish_to_funeral_events(world):
    _, vhost, users = world
    with Connection(vhost) as connection:
        for service in ("funeral", "marriage"):
            event_exchange(service)(connection.channel()).declare()  # as deployment (`civreg declare`) does

    with pytest.raises(AccessRefused):
        publish(users["marriage"], "funeral")
    publish(users["marriage"], "marriage")  # its own exchange: allowed
    with pytest.raises(AccessRefused):
        publish(users["gateway"], "marriage")  # the gateway publishes no events at all


def test_the_marriage_service_works_under_its_own_user(world):
    namespace, _, users = world
    config = service_config(namespace, users["marriage"])
    with running(MarriageService, config), \
            running(Gateway, {**service_config(namespace, users["gateway"]), **signing_key_config()}) as gateway, \
            entrypoint_hook(gateway, "person_status", context_data={"correlation_id": "broker-access"}) as call:
        answer = call(synthetic_id_number())

    assert answer["marital_status"] == "unmarried"
