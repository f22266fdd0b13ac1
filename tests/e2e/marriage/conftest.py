"""End-to-end fixtures of the marriage service: the real gateway, two MarriageService containers (competing
for the same RPC queue, as two service processes would), the real FuneralService and the TimelineService (which
knows the ids linked to a person, for oversight's access history), on a namespace and a RabbitMQ virtual host of
the module's own."""

from __future__ import annotations

import pytest

from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.timeline.service import TimelineService
from tests.support.stack import module_stack

# Two marriage containers: the M-3 race runs across separate service workers of separate containers.
world, api = module_stack([MarriageService, MarriageService, FuneralService, TimelineService])


@pytest.fixture(scope="module")
def marriage_db(world):
    """One superuser pool on the module's marriage schema, for assertions on what was written."""
    return world[0].admin("marriage")
