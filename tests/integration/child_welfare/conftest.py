"""Child welfare integration fixtures: the application (`ChildWelfare`) on a child_welfare schema of its own in
the real PostgreSQL, with a clock the test can set (allowances run over months), and the funeral and
vagrant_aid schemas where tests put the events the service reacts to."""

from __future__ import annotations

import datetime as dt

import pytest

from services.child_welfare.application.child_welfare import ChildWelfare
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from tests.support.clock import Clock
from tests.support.infrastructure import create_namespace, destroy_namespace


@pytest.fixture(scope="module")
def welfare_namespace():
    """A namespace of the module's own: payrolls and task lists count only what the module wrote."""
    created = create_namespace(("child_welfare", "funeral", "vagrant_aid"))
    yield created
    destroy_namespace(created)


@pytest.fixture(scope="module")
def store(welfare_namespace):
    return PostgresEventStore(welfare_namespace.database("child_welfare"))


@pytest.fixture(scope="module")
def funeral_store(welfare_namespace):
    return PostgresEventStore(welfare_namespace.database("funeral"))


@pytest.fixture(scope="module")
def station_store(welfare_namespace):
    return PostgresEventStore(welfare_namespace.database("vagrant_aid"))


@pytest.fixture
def clock():
    return Clock(dt.date(2025, 6, 16))


@pytest.fixture
def welfare(store, clock):
    return ChildWelfare(store, Correlation("it-correlation", None, "tester"), clock)


@pytest.fixture(scope="module")
def admin_db(welfare_namespace):
    """Superuser access to the child_welfare schema, for assertions on what was (not) written."""
    return welfare_namespace.admin("child_welfare")
