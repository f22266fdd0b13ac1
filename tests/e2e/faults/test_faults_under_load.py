"""Faults under a steady load of commands, against the real stack (issue 17): the services and the gateway run
as processes of their own (`civreg run`), reaching PostgreSQL and RabbitMQ through links the test cuts
(tests/support/faults.py) — the machine's servers are never stopped. Each test asserts that nothing is lost
and nothing is applied twice: every accepted registration has exactly one event in the funeral store, one
row in its read model and one entry in the timeline; nothing is dead-lettered; no client ever got a 500.

Slow (each a minute or more on a loaded machine): marked `slow`, and run by `make test`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from kombu import Connection

from services.timeline.service import TimelineService
from services.topology import declare, subscriptions_of
from tests.support.faults import DeathLoad, Link, host_port, through
from tests.support.infrastructure import ADMIN_URL, AMQP_BASE, isolated_world
from tests.support.processes import REPO_ROOT, _health_answers, civreg_run, running_processes, stack_environment
from tests.support.stack import free_port
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SERVICES = ["funeral", "timeline"]
# How long the funeral service stays stopped mid-load (issue 17: 30 s; shorter for a quick local run).
STOPPED_SECONDS = float(os.environ.get("CIVREG_FAULT_STOPPED_SECONDS", "30"))
# How long PostgreSQL stays down while services restart (issue 17: 3 minutes).
DATABASE_DOWN_SECONDS = float(os.environ.get("CIVREG_FAULT_DATABASE_DOWN_SECONDS", "180"))


@pytest.fixture
def world():
    with isolated_world(("funeral", "timeline", "gateway")) as (namespace, vhost):
        declare(vhost)  # as `civreg declare` does at deploy time: every event type is routable
        yield namespace, vhost


@pytest.fixture
def links():
    with Link(*host_port(ADMIN_URL, 5432)) as database, Link(*host_port(AMQP_BASE, 5672)) as broker:
        yield database, broker


def stack(world, links, log_dir: Path, services=SERVICES, **env: str):
    namespace, vhost = world
    database, broker = links
    return running_processes(namespace, through(vhost, broker), services, log_dir,
                             DATABASE_URL=through(ADMIN_URL, database), **env)


def registered(namespace) -> dict[str, list[str]]:
    """Per person: the death ids of the `funeral.DeathRegistered` events in the funeral store."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute(
            f"SELECT subjects->0->>'id', array_agg(payload->>'death_id') FROM {namespace.name}_funeral.events"
            " WHERE event_type = 'funeral.DeathRegistered' GROUP BY 1").fetchall()
    return dict(rows)


def read_model_rows(namespace) -> int:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        return conn.execute(f"SELECT count(*) FROM {namespace.name}_funeral.deaths").fetchone()[0]


