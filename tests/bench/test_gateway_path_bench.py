"""Gateway hot path benchmark: where the CPU of one request goes, process by process (docs/benchmarks.md).

The gateway, the funeral service and a bare echo service run as processes of their own (`civreg run`, as
`make up` runs them, logging at INFO; tests/support/processes.py), so that each one's CPU time can be read
from /proc before and after a timed run; the clients are green threads in the benchmark's process. For each
measurement the table gives requests per second with 16 clients, latency, and CPU milliseconds per request
of: the clients, the gateway, the service, the PostgreSQL backends of the run's schemas, and the whole
RabbitMQ broker. Beside the gateway's routes, two baselines measured in the same run: a bare nameko RPC round
trip (a standalone `ClusterRpcProxy` calling a service that echoes its argument) and a single-row INSERT in
autocommit.

Requests per second move with whatever else the machine runs; CPU ms per request is the robust figure.
The broker's figure is the whole broker's, so other users of it inflate it. Timings are never asserted.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from kombu import Connection, Queue
from nameko.exceptions import UnknownService
from nameko.standalone.rpc import ClusterRpcProxy
from psycopg.types.json import Jsonb

from shared.actor import Actor
from shared.business_dates import local_today
from shared.messaging import event_exchange
from shared.nameko_ext import RpcProof, service_rpc
from tests.bench.report import percentile, table, write_section
from tests.support.infrastructure import ADMIN_URL
from tests.support.processes import running_processes, service_process
from tests.support.proof import proof_context, public_keys_config
from tests.support.stack import principal_token
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.bench

SECONDS = 4.0
CLIENTS = 16
TICKS = os.sysconf("SC_CLK_TCK")


class BenchEcho:
    """The bare RPC baseline: a service entrypoint that does nothing but answer."""

    name = "bench_echo"
    caller = RpcProof()  # as every service: the call's proof is verified before it runs

    @service_rpc
    def echo(self, value: object) -> object:
        return value


# -- processes and their CPU ----------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def broker_pids() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"beam.smp" in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def backends_by_role(namespace: str) -> dict[str, list[int]]:
    """The PostgreSQL backends serving the run's service roles (`<namespace>_<service>`), by service."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute("SELECT usename, pid FROM pg_stat_activity WHERE usename LIKE %s",
                            (f"{namespace}\\_%",)).fetchall()
    by_role: dict[str, list[int]] = {}
    for user, pid in rows:
        by_role.setdefault(user.removeprefix(f"{namespace}_"), []).append(pid)
    return by_role


def backend_pids(namespace: str) -> list[int]:
    """The PostgreSQL backends serving the run's service roles."""
    return [pid for pids in backends_by_role(namespace).values() for pid in pids]


@dataclass
class Processes:
    namespace: str
    gateway: int
    service: int | None = None

    def sample(self) -> dict[str, float]:
        """CPU seconds so far, per party; the PostgreSQL backends are read by pid (new ones count from 0)."""
        return {
            "clients": time.process_time(),
            "gateway": cpu_seconds(self.gateway),
            "service": cpu_seconds(self.service) if self.service else 0.0,
            "postgres": sum(cpu_seconds(pid) for pid in backend_pids(self.namespace)),
            "rabbitmq": sum(cpu_seconds(pid) for pid in broker_pids()),
        }


def echo_run(config: dict[str, object]) -> list[str]:
    """The echo service in a process of its own, started the way `civreg run` starts a service."""
    script = ("import sys, json; import shared.bootstrap; from nameko.cli.run import run;"
              " from shared.logging import configure_logging; configure_logging('bench_echo');"
              " from tests.bench.test_gateway_path_bench import BenchEcho; run([BenchEcho], json.loads(sys.argv[1]))")
    return [sys.executable, "-c", script, json.dumps(config)]


