"""One world per module (schemas and a virtual host of its own): the real gateway, funeral, vagrant aid and
timeline services, and relay-only shells of marriage and child welfare whose stores the tests append to."""

from __future__ import annotations

import pytest

from services.funeral.service import FuneralService
from services.timeline.service import TimelineService
from services.vagrant_aid.service import VagrantAidService
from shared.eventstore.postgres import PostgresEventStore
from tests.e2e.timeline.support import ChildWelfareRelay, MarriageRelay
from tests.support.infrastructure import isolated_world
from tests.support.stack import running_stack


@pytest.fixture(scope="module")
def world():
    with isolated_world() as made:
        yield made


@pytest.fixture(scope="module")
def api(world):
    namespace, vhost = world
    services = [TimelineService, FuneralService, VagrantAidService, MarriageRelay, ChildWelfareRelay]
    with running_stack(namespace, vhost, services) as api:
        yield api


@pytest.fixture(scope="module")
def stores(world):
    namespace, _ = world
    return {name: PostgresEventStore(namespace.database(name, max_size=2))
            for name in ("marriage", "child_welfare")}


@pytest.fixture(scope="module")
def admin_db(world):
    return world[0]
