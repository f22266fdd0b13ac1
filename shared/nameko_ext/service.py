"""The base of every event-sourced service class: its store, its outbox relay and the correlation context.

A service subclasses it, sets `name`, and adds its RPC entrypoints and `@subscribe` handlers; nameko finds
the inherited dependencies and entrypoints as if they were declared on the subclass.
"""

from __future__ import annotations

from typing import Any

from nameko.rpc import rpc

from shared.errors import Refusal
from shared.eventstore.base import ConcurrencyConflict
from shared.nameko_ext.context import CorrelationContext
from shared.nameko_ext.relay import OutboxRelayProvider
from shared.nameko_ext.store import EventStoreProvider

# The RPC entrypoint of civreg's services: a refusal is an answer to the caller, not a failure of the
# service, so nameko logs it as a warning without a traceback (it still reaches the caller as itself).
service_rpc = rpc(expected_exceptions=(Refusal, ConcurrencyConflict))


class EventSourcedService:
    name: str
    context = CorrelationContext()
    store = EventStoreProvider()
    relay = OutboxRelayProvider()

    @service_rpc
    def status(self) -> dict[str, Any]:
        """Liveness for operators: the store's head position and the relay's lag behind it."""
        return {
            "service": self.name,
            "head_position": self.store.head_position(),
            "relay_lag_events": self.relay.lag(),
            "relay_leader": self.relay.is_leader,
        }
