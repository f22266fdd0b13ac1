"""The typed settings of civreg's processes: one model per concern, each defined here once.

A concern's keys are read with `Concern.of(container.config)`; `ServiceSettings` composes the concerns every
domain service's `config.yaml` holds, and a service with keys of its own extends it (marriage's `MARRIAGE`,
the gateway's `GatewaySettings`). shared/config.py loads a file and the environment into such a model, and
refuses unknown keys and wrong types at start-up. docs/operations.md lists the keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from nameko.constants import DEFAULT_SERIALIZER
from pydantic import Field, NonNegativeInt, PositiveFloat, PositiveInt

from shared.config import BLANK_IS_NONE, FileSettings, Section
from shared.db import DEFAULT_NAMESPACE, DatabaseSettings, schema_name
from shared.environment import DEFAULT_AMQP_URI, DEFAULT_DATABASE_URL
from shared.outbox import RelaySettings

Port = Annotated[int, Field(ge=0, le=65535)]  # 0: any free port (tests)


class Broker(Section):
    """RabbitMQ: where, and how nameko serialises its messages."""

    AMQP_URI: str = DEFAULT_AMQP_URI
    serializer: str = DEFAULT_SERIALIZER  # nameko's own key


class Workers(Section):
    """nameko's worker pool: how many calls, events or requests a process handles at once."""

    max_workers: PositiveInt = 10  # nameko's own key (lower case, as nameko spells it)


class PoolSize(Section):
    MIN_SIZE: NonNegativeInt = 1
    MAX_SIZE: PositiveInt = 10


class DatabaseTimeouts(Section):
    """docs/operations.md "Faults": seconds to connect and to wait for a pooled connection; milliseconds a
    statement may run, may wait for a lock, and a session may sit idle inside a transaction before PostgreSQL
    ends it (a client that hung or vanished mid-transaction)."""

    CONNECT: PositiveInt = 5
    CHECKOUT: PositiveFloat = 5.0
    STATEMENT_MS: NonNegativeInt = 30000
    LOCK_MS: NonNegativeInt = 10000
    IDLE_IN_TRANSACTION_MS: NonNegativeInt = 15000


class Database(Section):
    """PostgreSQL: the URL (no user: the service's own role), the namespace of schemas and roles, the pool."""

    DATABASE_URL: str = DEFAULT_DATABASE_URL
    NAMESPACE: str = Field(DEFAULT_NAMESPACE, pattern=r"^[a-z][a-z0-9_]*$")
    DATABASE_POOL: PoolSize = PoolSize()
    DATABASE_TIMEOUTS: DatabaseTimeouts = DatabaseTimeouts()

    def of_service(self, service: str) -> DatabaseSettings:
        """The connection settings of `service`'s schema."""
        timeouts = self.DATABASE_TIMEOUTS
        return DatabaseSettings(
            url=self.DATABASE_URL, schema=schema_name(self.NAMESPACE, service),
            min_size=self.DATABASE_POOL.MIN_SIZE, max_size=self.DATABASE_POOL.MAX_SIZE,
            connect_timeout=timeouts.CONNECT, checkout_timeout=timeouts.CHECKOUT,
            statement_timeout_ms=timeouts.STATEMENT_MS, lock_timeout_ms=timeouts.LOCK_MS,
            idle_in_transaction_timeout_ms=timeouts.IDLE_IN_TRANSACTION_MS,
        )


class Telemetry(Section):
    """Logs and traces: the log level, and where traces are exported (none when empty)."""

    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    OTLP_ENDPOINT: Annotated[str | None, BLANK_IS_NONE] = None


class MetricsEndpoint(Section):
    """A domain service's Prometheus /metrics on a port of its own (none when empty)."""

    METRICS_PORT: Annotated[Port | None, BLANK_IS_NONE] = None
    METRICS_HOST: str = "127.0.0.1"  # 0.0.0.0 in a pod, for the scraper


class RelayOptions(Section):
    """The outbox relay (shared/outbox.py says what each one does)."""

    POLL_INTERVAL: PositiveFloat = RelaySettings.poll_interval
    BATCH_SIZE: PositiveInt = RelaySettings.batch_size
    RETRY_INTERVAL: PositiveFloat = RelaySettings.retry_interval
    LINGER: Annotated[float, Field(ge=0)] = RelaySettings.linger
    LINGER_EVENTS: PositiveInt = RelaySettings.linger_events
    ON_UNROUTABLE: Literal["halt", "skip"] = "halt"
    UNROUTABLE_RETRY: PositiveFloat = RelaySettings.unroutable_retry

    def relay_settings(self) -> RelaySettings:
        return RelaySettings(batch_size=self.BATCH_SIZE, poll_interval=self.POLL_INTERVAL,
                             retry_interval=self.RETRY_INTERVAL, linger=self.LINGER,
                             linger_events=self.LINGER_EVENTS,
                             on_unroutable=self.ON_UNROUTABLE, unroutable_retry=self.UNROUTABLE_RETRY)


class Relay(Section):
    RELAY: RelayOptions = RelayOptions()


class SubscriptionOptions(Section):
    """Consumers of other services' events: attempts before the dead-letter queue, the delay between them, how
    many deliveries run at once (default: the pool rule, shared/nameko_ext/database.py), and the batched
    consumer's prefetch and batch (services/timeline/consumer.py)."""

    MAX_ATTEMPTS: PositiveInt = 5
    RETRY_DELAY_MS: NonNegativeInt = 1000
    CONCURRENCY: PositiveInt | None = None
    # Two batches outstanding: the broker streams the next batch while one is applied, instead of waiting for
    # its acknowledgement (a backlog of 5,000 worked off at 6,900 events/s against 4,200–5,100 with 500).
    PREFETCH: PositiveInt = 1000
    BATCH_SIZE: PositiveInt = 500


class Subscriptions(Section):
    SUBSCRIPTIONS: SubscriptionOptions = SubscriptionOptions()


class HolidayCalendarOptions(Section):
    POLL_SECONDS: PositiveFloat = 60.0  # how often the loaded public-holiday years are read again (rule 0.3)


class HolidayCalendar(Section):
    HOLIDAY_CALENDAR: HolidayCalendarOptions = HolidayCalendarOptions()


class RpcProofKeys(Section):
    """A domain service's side of the proof on RPC: the gateway's public keys (shared/rpc_proof.py)."""

    RPC_PUBLIC_KEYS_FILE: Annotated[Path | None, BLANK_IS_NONE] = None  # default: the development keys


class RpcProofSigning(Section):
    """The gateway's side of the proof on RPC: its private key, and how long a proof lives."""

    RPC_SIGNING_KEY_FILE: Annotated[Path | None, BLANK_IS_NONE] = None  # default: the development key
    RPC_PROOF_LIFETIME: PositiveInt | None = None  # default: shared/rpc_proof.py's


class ServiceSettings(FileSettings, Broker, Workers, Database, Telemetry, MetricsEndpoint, RpcProofKeys, Relay,
                      Subscriptions, HolidayCalendar):
    """A domain service's `config.yaml`: every concern an event-sourced service reads."""

