"""The RabbitMQ topology civreg needs before any service publishes: every event exchange and every
subscription's queues (main, retry, dead). Declared by `civreg declare` at deploy time, so events published
before a consumer first starts wait in its queue instead of being dropped (architecture.md, known traps).
"""

from __future__ import annotations

import importlib
import inspect

from services import SERVICES, ServiceSpec
from shared.messaging import SubscriptionQueues, declare_all
from shared.nameko_ext.subscription import Subscription


def service_class(service: ServiceSpec) -> type:
    """The nameko service class of `services/<name>/service.py` (the one whose `name` is the service's)."""
    module = importlib.import_module(f"{service.package}.service")
    for _, candidate in inspect.getmembers(module, inspect.isclass):
        if getattr(candidate, "name", None) == service.name and candidate.__module__ == module.__name__:
            return candidate
    raise LookupError(f"{module.__name__} defines no service class named {service.name!r}")


def subscriptions_of(cls: type) -> list[SubscriptionQueues]:
    found = []
    for method_name, method in inspect.getmembers(cls, callable):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, Subscription):
                found.append(entrypoint.queues(cls.name, method_name))
    return found


def all_subscriptions() -> list[SubscriptionQueues]:
    return [queues for service in SERVICES for queues in subscriptions_of(service_class(service))]


def declare(amqp_uri: str) -> tuple[list[SubscriptionQueues], int]:
    """Declare the topology; the subscriptions' queues and the messages migrated from classic queues."""
    queues = all_subscriptions()
    migrated = declare_all(amqp_uri, queues, [s.name for s in SERVICES if s.event_store])
    return queues, migrated
