"""End-to-end fixtures of the marriage service: the real gateway, two MarriageService containers (competing
for the same RPC queue, as two service processes would) and the real FuneralService, on a namespace and a
RabbitMQ virtual host of the module's own."""

from __future__ import annotations

import datetime as dt

import pytest

from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from shared.business_dates import local_today
from tests.support.infrastructure import isolated_world
from tests.support.stack import running_stack


@pytest.fixture(scope="module")
def world():
    with isolated_world(("marriage", "funeral", "gateway")) as made:
        yield made


@pytest.fixture(scope="module")
def api(world):
    namespace, vhost = world
    # Small pools: the suite shares one PostgreSQL (100 connections) with every other module running.
    with running_stack(namespace, vhost, [MarriageService, MarriageService, FuneralService],
                       DATABASE_POOL={"MAX_SIZE": 5}) as api:
        yield api


@pytest.fixture(scope="module")
def marriage_db(world):
    """One superuser pool on the module's marriage schema, for assertions on what was written."""
    return world[0].admin("marriage")


@pytest.fixture
def today() -> dt.date:
    return local_today()
