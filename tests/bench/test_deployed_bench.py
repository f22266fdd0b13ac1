"""Deployed-shape benchmark (issue 19, docs/benchmarks.md): marriage registrations through the whole stack as
`make up` runs it — every service of `services.SERVICES`, the timeline projector and each service's outbox
relay, each a `civreg run` process of its own (tests/support/processes.py) with its metrics port, logging at
INFO — on the run's own schemas and virtual host and a free port.

Sixteen clerks of the eleven registry offices, each signed in as deployed (an account created by the admin,
`POST /v1/auth/login`, the ES256 access token on every request), register distinct couples back to back on
keep-alive HTTP connections, each request with an Idempotency-Key. Measured: registrations per second, p50
and p99 at the client, and the CPU milliseconds per registration of every process (read from /proc before
the load and after the timeline has projected every event it caused), beside the raw-commit baseline (one
event-shaped INSERT per commit) in the same run. Timings are reported, never asserted.

`PY_SPY=/path/to/py-spy make bench` (or pytest on this file) also samples the gateway, marriage and timeline
processes during the load and prints where their time went (docs/benchmarks.md, "Where a registration's time
goes").
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from services import SERVICES
from services.timeline.adapters import projection
from tests.bench.report import percentile, table, write_section
from tests.bench.test_gateway_path_bench import backends_by_role, broker_pids, cpu_seconds
from tests.bench.test_marriage_bench import OFFICES, PAYLOAD, SUBJECTS
from tests.support.infrastructure import ADMIN_URL
from tests.support.processes import running_processes
from tests.support.stack import free_port, principal_token
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.bench

CLIENTS = 16
SECONDS = 10.0
BASELINE_SECONDS = 3.0
IDLE_SECONDS = 3.0
PASSWORD = "bench-" + uuid.uuid4().hex
PROCESSES = tuple(s.name for s in SERVICES if s.name != "gateway")  # the gateway is started last, as always


# -- CPU of every party ---------------------------------------------------------------------------------------
@dataclass
class Parties:
    """The pids of the deployed processes; PostgreSQL is the run's backends, RabbitMQ the whole broker."""

    namespace: str
    pids: dict[str, int]

    def sample(self) -> dict[str, float]:
        cpu = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        cpu["clients"] = time.process_time()
        by_role = backends_by_role(self.namespace)
        cpu["postgres"] = sum(cpu_seconds(pid) for pids in by_role.values() for pid in pids)
        for role in ("gateway", "marriage", "timeline"):  # where PostgreSQL's share is spent: whose backends
            cpu[f"postgres for {role}"] = sum(cpu_seconds(pid) for pid in by_role.get(role, []))
        cpu["rabbitmq"] = sum(cpu_seconds(pid) for pid in broker_pids())
        return cpu


