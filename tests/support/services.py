"""Running real nameko service containers inside the test process, on the run's own schemas and vhost."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import eventlet
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


@contextmanager
def started(service_cls: type, config: dict[str, Any]) -> Iterator[ServiceContainer]:
    """A started container whose stop is left to `stopped_together` (a container that fails to start is
    stopped here)."""
    container = ServiceContainer(service_cls, config)
    try:
        container.start()
    except BaseException:
        container.stop()
        raise
    yield container


@contextmanager
def stopped_together(containers: list[ServiceContainer]) -> Iterator[None]:
    """Stop every container of `containers` (filled inside the block) at once when the block ends, each in a
    green thread of its own, and wait for all: stopped one after another, each took about a second waiting
    for its queue consumer's next `drain_events` timeout."""
    try:
        yield
    finally:
        stopping = [eventlet.spawn(container.stop) for container in containers]
        failed: BaseException | None = None
        for thread in stopping:  # every one is waited for, even after one failed
            try:
                thread.wait()
            except BaseException as exc:
                failed = failed or exc
        if failed is not None:
            raise failed
