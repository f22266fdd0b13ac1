"""The in-memory event store honours the event store contract."""

import pytest

from shared.eventstore import InMemoryEventStore
from tests.contracts.event_store import EventStoreContract, upcasters


class TestInMemoryEventStore(EventStoreContract):
    @pytest.fixture
    def store(self):
        return InMemoryEventStore()

    @pytest.fixture
    def store_with_upcasters(self):
        return InMemoryEventStore(upcasters())