def timeline_entries(namespace) -> tuple[int, int]:
    """Death entries in the live timeline: all of them, and distinct event ids."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        return conn.execute(
            f"SELECT count(*), count(DISTINCT event_id) FROM {namespace.name}_timeline.entries"
            " WHERE source = 'funeral' AND event_type = 'funeral.DeathRegistered'").fetchone()


def dead_letters(vhost: str) -> int:
    with Connection(vhost) as connection:
        channel = connection.default_channel
        return sum(channel.queue_declare(queues.dead.name, passive=True).message_count
                   for queues in subscriptions_of(TimelineService))


def assert_nothing_lost_nothing_doubled(world, load: DeathLoad) -> None:
    namespace, vhost = world
    accepted = load.outcomes.accepted
    events = registered(namespace)
    assert set(events) == set(accepted), "an accepted registration without its event, or an event unanswered"
    assert all(len(ids) == 1 for ids in events.values()), "a registration applied twice"
    # A retry after a lost answer got the first attempt's outcome (its death id), not a refusal or a new one.
    assert {person: ids[0] for person, ids in events.items()} == accepted
    assert read_model_rows(namespace) == len(accepted)
    wait_until(lambda: timeline_entries(namespace) == (len(accepted), len(accepted)), timeout=180,
               what="the timeline has every death exactly once")
    assert dead_letters(vhost) == 0
    assert load.outcomes.answers.get(500, 0) == 0, load.outcomes.answers


def test_postgresql_restarted_mid_load_loses_nothing_and_applies_nothing_twice(world, links, tmp_path):
    database, _ = links
    with stack(world, links, tmp_path) as running:
        with DeathLoad(running.base_url) as load:
            load.accepted_at_least(10)
            database.cut()  # every session of every process ends; new connections are refused
            time.sleep(8)
            database.restore()
            load.accepted_at_least(len(load.outcomes.accepted) + 10)
        assert load.outcomes.answers.get(503, 0) > 0  # the outage was answered as such, not as a bug
        assert_nothing_lost_nothing_doubled(world, load)


def test_rabbitmq_restarted_mid_load_loses_nothing_and_applies_nothing_twice(world, links, tmp_path):
    _, broker = links
    with stack(world, links, tmp_path) as running:
        with DeathLoad(running.base_url) as load:
            load.accepted_at_least(10)
            broker.cut()
            time.sleep(8)
            broker.restore()
            load.accepted_at_least(len(load.outcomes.accepted) + 10)
        assert_nothing_lost_nothing_doubled(world, load)


# -- processes stopped, killed and doubled --------------------------------------------------------------------
class Processes:
    """The stack's processes by name, each stopped (SIGTERM: drain, as `make down` and Kubernetes do), killed
    (SIGKILL) or started again on its own; `funeral-2` is a second instance of `funeral`."""

    def __init__(self, world, links, log_dir: Path) -> None:
        namespace, vhost = world
        database, broker = links
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = stack_environment(namespace, through(vhost, broker), self.port,
                                     DATABASE_URL=through(ADMIN_URL, database))
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}
        self._logs: dict[str, int] = {}

    def start(self, name: str) -> None:
        service = name.split("-")[0]
        self._logs[name] = self._logs.get(name, 0) + 1
        log = (self.log_dir / f"{name}.{self._logs[name]}.log").open("w")
        self.running[name] = subprocess.Popen(civreg_run(service), env=self.env, cwd=REPO_ROOT, stdout=log,
                                              stderr=subprocess.STDOUT)
        if service == "gateway":
            wait_until(lambda: _health_answers(self.port), timeout=60, what="the gateway process")

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.running.pop(name)
        process.send_signal(sig)
        process.wait(60)

    def close(self) -> None:
        for name in list(self.running):
            with contextlib.suppress(Exception):
                self.stop(name)


@contextlib.contextmanager
def processes(world, links, log_dir: Path, names: list[str]):
    stack = Processes(world, links, log_dir)
    try:
        for name in names:
            stack.start(name)
        yield stack
    finally:
        stack.close()


def relay_lag(namespace) -> int:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        return conn.execute(f"SELECT {namespace.name}_funeral.relay_lag()").fetchone()[0]


def test_each_process_stopped_mid_load_drains_and_a_service_stopped_30_s_resumes(world, links, tmp_path):
    with processes(world, links, tmp_path, ["funeral", "timeline", "gateway"]) as stack:
        with DeathLoad(stack.base_url) as load:
            load.accepted_at_least(10)
            for name, stopped_for in (("funeral", STOPPED_SECONDS), ("timeline", 5), ("gateway", 2)):
                stack.stop(name)  # SIGTERM: in-flight work finishes, nothing new is taken
                time.sleep(stopped_for)
                stack.start(name)
                load.accepted_at_least(len(load.outcomes.accepted) + 5)
        assert load.outcomes.answers.get(503, 0) > 0  # the stopped funeral service was answered 503, not 504
        assert_nothing_lost_nothing_doubled(world, load)


def stream_versions(namespace, death_ids) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Per death stream: the versions in the funeral store, and those the timeline holds, each in order."""
    streams = [f"death-{death_id}" for death_id in death_ids]
    query = ("SELECT stream_id, array_agg(stream_version ORDER BY stream_version) FROM {table}"
             " WHERE stream_id = ANY(%s) {where} GROUP BY 1")
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        store = dict(conn.execute(query.format(table=f"{namespace.name}_funeral.events", where=""),
                                  (streams,)).fetchall())
        timeline = dict(conn.execute(query.format(table=f"{namespace.name}_timeline.entries",
                                                  where="AND source = 'funeral'"), (streams,)).fetchall())
    return store, timeline


def test_two_instances_of_each_service_and_a_killed_relay_leader_is_taken_over(world, links, tmp_path):
    namespace, _ = world
    with processes(world, links, tmp_path, ["funeral", "timeline", "timeline-2", "gateway"]) as stack:
        with DeathLoad(stack.base_url, follow_ups=True) as load:
            load.accepted_at_least(5)
            wait_until(lambda: relay_lag(namespace) == 0, what="the first instance leads the relay")
            stack.start("funeral-2")  # a standby: the lock is held
            load.accepted_at_least(len(load.outcomes.accepted) + 10)
            stack.stop("funeral", signal.SIGKILL)  # the leader dies without a word
            load.accepted_at_least(len(load.outcomes.accepted) + 10)
        # Takeover: the new events reach the broker (issue 17 asks within 10 s; timings are not asserted
        # here, the standby polls for the lock every RELAY.POLL_INTERVAL).
        wait_until(lambda: relay_lag(namespace) == 0, timeout=60, what="the standby took over the relay")
        assert_nothing_lost_nothing_doubled(world, load)
        # Two timeline instances consumed at once: every stream's events are there once each, versions 1, 2, 3.
        followed = load.outcomes.followed
        assert followed
        complete = {f"death-{death_id}": [1, 2, 3] for death_id in followed}
        wait_until(lambda: stream_versions(namespace, followed) == (complete, complete), timeout=120,
                   what="every stream complete, in order, in the store and the timeline")


def test_postgresql_down_for_minutes_while_services_restart_they_come_back_by_themselves(world, links, tmp_path):
    database, _ = links
    with processes(world, links, tmp_path, ["funeral", "timeline", "gateway"]) as stack:
        with DeathLoad(stack.base_url) as load:
            load.accepted_at_least(10)
            database.cut()
            for name in ("funeral", "timeline"):  # each restarts while its database is down
                stack.stop(name)
                stack.start(name)
            time.sleep(DATABASE_DOWN_SECONDS)  # longer than MAX_ATTEMPTS retries used to last (issue 17)
            assert all(process.poll() is None for process in stack.running.values()), "a service exited"
            database.restore()
            load.accepted_at_least(len(load.outcomes.accepted) + 10, timeout=180)
        assert_nothing_lost_nothing_doubled(world, load)
