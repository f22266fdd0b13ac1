"""Funeral integration fixtures: the application (`Funeral`) on a funeral schema of its own in the real
PostgreSQL, with a clock the test can set (rules are judged by business dates, some of them weeks apart)."""

from __future__ import annotations

import datetime as dt

import pytest

from services.funeral.application.funeral import Funeral
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from tests.support.clock import Clock
from tests.support.infrastructure import create_namespace, destroy_namespace


@pytest.fixture(scope="module")
def funeral_namespace():
    """A namespace of the module's own: statistics and occupancy count only what the module wrote."""
    created = create_namespace(("funeral", "vagrant_aid"))
    yield created
    destroy_namespace(created)


@pytest.fixture(scope="module")
def store(funeral_namespace):
    return PostgresEventStore(funeral_namespace.database("funeral"))


@pytest.fixture
def clock():
    return Clock(dt.date(2025, 6, 16))


@pytest.fixture(scope="module")
def station_store(funeral_namespace):
    """The vagrant_aid schema's store, where tests put the relief stations' events."""
    return PostgresEventStore(funeral_namespace.database("vagrant_aid"))


@pytest.fixture
def funeral(store, clock):
    return Funeral(store, Correlation("it-correlation", None, "tester"), clock)


@pytest.fixture(scope="module")
def admin_db(funeral_namespace):
    """Superuser access to the funeral schema, for assertions on what was (not) written."""
    return funeral_namespace.admin("funeral")