# -- load -------------------------------------------------------------------------------------------------
@dataclass
class Run:
    label: str
    count: int
    seconds: float
    latencies: list[float]
    cpu: dict[str, float]  # ms per request

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def measure(label: str, processes: Processes, one_request: Callable[[int], Callable[[], bool]],
            clients: int = CLIENTS, seconds: float = SECONDS) -> Run:
    """`one_request(client)` makes a client's request function, which returns whether it succeeded."""
    requests = [one_request(n) for n in range(clients)]
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()

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

    before = processes.sample()
    started = time.perf_counter()
    deadline = started + seconds
    threads = [threading.Thread(target=client, args=(send,)) for send in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    after = processes.sample()
    assert failures == 0 and latencies, f"{label}: {failures} failed requests"
    cpu = {party: (after[party] - before[party]) * 1000 / len(latencies) for party in before}
    return Run(label, len(latencies), elapsed, latencies, cpu)


def http_client(port: int, method: str, path: Callable[[], str], body: Callable[[], dict] | None,
                token: str, expected: int) -> Callable[[int], Callable[[], bool]]:
    def make(_: int) -> Callable[[], bool]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def send() -> bool:
            data = json.dumps(body()).encode() if body else None
            keyed = {**headers, "Idempotency-Key": uuid.uuid4().hex} if method in ("POST", "PUT") else headers
            connection.request(method, path(), data, keyed)
            response = connection.getresponse()
            response.read()
            return response.status == expected

        return send

    return make


_ROW_KEYS = ("principal", "role", "action", "subject", "purpose", "outcome", "correlation_id")


def raw_inserts(schema: str, seconds: float = 2.0) -> Run:
    """Baseline: one client, single-row appends of an access-log row in autocommit, as the gateway's role
    (through `append_access`, the only way the role may write it: hash-chained, under the log's lock)."""
    with psycopg.connect(ADMIN_URL, autocommit=True, user=schema,
                         options=f"-c search_path={schema}") as conn:
        backend = conn.info.backend_pid
        row = ("funeral.home.FH-610502", "funeral_staff", "funeral.register_death", None, None, 201)
        conn.execute("SELECT 1")
        before_client, before_backend = time.process_time(), cpu_seconds(backend)
        count, latencies, started = 0, [], time.perf_counter()
        while time.perf_counter() - started < seconds:
            begun = time.perf_counter()
            conn.execute("SELECT append_access(%s)", (Jsonb([dict(zip(_ROW_KEYS, (*row, uuid.uuid4().hex),
                                                                      strict=True))]),))
            latencies.append(time.perf_counter() - begun)
            count += 1
        elapsed = time.perf_counter() - started
        cpu = {"clients": (time.process_time() - before_client) * 1000 / count, "gateway": 0.0, "service": 0.0,
               "postgres": (cpu_seconds(backend) - before_backend) * 1000 / count, "rabbitmq": 0.0}
    return Run("raw INSERT of an access-log row, autocommit, 1 client (baseline)", count, elapsed, latencies, cpu)


def rows_of(runs: list[Run]) -> list[tuple[str, ...]]:
    def ms(value: float) -> str:
        return f"{value:.2f}" if value >= 0.005 else "–"

    return [
        (run.label, f"{run.rate:,.0f}/s", f"{percentile(run.latencies, 50) * 1000:.1f}",
         f"{percentile(run.latencies, 99) * 1000:.1f}", *(ms(run.cpu[p]) for p in PARTIES),
         f"{sum(run.cpu[p] for p in PARTIES if p != 'clients'):.2f}")
        for run in runs
    ]


PARTIES = ("clients", "gateway", "service", "postgres", "rabbitmq")


# -- the benchmark ------------------------------------------------------------------------------------------
def test_gateway_path_benchmarks(fresh_namespace, vhost, tmp_path):
    namespace = fresh_namespace()
    with Connection(vhost) as connection:  # the relay publishes to a bound queue, as in production
        Queue("bench-gateway-path-sink", exchange=event_exchange("funeral"), routing_key="#")(connection).declare()
    token = principal_token("funeral_staff", "FH-610502")
    died_on = (local_today() - dt.timedelta(days=1)).isoformat()

    def death() -> dict:
        return {"id_number": synthetic_id_number(), "died_on": died_on, "place_division": "610502",
                "certificate_no": "F6105020001", "issuer": "渭南市中心医院", "natural": True,
                "funeral_home": "FH-610502"}

    with ExitStack() as stack:
        processes = stack.enter_context(running_processes(namespace, vhost, ["funeral"], tmp_path))
        port, gateway, funeral = processes.port, processes.pids["gateway"], processes.pids["funeral"]
        echo = stack.enter_context(service_process(
            # The run's RPC proof keys: without them the echo service stops at start-up (it verifies proofs).
            echo_run({"AMQP_URI": vhost, "max_workers": 10, **public_keys_config()}), os.environ.copy(),
            tmp_path / "echo.log"))

        register = http_client(port, "POST", lambda: "/v1/funeral/deaths", death, token, 201)
        wait_until(lambda: _succeeds(register(0)), timeout=60, what="the gateway and the funeral service")
        wait_until(lambda: _echoes(vhost), timeout=60, what="the echo service")
        measure("warm-up", Processes(namespace.name, gateway, funeral), register, clients=4, seconds=1.0)

        person = death()["id_number"]  # never registered: the query reads and answers "not deceased"
        access_token = signed_in_token(port)  # an ES256 JWT of a person's account, verified on every request
        runs = [
            raw_inserts(f"{namespace.name}_gateway"),
            measure("bare nameko RPC round trip, ClusterRpcProxy → echo service (baseline)",
                    Processes(namespace.name, gateway, echo.pid), rpc_client(vhost, stack)),
            measure("GET /v1/me: gateway only (token, route, access-log row)",
                    Processes(namespace.name, gateway, funeral),
                    http_client(port, "GET", lambda: "/v1/me", None, token, 200)),
            token_verification(namespace, access_token),
            measure("GET /v1/me: gateway only, signed access token (ES256 JWT, verified once, then remembered)",
                    Processes(namespace.name, gateway, funeral),
                    http_client(port, "GET", lambda: "/v1/me", None, access_token, 200)),
            measure("GET /v1/funeral/persons/{id}/death: gateway + RPC query",
                    Processes(namespace.name, gateway, funeral),
                    http_client(port, "GET", lambda: f"/v1/funeral/persons/{person}/death", None, token, 200)),
            measure("POST /v1/funeral/deaths: gateway + RPC + append + read models + relay",
                    Processes(namespace.name, gateway, funeral), register),
        ]

    header = ("measurement", "rate", "p50 ms", "p99 ms", *(f"{p} CPU ms" for p in PARTIES), "server CPU ms")
    body = table(rows_of(runs), header) + f"""

CPU ms are per request, read from /proc before and after each {SECONDS:.0f}-second run with {CLIENTS} clients
(the INSERT baseline: one client for 2 s). *clients* is the benchmark process (HTTP or RPC clients in green
threads); *gateway* and *service* are the `civreg run gateway` and `civreg run funeral` processes (for the RPC
baseline, the echo service's process); *postgres* the backends serving the run's schemas (not the WAL writer
or checkpointer); *rabbitmq* the whole broker, other users included. *server CPU ms* adds up everything but
the clients: at 2 cores, 300 requests/s leaves at most 6.6 ms for it and the clients together.

Reading the rows against each other: `GET /v1/me` is the pipeline's own cost (HTTP, token, route, access-log
row, log line, metrics); its two rows differ only in the bearer token: a static development token (a SHA-256
lookup) or a signed access token (ES256 signature and claims checked locally against cached keys the first
time the gateway sees it, then remembered by its SHA-256 until it expires). The row "verification alone" is
what the first check of each token costs the gateway (run in the benchmark's process, counted as gateway);
a client sends the same token for minutes, so that cost is paid once per token, not per request. The query
row adds one RPC round trip and a read; the bare RPC row is the floor for that round trip. The POST row is
the whole registration path (docs/architecture.md, "Gateway hot path").
"""
    write_section("gateway_path", "Gateway hot path: CPU per request, process by process", body)
    print(body)


def token_verification(namespace, token: str, seconds: float = 2.0) -> Run:
    """The gateway's check of one access token when it has not seen it before (signature, header, claims),
    run in this process on the gateway's own keys, one token check after another."""
    from services.gateway.identity.keys import KeyRing
    from services.gateway.identity.settings import DEVELOPMENT_KEY_SECRET
    from services.gateway.identity.tokens import AccessTokens

    keys = KeyRing(namespace.database("gateway"), DEVELOPMENT_KEY_SECRET, grace=3600, cache_seconds=3600)
    tokens = AccessTokens(keys, issuer="urn:civreg:gateway", audience="civreg")
    assert tokens._verify(token)[0] is not None  # noqa: SLF001 - the uncached path is what is measured
    count, latencies, before, started = 0, [], time.process_time(), time.perf_counter()
    while time.perf_counter() - started < seconds:
        begun = time.perf_counter()
        tokens._verify(token)  # noqa: SLF001
        latencies.append(time.perf_counter() - begun)
        count += 1
    cpu = {party: 0.0 for party in PARTIES} | {"gateway": (time.process_time() - before) * 1000 / count}
    return Run("ES256 access-token verification alone, not yet remembered (in-process, 1 thread)", count,
               time.perf_counter() - started, latencies, cpu)


def signed_in_token(port: int) -> str:
    """An access token of a person's account, created by the development admin and signed in over HTTP."""
    admin = principal_token("admin")
    password = uuid.uuid4().hex

    def post(path: str, body: dict, token: str | None = None) -> dict:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection.request("POST", path, json.dumps(body).encode(), headers)
        response = connection.getresponse()
        answer = json.loads(response.read() or b"{}")
        assert response.status in (200, 201), answer
        return answer

    post("/v1/admin/accounts", {"username": "bench.funeral", "name": "基准测试", "role": "funeral_staff",
                                "office": "FH-610502", "password": password}, admin)
    return post("/v1/auth/login", {"username": "bench.funeral", "password": password})["access_token"]


def rpc_client(vhost: str, stack: ExitStack) -> Callable[[int], Callable[[], bool]]:
    def make(_: int) -> Callable[[], bool]:
        # One proxy per client: a standalone proxy serves one caller at a time.
        # Signed once per client (a proof lives 30 s, the run a few): the baseline pays the service's
        # verification, not the gateway's signing.
        proxy = stack.enter_context(ClusterRpcProxy(
            {"AMQP_URI": vhost}, context_data=proof_context("bench_echo", Actor("bench", "admin"))))

        def send() -> bool:
            return proxy.bench_echo.echo("ping") == "ping"

        return send

    return make


def _succeeds(send: Callable[[], bool]) -> bool:
    try:
        return send()
    except OSError:
        return False


def _echoes(vhost: str) -> bool:
    try:
        with ClusterRpcProxy({"AMQP_URI": vhost},
                             context_data=proof_context("bench_echo", Actor("bench", "admin"))) as proxy:
            return proxy.bench_echo.echo("ready") == "ready"
    except UnknownService:
        return False
