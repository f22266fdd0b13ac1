"""Reading civreg's keys out of a nameko container's configuration (nameko 2.14: `container.config`)."""

from __future__ import annotations

from typing import Any

from shared.db import DEFAULT_NAMESPACE, DatabaseSettings, schema_name

DEFAULT_DATABASE_URL = "postgresql://127.0.0.1:5432/civreg"
DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


def namespace(config: dict[str, Any]) -> str:
    return config.get("NAMESPACE") or DEFAULT_NAMESPACE


def amqp_uri(config: dict[str, Any]) -> str:
    return config.get("AMQP_URI") or DEFAULT_AMQP_URI


# A service's database timeouts (`DATABASE_TIMEOUTS`, docs/operations.md "Faults"): seconds to connect, to
# wait for a pooled connection, milliseconds a statement may run, may wait for a lock, and a session may sit
# idle inside a transaction before PostgreSQL ends it (a client that hung or vanished mid-transaction).
DEFAULT_TIMEOUTS = {"CONNECT": 5, "CHECKOUT": 5.0, "STATEMENT_MS": 30000, "LOCK_MS": 10000,
                    "IDLE_IN_TRANSACTION_MS": 15000}


def database_settings(config: dict[str, Any], service: str) -> DatabaseSettings:
    pool = config.get("DATABASE_POOL") or {}
    timeouts = {**DEFAULT_TIMEOUTS, **(config.get("DATABASE_TIMEOUTS") or {})}
    return DatabaseSettings(
        url=config.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        schema=schema_name(namespace(config), service),
        min_size=int(pool.get("MIN_SIZE", 1)),
        max_size=int(pool.get("MAX_SIZE", 10)),
        connect_timeout=int(timeouts["CONNECT"]),
        checkout_timeout=float(timeouts["CHECKOUT"]),
        statement_timeout_ms=int(timeouts["STATEMENT_MS"]),
        lock_timeout_ms=int(timeouts["LOCK_MS"]),
        idle_in_transaction_timeout_ms=int(timeouts["IDLE_IN_TRANSACTION_MS"]),
    )


def section(config: dict[str, Any], name: str) -> dict[str, Any]:
    return config.get(name) or {}
