"""Runs the service's outbox relay in a managed green thread of the service container."""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from shared.eventstore.upcasting import NO_UPCASTING, Upcasters
from shared.nameko_ext.database import DatabasePool
from shared.nameko_ext.store import EventStoreProvider
from shared.outbox import OutboxRelay
from shared.settings import Broker, Relay


class OutboxRelayProvider(DependencyProvider):
    """Every process of a service runs one; the advisory lock lets only one of them publish at a time."""

    pool = DatabasePool()

    def __init__(self) -> None:
        self.relay: OutboxRelay | None = None
        self._thread = None

    def start(self) -> None:
        settings = Relay.of(self.container.config).RELAY.relay_settings()
        self.relay = OutboxRelay(self.pool.db, self.container.service_name, Broker.of(self.container.config).AMQP_URI,
                                 settings, upcasters=self._service_upcasters())
        self._thread = self.container.spawn_managed_thread(self.relay.run, identifier="outbox_relay")

    def _service_upcasters(self) -> Upcasters:
        """Consumers cannot upcast another service's old shapes, so the relay publishes what the service's
        own store reads: the upcasters of the service's `EventStoreProvider`."""
        for dependency in self.container.dependencies:
            if isinstance(dependency, EventStoreProvider):
                return dependency.upcasters
        return NO_UPCASTING

    def stop(self) -> None:
        if self.relay is not None:
            self.relay.stop()
        if self._thread is not None:
            self._thread.kill()

    kill = stop

    def get_dependency(self, worker_ctx):  # noqa: ANN001, ANN201 - nameko's signature
        return self.relay
