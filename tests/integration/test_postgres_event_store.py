"""The PostgreSQL event store honours the event store contract, on the real database."""

import pytest

from shared.eventstore.postgres import PostgresEventStore
from tests.contracts.event_store import EventStoreContract, upcasters


class TestPostgresEventStore(EventStoreContract):
    @pytest.fixture
    def store(self, namespace):
        return PostgresEventStore(namespace.database("marriage"))

    @pytest.fixture
    def store_with_upcasters(self, namespace):
        return PostgresEventStore(namespace.database("marriage"), upcasters())
