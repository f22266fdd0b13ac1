"""PostgreSQL down for minutes while services restart (issue 17): they start anyway, wait for their database,
and come back by themselves with nothing lost, applied twice or dead-lettered.

The outage itself is set up by the package's `database_down_for_minutes` fixture (conftest.py) when this
test is selected, before the package's first test: its minutes pass while the other fault tests run on
their own stacks, rather than as a sleep of their own (this module's name sorts last in the package, so
pytest runs it last).
"""

from __future__ import annotations

import time

import pytest

from tests.e2e.faults.conftest import DATABASE_DOWN_SECONDS
from tests.support.fault_stack import assert_nothing_lost_nothing_doubled

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_postgresql_down_for_minutes_while_services_restart_they_come_back_by_themselves(database_down_for_minutes):
    outage = database_down_for_minutes
    # The whole outage: longer than MAX_ATTEMPTS retries used to last (issue 17).
    time.sleep(max(0.0, DATABASE_DOWN_SECONDS - (time.monotonic() - outage.cut_at)))
    assert all(process.poll() is None for process in outage.stack.running.values()), "a service exited"
    outage.database.restore()
    outage.load.accepted_at_least(len(outage.load.outcomes.accepted) + 10, timeout=180)
    outage.load.__exit__(None, None, None)  # the clients stop; their outcomes are final
    assert_nothing_lost_nothing_doubled(outage.world, outage.load)
