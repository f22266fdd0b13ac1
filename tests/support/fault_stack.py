"""The stack of the fault tests and the soak (issue 17): services and the gateway as processes of their own
(`civreg run`), reaching PostgreSQL and RabbitMQ through cuttable links (tests/support/faults.py), and the
probes of the invariants — every accepted registration has exactly one event, one read-model row and one
timeline entry; nothing is dead-lettered; no client got a 500.

    with fault_world(("funeral", "timeline", "gateway")) as world, fault_links() as links:
        with processes(world, links, log_dir, ["funeral", "timeline", "gateway"]) as stack:
            stack.stop("funeral", signal.SIGKILL); stack.start("funeral-2")
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from kombu import Connection

from services.timeline.service import TimelineService
from services.topology import declare, subscriptions_of
from tests.support.faults import DeathLoad, Link, host_port, through
from tests.support.infrastructure import ADMIN_URL, AMQP_BASE, isolated_world
from tests.support.processes import (
    REPO_ROOT,
    _health_answers,
    civreg_run,
    running_processes,
    stack_environment,
    stop_together,
)
from tests.support.stack import free_port
from tests.support.waiting import wait_until


@contextlib.contextmanager
def fault_world(services: tuple[str, ...] = ("funeral", "timeline", "gateway")) -> Iterator[tuple]:
    """Schemas and a virtual host of their own, with the whole topology declared (as `civreg declare` does at
    deploy time: every event type is routable)."""
    with isolated_world(services) as (namespace, vhost):
        declare(vhost)
        yield namespace, vhost


@contextlib.contextmanager
def fault_links() -> Iterator[tuple[Link, Link]]:
    """A cuttable link to PostgreSQL and one to RabbitMQ."""
    with Link(*host_port(ADMIN_URL, 5432)) as database, Link(*host_port(AMQP_BASE, 5672)) as broker:
        yield database, broker


@pytest.fixture
def world():
    """A test's own `fault_world()`."""
    with fault_world() as made:
        yield made


@pytest.fixture
def links():
    """A test's own `fault_links()`: (database, broker)."""
    with fault_links() as made:
        yield made


def stack(world, links, log_dir: Path, services=("funeral", "timeline"), **env: str):
    """`services` and the gateway as processes behind `links`, stopped with SIGTERM at the end."""
    namespace, vhost = world
    database, broker = links
    return running_processes(namespace, through(vhost, broker), services, log_dir,
                             DATABASE_URL=through(ADMIN_URL, database), **env)


class Processes:
    """The stack's processes by name, each stopped (SIGTERM: drain, as `make down` and Kubernetes do), killed
    (SIGKILL) or started again on its own; `funeral-2` is a second instance of `funeral`. `start(name, links)`
    puts one instance behind links of its own (a machine of its own, which a test can make vanish)."""

    def __init__(self, world, links, log_dir: Path) -> None:
        namespace, vhost = world
        database, broker = links
        self.world = world
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = stack_environment(namespace, through(vhost, broker), self.port,
                                     DATABASE_URL=through(ADMIN_URL, database))
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}
        self._logs: dict[str, int] = {}

    def start(self, name: str, links: tuple[Link, Link] | None = None) -> None:
        service = name.split("-")[0]
        self._logs[name] = self._logs.get(name, 0) + 1
        env = {**self.env, "PGAPPNAME": application_name(self.world, name)}  # its sessions, by name
        if links is not None:
            database, broker = links
            env.update(DATABASE_URL=through(ADMIN_URL, database), AMQP_URI=through(self.world[1], broker))
        log = (self.log_dir / f"{name}.{self._logs[name]}.log").open("w")
        self.running[name] = subprocess.Popen(civreg_run(service), env=env, cwd=REPO_ROOT, stdout=log,
                                              stderr=subprocess.STDOUT)
        if service == "gateway":
            wait_until(lambda: _health_answers(self.port), timeout=180, what="the gateway process")

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.running.pop(name)
        process.send_signal(sig)
        process.wait(60)

    def stop_together(self, names, sig: int = signal.SIGTERM) -> None:
        """`stop` every one of `names` at once, then wait for all (each drains meanwhile, not in turn)."""
        stop_together([self.running.pop(name) for name in names], sig, timeout=60)

    def close(self) -> None:
        # Every process at once; one that did not drain in time (its links frozen, say) is killed: no orphan.
        self.stop_together(list(self.running))


def application_name(world, name: str) -> str:
    """The `application_name` of a process's PostgreSQL sessions: its namespace and its instance name."""
    return f"{world[0].name}-{name}"


@contextlib.contextmanager
def processes(world, links, log_dir: Path, names: list[str], **env: str) -> Iterator[Processes]:
    """`names` started in turn (`env`: more environment for every one of them), all stopped at the end."""
    running = Processes(world, links, log_dir)
    running.env.update(env)
    try:
        for name in names:
            running.start(name)
        yield running
    finally:
        running.close()


# -- the invariants ---------------------------------------------------------------------------------------------
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


def dead_letters(vhost: str, service_classes=(TimelineService,)) -> int:
    """Messages in the dead-letter queues of the subscriptions of `service_classes`."""
    with Connection(vhost) as connection:
        channel = connection.default_channel
        return sum(channel.queue_declare(queues.dead.name, passive=True).message_count
                   for service in service_classes for queues in subscriptions_of(service))


def relay_lag(namespace, service: str = "funeral") -> int:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        return conn.execute(f"SELECT {namespace.name}_{service}.relay_lag()").fetchone()[0]


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
