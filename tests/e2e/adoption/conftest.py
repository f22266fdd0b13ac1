"""End-to-end fixtures of the adoption service: the real gateway, AdoptionService, ChildWelfareService (which
reacts to adoptions) and TimelineService (which shows them) on a namespace and RabbitMQ virtual host of the
module's own."""

from __future__ import annotations

from services.adoption.service import AdoptionService
from services.child_welfare.service import ChildWelfareService
from services.timeline.service import TimelineService
from tests.support.stack import module_stack

world, api = module_stack([AdoptionService, ChildWelfareService, TimelineService])
