"""`make soak`: minutes of steady load with faults injected on a schedule, then the invariants and the latency
percentiles (issue 17). Not part of `make test`.

The stack is the fault tests' (tests/e2e/faults): gateway, funeral and timeline as processes of their own,
PostgreSQL and RabbitMQ behind links the soak cuts. Every `CIVREG_SOAK_FAULT_EVERY` seconds the next fault
of the schedule strikes: PostgreSQL cut for 5 s, RabbitMQ cut for 5 s, SIGTERM to funeral (started again
after 5 s), SIGKILL to the timeline (started again at once), SIGTERM to the gateway. At the end it replays
what was dead-lettered (as an operator would) and prints lost / doubled / dead-lettered-after-replay counts
(all must be 0) and the p50/p95/p99 latency of a registration as its client saw it (retries included), the
command and the machine's load. `CIVREG_SOAK_SECONDS` (600 by default) sets the length.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from services.timeline.service import TimelineService
from services.topology import subscriptions_of
from shared.deadletters import replay_dead_letters
from tests.bench.report import percentile, write_section
from tests.support.fault_stack import (
    dead_letters,
    links,  # noqa: F401 - a fixture
    processes,
    registered,
    timeline_entries,
    world,  # noqa: F401 - a fixture
)
from tests.support.faults import DeathLoad
from tests.support.waiting import wait_until

pytestmark = pytest.mark.soak

SECONDS = float(os.environ.get("CIVREG_SOAK_SECONDS", "600"))
FAULT_EVERY = float(os.environ.get("CIVREG_SOAK_FAULT_EVERY", "30"))
CLIENTS = int(os.environ.get("CIVREG_SOAK_CLIENTS", "4"))
SETTINGS = {"CIVREG_SOAK_SECONDS": SECONDS, "CIVREG_SOAK_FAULT_EVERY": FAULT_EVERY, "CIVREG_SOAK_CLIENTS": CLIENTS}
COMMAND = " ".join([*(f"{name}={value:g}" for name, value in SETTINGS.items() if name in os.environ), "make soak"])


def test_soak(world, links, tmp_path):  # noqa: F811 - fixtures
    namespace, vhost = world
    database, broker = links

    def cut(link):
        link.cut()
        time.sleep(5)
        link.restore()

    def restart(name, sig, pause):
        def fault(stack):
            stack.stop(name, sig)
            time.sleep(pause)
            stack.start(name)
        return fault

    schedule = [
        ("PostgreSQL cut 5 s", lambda stack: cut(database)),
        ("RabbitMQ cut 5 s", lambda stack: cut(broker)),
        ("SIGTERM funeral, 5 s stopped", restart("funeral", signal.SIGTERM, 5)),
        ("SIGKILL timeline", restart("timeline", signal.SIGKILL, 0)),
        ("SIGTERM gateway", restart("gateway", signal.SIGTERM, 1)),
    ]
    struck = []
    load_before = os.getloadavg()
    started = time.monotonic()
    with processes(world, links, tmp_path, ["funeral", "timeline", "gateway"]) as stack, \
            DeathLoad(stack.base_url, clients=CLIENTS) as load:
        next_fault = started + FAULT_EVERY
        while time.monotonic() - started < SECONDS:
            if time.monotonic() >= next_fault:
                name, fault = schedule[len(struck) % len(schedule)]
                fault(stack)
                struck.append(name)
                next_fault = time.monotonic() + FAULT_EVERY
            time.sleep(0.5)
    elapsed = time.monotonic() - started
    load_after = os.getloadavg()

    accepted = load.outcomes.accepted
    events = registered(namespace)
    lost = len(set(accepted) - set(events))
    doubled = sum(len(ids) - 1 for ids in events.values())
    dead_lettered = dead_letters(vhost)
    for queues in subscriptions_of(TimelineService):  # as an operator would: `civreg dead-letters replay`
        replay_dead_letters(vhost, queues)
    settled = wait_until(lambda: (entries := timeline_entries(namespace))[0] >= len(events) and entries,
                         timeout=300, what="the timeline caught up")
    parked = dead_letters(vhost)
    latencies = load.outcomes.latencies
    report = "\n".join([
        f"- {elapsed:.0f} s, {CLIENTS} clients, {len(accepted)} registrations accepted; faults: "
        f"{', '.join(struck) or 'none'}",
        f"- answers by status: {dict(sorted(load.outcomes.answers.items()))} (0: connection refused, gateway down)",
        f"- lost {lost}, doubled {doubled}, timeline entries {settled[0]} (distinct {settled[1]}) for "
        f"{len(events)} events, dead-lettered {dead_lettered} at the end of the load, {parked} after replay",
        f"- latency per registration (the client's view, retries included): p50 "
        f"{percentile(latencies, 50) * 1000:.0f} ms, p95 {percentile(latencies, 95) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 99) * 1000:.0f} ms",
        f"- command: `{COMMAND}`; load average (1, 5, 15 min) at the start {load_before[0]:.1f}, "
        f"{load_before[1]:.1f}, {load_before[2]:.1f} and at the end {load_after[0]:.1f}, {load_after[1]:.1f}, "
        f"{load_after[2]:.1f} on {os.cpu_count()} cores (shared with other runs: figures are distorted)",
    ])
    print("\n" + report)
    write_section("soak", "Soak: load with faults on a schedule (make soak)", report + """

Gateway, funeral and timeline as processes, clients registering deaths with an Idempotency-Key and retrying
503/504 with it; PostgreSQL and RabbitMQ reached through links the soak cuts (docs/operations.md, section 10).
""")
    assert (lost, doubled, parked) == (0, 0, 0)
    assert settled == (len(events), len(events))
    assert load.outcomes.answers.get(500, 0) == 0
