"""Marriage integration fixtures: the application (`Marriage`) on schemas of the module's own in the real
PostgreSQL (marriage, and funeral for the death events), with a clock the test can set: the rules are
judged by business dates, some of them months apart."""

from __future__ import annotations

import datetime as dt

import pytest

from services.marriage.application.marriage import Marriage
from services.marriage.domain.events import UPCASTERS
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from tests.support.clock import Clock
from tests.support.infrastructure import create_namespace, destroy_namespace

CLERK = {"name": "clerk.MR-610502", "role": "marriage_clerk", "office": "MR-610502"}
OTHER_CLERK = {"name": "clerk.MR-610528", "role": "marriage_clerk", "office": "MR-610528"}
REGISTRAR = {"name": "registrar.city", "role": "marriage_registrar", "office": None}


@pytest.fixture(scope="module")
def marriage_namespace():
    created = create_namespace(("marriage", "funeral"))
    yield created
    destroy_namespace(created)


@pytest.fixture(scope="module")
def store(marriage_namespace):
    return PostgresEventStore(marriage_namespace.database("marriage"), UPCASTERS)


@pytest.fixture(scope="module")
def funeral_store(marriage_namespace):
    """The funeral schema's store, where tests put the deaths the marriage service reacts to."""
    return PostgresEventStore(marriage_namespace.database("funeral"))


@pytest.fixture
def clock():
    return Clock(dt.date(2025, 6, 16))


@pytest.fixture
def marriage(store, clock):
    return Marriage(store, Correlation("it-correlation", None, "tester"), clock)


@pytest.fixture(scope="module")
def admin_db(marriage_namespace):
    """Superuser access to the marriage schema, for assertions on what was (not) written."""
    return marriage_namespace.admin("marriage")
