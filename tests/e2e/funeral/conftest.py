"""End-to-end fixtures of the funeral service: the real gateway and FuneralService on a namespace and a
RabbitMQ virtual host of the module's own (statistics and occupancy then count only what the module did,
and no other suite's events reach the funeral subscriptions)."""

from __future__ import annotations

import datetime as dt

import pytest

from services.funeral.service import FuneralService
from shared.business_dates import local_today
from tests.support.infrastructure import isolated_world
from tests.support.stack import running_stack


@pytest.fixture(scope="module")
def world():
    with isolated_world() as made:
        yield made


@pytest.fixture(scope="module")
def api(world):
    namespace, vhost = world
    with running_stack(namespace, vhost, [FuneralService]) as api:
        yield api


@pytest.fixture(scope="module")
def funeral_db(world):
    """One superuser pool on the module's funeral schema, for assertions on what was written (a pool per
    assertion would hold a connection each until the namespace is dropped)."""
    return world[0].admin("funeral")


@pytest.fixture
def today() -> dt.date:
    return local_today()
