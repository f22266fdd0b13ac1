"""Runs the service's outbox relay in a managed green thread of the service container."""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from shared.eventstore.upcasting import NO_UPCASTING, Upcasters
from shared.nameko_ext.database import DatabasePool
from shared.nameko_ext.settings import amqp_uri, section
from shared.nameko_ext.store import EventStoreProvider
from shared.outbox import OutboxRelay, RelaySettings


class OutboxRelayProvider(DependencyProvider):
    """Every process of a service runs one; the advisory lock lets only one of them publish at a time."""

    pool = DatabasePool()

    def __init__(self) -> None:
        self.relay: OutboxRelay | None = None
        self._thread = None

    def start(self) -> None:
        options = section(self.container.config, "RELAY")
        settings = RelaySettings(
            batch_size=int(options.get("BATCH_SIZE", RelaySettings.batch_size)),
            poll_interval=float(options.get("POLL_INTERVAL", RelaySettings.poll_interval)),
            retry_interval=float(options.get("RETRY_INTERVAL", RelaySettings.retry_interval)),
            linger=float(options.get("LINGER", RelaySettings.linger)),
            on_unroutable=str(options.get("ON_UNROUTABLE", RelaySettings.on_unroutable)),
            unroutable_retry=float(options.get("UNROUTABLE_RETRY", RelaySettings.unroutable_retry)),
        )
        self.relay = OutboxRelay(self.pool.db, self.container.service_name, amqp_uri(self.container.config),
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