# -- sign-in as deployed --------------------------------------------------------------------------------------
def _post(port: int, path: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    for _ in range(60):  # /health answers before the gateway's app is up: its 503 says "starting", Retry-After
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", path, json.dumps(body).encode(), headers)
        response = connection.getresponse()
        answer = json.loads(response.read() or b"{}")
        if response.status != 503 or answer.get("detail") != "the gateway is starting":
            break
        time.sleep(float(response.headers.get("Retry-After", "1")))
    assert response.status in (200, 201), answer
    return answer


def signed_in_clerks(port: int) -> dict[str, str]:
    """One clerk account per registry office, created by the administrator and signed in over HTTP: the
    access token (ES256 JWT) each office's clients send."""
    admin = principal_token("admin")
    tokens = {}
    for office in OFFICES:
        username = f"bench.{office.lower()}"
        _post(port, "/v1/admin/accounts", {"username": username, "name": "基准测试", "role": "marriage_clerk",
                                           "office": office, "password": PASSWORD}, admin)
        tokens[office] = _post(port, "/v1/auth/login", {"username": username, "password": PASSWORD})["access_token"]
    return tokens


# -- load -----------------------------------------------------------------------------------------------------
def clerk(port: int, office: str, token: str) -> Callable[[], bool]:
    """A clerk registering fresh couples on one keep-alive connection, each request with its own key."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def send() -> bool:
        body = {"office": office, "declaration_signed": True,
                "parties": [{"id_number": synthetic_id_number(sex="male"), "name": "王小明"},
                            {"id_number": synthetic_id_number(sex="female"), "name": "李小红"}]}
        connection.request("POST", "/v1/marriage/registrations", json.dumps(body).encode(),
                           {**headers, "Idempotency-Key": uuid.uuid4().hex})
        response = connection.getresponse()
        response.read()
        return response.status == 201

    return send


@dataclass
class Load:
    count: int
    failures: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def load(senders: list[Callable[[], bool]], seconds: float) -> Load:
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(send: Callable[[], bool]) -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            ok = send()
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    failures += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(send,)) for send in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(len(latencies), failures, time.perf_counter() - started, latencies)


def raw_commits(schema: str, seconds: float = BASELINE_SECONDS) -> float:
    """Baseline: one client's single-row INSERTs of an event-shaped row, one per commit, into a copy of the
    marriage events table (its constraints and indexes, without the chain's hash)."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as raw:
        name = f"public.bench_deployed_raw_{uuid.uuid4().hex[:8]}"
        raw.execute(f"CREATE TABLE {name} (LIKE {schema}.events INCLUDING ALL)")
        raw.execute(f"ALTER TABLE {name} DROP COLUMN hash")
        try:
            done, started = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - started) < seconds:
                done += 1
                raw.execute(f"INSERT INTO {name} VALUES (%s, %s, %s, 1, 'marriage.MarriageRegistered', 1,"
                            " '2025-06-16', clock_timestamp(), %s, %s, '{}')",
                            (done, uuid.uuid4(), f"marriage-{done}", SUBJECTS, PAYLOAD))
            return done / elapsed
        finally:
            raw.execute(f"DROP TABLE {name}")


def marriage_head(namespace) -> int:  # noqa: ANN001
    with namespace.admin("marriage").connection() as conn:
        return conn.execute("SELECT coalesce(max(global_position), 0) FROM events").fetchone()[0]


def timeline_checkpoint(namespace) -> int:  # noqa: ANN001
    with namespace.admin("timeline").connection() as conn:
        return projection.checkpoints(conn, projection.live_generation(conn)).get("marriage", 0)


# -- optional profiles -----------------------------------------------------------------------------------------
def profiling(pids: dict[str, int], directory: Path) -> list[subprocess.Popen]:
    """With PY_SPY set to a py-spy executable (a tool, not a dependency of civreg): sample each Python process
    for the load's duration without stopping it (`--nonblocking`), only while it holds the GIL (`--gil`: running
    Python, not waiting on a socket), as collapsed stacks."""
    if not os.environ.get("PY_SPY"):
        return []
    return [subprocess.Popen([os.environ["PY_SPY"], "record", "--pid", str(pid), "--duration", f"{SECONDS:.0f}",
                              "--nonblocking", "--gil", "--format", "raw", "-o", str(directory / f"{name}.profile")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for name, pid in pids.items() if name in ("gateway", "marriage", "timeline")]


def summarise_profiles(directory: Path, top: int = 80) -> None:
    """Print each profile's functions by inclusive share of samples."""
    for path in sorted(directory.glob("*.profile")):
        total, inclusive = 0, Counter()
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack:
                total += int(count)
                inclusive.update(dict.fromkeys(set(stack.split(";")), int(count)))
        print(f"\n== {path.stem}: {total} samples, inclusive share")
        for frame, count in inclusive.most_common(top):
            print(f"{100 * count / max(total, 1):5.1f}% {frame[:150]}")


# -- the benchmark --------------------------------------------------------------------------------------------
def test_deployed_shape_benchmark(fresh_namespace, vhost, tmp_path: Path):
    namespace = fresh_namespace()
    metrics = {name: {"METRICS_PORT": str(free_port())} for name in PROCESSES}  # as deploy/dev/processes.sh
    with running_processes(namespace, vhost, PROCESSES, tmp_path, service_env=metrics) as stack:
        parties = Parties(namespace.name, stack.pids)
        tokens = signed_in_clerks(stack.port)
        senders = [clerk(stack.port, OFFICES[n % len(OFFICES)], tokens[OFFICES[n % len(OFFICES)]])
                   for n in range(CLIENTS)]
        wait_until(senders[0], timeout=60, what="a first registration")
        # The timeline's queues exist once it has started: the first registration reaches it.
        wait_until(lambda: timeline_checkpoint(namespace) >= marriage_head(namespace), timeout=60,
                   what="the timeline")
        load(senders[:4], 2.0)  # warm-up: connections, pools, prepared statements
        wait_until(lambda: timeline_checkpoint(namespace) >= marriage_head(namespace), timeout=120,
                   what="the timeline after the warm-up")

        baseline = raw_commits(namespace.database("marriage").schema)
        # Idle: what every process spends with no request (timers, relays polling, heartbeats), per second.
        idle_from, idle_started = parties.sample(), time.perf_counter()
        time.sleep(IDLE_SECONDS)
        idle_to = parties.sample()
        idle_rate = {party: (idle_to[party] - idle_from[party]) / (time.perf_counter() - idle_started)
                     for party in idle_from}
        before, started = parties.sample(), time.perf_counter()
        profiles = profiling(stack.pids, tmp_path)
        run = load(senders, SECONDS)
        at_end, ended = parties.sample(), time.perf_counter()
        head = marriage_head(namespace)
        wait_until(lambda: timeline_checkpoint(namespace) >= head, timeout=600, interval=0.05,
                   what="the timeline's backlog")
        drain = time.perf_counter() - ended
        after, measured = parties.sample(), time.perf_counter() - started
        for process in profiles:
            process.wait(60)
        summarise_profiles(tmp_path)
    assert run.failures == 0 and run.count, f"{run.failures} registrations failed"

    cpu = {party: (after[party] - before[party]) * 1000 / run.count for party in before}
    backlog_cpu = {party: (after[party] - at_end[party]) * 1000 / run.count for party in before}
    net = {party: max(cpu[party] - idle_rate[party] * measured * 1000 / run.count, 0.0) for party in before}
    order = ["gateway", *PROCESSES, "postgres", "rabbitmq"]
    server = sum(cpu[p] for p in order)
    ms = lambda q: f"{percentile(run.latencies, q) * 1000:.1f}"  # noqa: E731
    rows = [
        ("raw INSERT of an event-shaped row, one per commit, 1 client (baseline)", f"{baseline:,.0f}/s", "1.00",
         "", ""),
        (f"POST /v1/marriage/registrations, deployed shape, {CLIENTS} signed-in clerks", f"{run.rate:,.0f}/s",
         f"{run.rate / baseline:.3f}", ms(50), ms(99)),
    ]
    per_process = [(party, f"{cpu[party]:.2f}", f"{net[party]:.2f}", f"{idle_rate[party] * 1000:.0f}",
                    f"{backlog_cpu[party]:.2f}") for party in order]
    at = order.index("postgres") + 1
    per_process[at:at] = [(f"… {party}", f"{cpu[party]:.2f}", f"{net[party]:.2f}", f"{idle_rate[party] * 1000:.0f}",
                           f"{backlog_cpu[party]:.2f}") for party in cpu if party.startswith("postgres for ")]
    per_process += [("all server processes", f"{server:.2f}", f"{sum(net[p] for p in order):.2f}",
                     f"{sum(idle_rate[p] for p in order) * 1000:.0f}", f"{sum(backlog_cpu[p] for p in order):.2f}"),
                    ("clients (the benchmark process)", f"{cpu['clients']:.2f}", "", "", "")]
    body = (table(rows, ("measurement", "rate", "ratio to baseline", "p50 ms", "p99 ms")) + "\n\n"
            + table(per_process, ("process", "CPU ms per registration", "net of idle", "idle CPU ms/s",
                                  "of which after the load ended"))
            + f"""

{run.count:,} registrations in {run.seconds:.1f} s, {run.failures} answers other than 201; the timeline had
projected all of them {drain:.1f} s after the load ended. Every process runs as
`make up` runs it: `civreg run` for {", ".join(PROCESSES)} and the gateway, each with its metrics port,
logging JSON at INFO, on the run's own schemas, virtual host and HTTP port. Sixteen clerks of the eleven
registry offices, signed in as deployed (accounts created by the administrator, `POST /v1/auth/login`, the
ES256 access token on every request), register distinct couples back to back, each on its own keep-alive
connection, each request with an Idempotency-Key. CPU ms per registration are read from /proc before the
load and once the timeline has projected every registration (so the projector's and the relay's work after
the load counts; the last column is that part). *Idle CPU ms/s* is what each process spends per second
with no request at all (timers, relays polling, heartbeats), measured for {IDLE_SECONDS:.0f} s just before
the load; *net of idle* subtracts it over the load's duration, so that a slow run does not inflate the
figure with idle work. *postgres* is the run's backends (not the WAL writer or
checkpointer; *… postgres for* a service: the backends of its role, part of it), *rabbitmq* the whole
broker, other users included. At 2 cores, 300 registrations/s leave 6.6 ms of CPU per registration for
everything. The machine is shared with other work while this runs:
rates and latencies move with it; the ratio to the same run's baseline and CPU ms per registration are the
figures to compare.
""")
    write_section("deployed", "Deployed shape: registrations through every process as `make up` runs them", body)
    print(body)
