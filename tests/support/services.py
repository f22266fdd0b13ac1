"""Running real nameko service containers inside the test process, on the run's own schemas and vhost."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nameko.containers import ServiceContainer

from tests.support.infrastructure import ADMIN_URL, Namespace
from tests.support.proof import public_keys_config, signing_key_config


def service_config(namespace: Namespace, amqp_uri: str, **extra: Any) -> dict[str, Any]:
    """What a service's config.yaml would give, pointed at the test namespace and virtual host."""
    return {
        "AMQP_URI": amqp_uri,
        "DATABASE_URL": ADMIN_URL,  # names no user: each service connects as its own role
        "NAMESPACE": namespace.name,
        "max_workers": 10,
        # A test stack runs a few services without declaring the whole topology (`civreg declare`): an event
        # type nobody in it consumes is unroutable, which would halt a production relay (shared/outbox.py).
        "RELAY": {"POLL_INTERVAL": 0.5, "RETRY_INTERVAL": 0.2, "ON_UNROUTABLE": "skip"},
        "SUBSCRIPTIONS": {"MAX_ATTEMPTS": 3, "RETRY_DELAY_MS": 100},
        # A test stack runs up to six services in one process beside the run's own pools, and PostgreSQL
        # allows 100 connections: at the services' default of 10 each, a stack under redelivery load took
        # them all. Benchmarks that want more pass their own DATABASE_POOL.
        "DATABASE_POOL": {"MAX_SIZE": 5},
        **public_keys_config(),  # the gateway's public key: services verify every RPC's proof
        **extra,
    }


def gateway_config(namespace: Namespace, amqp_uri: str, **extra: Any) -> dict[str, Any]:
    """A gateway's configuration: a service's, plus the key it signs each RPC's proof with."""
    return service_config(namespace, amqp_uri, **signing_key_config(), **extra)


@contextmanager
def running(service_cls: type, config: dict[str, Any]) -> Iterator[ServiceContainer]:
    container = ServiceContainer(service_cls, config)
    container.start()
    try:
        yield container
    finally:
        container.stop()
