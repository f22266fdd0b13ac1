"""End-to-end fixtures of the child welfare service: the real gateway, ChildWelfareService and FuneralService
(whose deaths it reacts to) on a namespace and RabbitMQ virtual host of the module's own."""

from __future__ import annotations

import pytest

from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from tests.support.stack import module_stack

world, api = module_stack([ChildWelfareService, FuneralService])


@pytest.fixture(scope="module")
def welfare_db(world):
    """One superuser pool on the module's child_welfare schema, for assertions on what was written."""
    return world[0].admin("child_welfare")
