"""Event stores: the contract (`base`), PostgreSQL (`postgres`) and in-memory (`memory`) backends."""

from shared.eventstore.base import (
    ANY_VERSION,
    NO_STREAM,
    ConcurrencyConflict,
    EventIdReused,
    EventStore,
    EventStoreError,
)
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.upcasting import Upcasters

__all__ = [
    "ANY_VERSION",
    "NO_STREAM",
    "ConcurrencyConflict",
    "EventIdReused",
    "EventStore",
    "EventStoreError",
    "InMemoryEventStore",
    "Upcasters",
]
