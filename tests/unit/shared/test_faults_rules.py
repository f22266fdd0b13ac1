"""The rules that keep faults from losing work (issue 17): how the database pool is sized against the
subscriptions that hold connections, and how a pool reconnects (transient failures: test_faults_classification)."""

from __future__ import annotations

import pytest

from shared.nameko_ext.database import PoolSizeError, pool_rule, recommended_pool_size


@pytest.mark.parametrize(("max_size", "expected"), [(2, 1), (5, 2), (10, 5), (21, 10)])
def test_by_default_half_the_pool_may_be_held_by_subscriptions_waiting_for_workers(max_size, expected):
    assert pool_rule(max_size) == expected


@pytest.mark.parametrize(("max_size", "concurrency"), [(1, None), (5, 5), (5, 8), (5, 0)])
def test_a_pool_that_waiting_subscriptions_could_drain_is_refused_at_start(max_size, concurrency):
    with pytest.raises(PoolSizeError):
        pool_rule(max_size, concurrency)


def test_the_recommended_pool_has_a_connection_for_every_worker_and_every_holding_subscription():
    assert recommended_pool_size(max_workers=10, concurrency=5) == 16


def test_a_pool_reconnects_within_ten_seconds_of_the_databases_return_however_long_the_outage():
    from shared.db import MAX_RECONNECT_DELAY, _CappedBackoff

    attempt = _CappedBackoff(timeout=24 * 3600)
    delays = []
    for _ in range(15):  # psycopg_pool's own backoff would reach hours by now
        attempt.update_delay(0.0)
        delays.append(attempt.delay)
    assert max(delays) == MAX_RECONNECT_DELAY == 10.0
