"""End-to-end fixtures of the funeral service: the real gateway and FuneralService on a namespace and a
RabbitMQ virtual host of the module's own (statistics and occupancy then count only what the module did,
and no other suite's events reach the funeral subscriptions)."""

from __future__ import annotations

import pytest

from services.funeral.service import FuneralService
from tests.support.stack import module_stack

world, api = module_stack([FuneralService])


@pytest.fixture(scope="module")
def funeral_db(world):
    """One superuser pool on the module's funeral schema, for assertions on what was written (a pool per
    assertion would hold a connection each until the namespace is dropped)."""
    return world[0].admin("funeral")
