"""The fault tests' package fixtures: `world` and `links` (tests/support/fault_stack.py), and PostgreSQL down
for minutes (test_with_the_database_down_for_minutes.py), set up when the package starts so that its minutes
of outage pass while the other fault tests run."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass

import pytest

from tests.support.fault_stack import (
    Processes,
    fault_links,
    fault_world,
    links,  # noqa: F401 - a fixture: every fault test's own links
    processes,
    world,  # noqa: F401 - a fixture: every fault test's own schemas and virtual host
)
from tests.support.faults import DeathLoad, Link

# How long PostgreSQL stays down while services restart (issue 17: 3 minutes).
DATABASE_DOWN_SECONDS = float(os.environ.get("CIVREG_FAULT_DATABASE_DOWN_SECONDS", "180"))


@dataclass
class Outage:
    world: tuple
    database: Link
    stack: Processes
    load: DeathLoad
    cut_at: float  # time.monotonic() when PostgreSQL went down


@pytest.fixture(scope="package", autouse=True)
def database_down_for_minutes(request, tmp_path_factory):
    """A stack under load whose PostgreSQL went down, and whose funeral and timeline services restarted while it
    was down (`None` unless the test that needs it is selected)."""
    if not any(item.name.startswith("test_postgresql_down_for_minutes") for item in request.session.items):
        yield None
        return
    with contextlib.ExitStack() as exit_stack:
        world = exit_stack.enter_context(fault_world())
        database, broker = exit_stack.enter_context(fault_links())
        running = exit_stack.enter_context(processes(world, (database, broker), tmp_path_factory.mktemp("outage"),
                                                     ["funeral", "timeline", "gateway"]))
        load = exit_stack.enter_context(DeathLoad(running.base_url))
        load.accepted_at_least(10)
        database.cut()
        cut_at = time.monotonic()
        for name in ("funeral", "timeline"):  # each restarts while its database is down
            running.stop(name)
            running.start(name)
        yield Outage(world, database, running, load, cut_at)
