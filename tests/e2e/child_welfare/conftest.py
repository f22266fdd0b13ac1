"""End-to-end fixtures of the child welfare service: the real gateway, ChildWelfareService and FuneralService
(whose deaths it reacts to) on a namespace and RabbitMQ virtual host of the module's own."""

from __future__ import annotations

import datetime as dt

import pytest

from services.child_welfare.service import ChildWelfareService
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
    with running_stack(namespace, vhost, [ChildWelfareService, FuneralService]) as api:
        yield api


@pytest.fixture(scope="module")
def welfare_db(world):
    """One superuser pool on the module's child_welfare schema, for assertions on what was written."""
    return world[0].admin("child_welfare")


@pytest.fixture
def today() -> dt.date:
    return local_today()
