"""End-to-end fixtures of the marriage service: the real gateway, two MarriageService containers (competing
for the same RPC queue, as two service processes would) and the real FuneralService, on a namespace and a
RabbitMQ virtual host of the module's own."""

from __future__ import annotations

import pytest

from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from tests.support.stack import module_stack

# Two marriage containers: the M-3 race runs across separate service workers of separate containers.
world, api = module_stack([MarriageService, MarriageService, FuneralService], ("marriage", "funeral", "gateway"))


@pytest.fixture(scope="module")
def marriage_db(world):
    """One superuser pool on the module's marriage schema, for assertions on what was written."""
    return world[0].admin("marriage")
