"""The child welfare nameko service (儿童福利): entrypoints only. The rules live in `domain/`, the
load-decide-append handlers in `application/`, the read models in `adapters/`.

RPC commands take `(…path ids, request, actor, idempotency_key)` and answer plain JSON or raise a `Refusal`
(problem+json at the gateway). Subscriptions react to deaths (funeral), to minors taken in by relief
stations (vagrant_aid) and to adoptions (adoption); a timer terminates files on the 18th birthday and
transfers unidentified referred minors after 3 months (application/schedule.py).
"""

from __future__ import annotations

from typing import Any

from nameko.timer import timer

from services.child_welfare.application.child_welfare import ChildWelfare
from services.child_welfare.application.reactions import (
    ADOPTION_EVENT_TYPES,
    FUNERAL_EVENT_TYPES,
    RELIEF_EVENT_TYPES,
)
from services.child_welfare.contract.table import COMMANDS
from services.child_welfare.domain.events import UPCASTERS
from shared.logging import get_logger
from shared.nameko_ext import EventSourcedService, EventStoreProvider, service_rpc, subscribe
from shared.nameko_ext.commands import command_entrypoints

log = get_logger(__name__)

SCHEDULE_INTERVAL_SECONDS = 3600  # the schedule is by day; hourly catches a day's change soon after midnight


@command_entrypoints(COMMANDS)
class ChildWelfareService(EventSourcedService):
    name = "child_welfare"
    store = EventStoreProvider(UPCASTERS)

    def application(self) -> ChildWelfare:
        return ChildWelfare(self.store, self.context)

    # -- queries ----------------------------------------------------------------------------------------
    @service_rpc
    def child(self, child: str) -> dict:
        return self.application().child(child)

    @service_rpc
    def allowances(self, child: str, first: Any, last: Any) -> dict:
        return self.application().allowances(child, first, last)

    @service_rpc
    def payroll(self, month: Any) -> dict:
        return self.application().payroll(month)

    @service_rpc
    def indicator_inputs(self, year: int) -> dict:
        """The plan's allowance indicators of a year (the gateway's GET /v1/indicators)."""
        return self.application().indicator_inputs(year)

    @service_rpc
    def children(self, query: Any, actor: Any) -> dict:
        return self.application().children(query, actor)

    @service_rpc
    def tasks(self, as_of: Any = None) -> dict:
        return self.application().tasks(as_of)

    # -- reactions (C-6; V-7) -----------------------------------------------------------------------------
    @subscribe("funeral", list(FUNERAL_EVENT_TYPES))
    def on_death(self, event, tx) -> None:  # noqa: ANN001 - the subscription's signature
        self.application().react(event, tx)

    @subscribe("vagrant_aid", list(RELIEF_EVENT_TYPES))
    def on_relief_station_event(self, event, tx) -> None:  # noqa: ANN001
        self.application().react(event, tx)

    @subscribe("adoption", list(ADOPTION_EVENT_TYPES))
    def on_adoption(self, event, tx) -> None:  # noqa: ANN001 - A-15: the adopted child's file ends
        self.application().react(event, tx)

    # -- schedule (C-6 18th birthday; unidentified minors after 3 months) -----------------------------------
    @timer(interval=SCHEDULE_INTERVAL_SECONDS)
    def run_schedule(self) -> None:
        done = self.application().run_schedule()
        if any(done.values()):
            log.info("child welfare schedule", **done)

    @service_rpc
    def run_schedule_now(self) -> dict:
        """The same run on demand (operators; tests)."""
        return self.application().run_schedule()
