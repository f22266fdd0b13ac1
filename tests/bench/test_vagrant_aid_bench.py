"""Vagrant aid benchmark: intakes per second through the gateway, 16 concurrent clients, beside the raw
PostgreSQL baseline (single-row INSERT commits) measured in the same run (docs/benchmarks.md).

The gateway and the vagrant_aid service run as separate processes, started the way `make up` starts them
(`civreg run <service>`), on schemas and a virtual host of their own; the clients are 16 threads of this
process, each with its own `requests.Session`. Every intake is a different identified person, so each
one passes the whole path: token, body model, idempotency key, RPC, rules, the unique index of open
cases, the append, the access log. Timings are reported, never asserted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import requests

from shared.reference import check_digit
from tests.bench.report import percentile, table, write_section
from tests.support.infrastructure import ADMIN_URL, create_namespace, create_vhost, delete_vhost, destroy_namespace
from tests.support.proof import public_keys_config, signing_key_config
from tests.support.stack import PRINCIPALS_FILE, free_port, principal_token
from tests.support.waiting import wait_until

pytestmark = pytest.mark.bench

CLIENTS = 16
WARM_UP = 1.0  # seconds, not counted
SECONDS = 5.0  # measured
REPO = Path(__file__).resolve().parents[2]


def id_numbers():
    """Valid synthetic ID numbers, each once: birth dates from 1950 on, every sequence of a day."""
    day = dt.date(1950, 1, 1)
    while True:
        for sequence in range(1000):
            first17 = f"610502{day:%Y%m%d}{sequence:03d}"
            yield first17 + check_digit(first17)
        day += dt.timedelta(days=1)


def raw_insert_rate(schema: str, seconds: float = 3.0) -> float:
    """Single-row INSERT commits per second into a table shaped like the events table (one client)."""
    name = f"public.bench_va_{uuid.uuid4().hex[:8]}"
    body = json.dumps({"case_id": str(uuid.uuid4()), "station": "RS-610500", "note": "x" * 300})
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {name} (LIKE {schema}.events INCLUDING ALL)")
        conn.execute(f"ALTER TABLE {name} DROP COLUMN hash")  # the unchained baseline
        try:
            done, started = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - started) < seconds:
                done += 1
                conn.execute(f"INSERT INTO {name} VALUES (%s, %s, %s, 1, 'vagrant_aid.PersonTakenIn', 1,"
                             " current_date, clock_timestamp(), '[]', %s, '{}')",
                             (done, uuid.uuid4(), f"case-{done}", body))
            return done / elapsed
        finally:
            conn.execute(f"DROP TABLE {name}")


class Processes:
    """`civreg run` subprocesses on the bench's namespace and vhost, stopped by their process ids."""

    def __init__(self, namespace: str, amqp_uri: str, port: int, log_dir: str) -> None:
        self.env = {**os.environ, "DATABASE_URL": ADMIN_URL, "CIVREG_NAMESPACE": namespace, "AMQP_URI": amqp_uri,
                    "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "PRINCIPALS_FILE": str(PRINCIPALS_FILE),
                    # The run's RPC proof keys, as tests/support/processes.py passes them: without them a
                    # service process stops at start-up (no gateway public key to check proofs against).
                    **public_keys_config(), **signing_key_config()}
        self.log_dir = log_dir
        self.started: list[subprocess.Popen] = []
        self.names: list[str] = []

    def start(self, service: str) -> None:
        log = open(Path(self.log_dir) / f"{service}.log", "wb")  # noqa: SIM115 - closed with the process
        self.names.append(service)
        self.started.append(subprocess.Popen([sys.executable, "-m", "services.cli", "run", service], cwd=REPO,
                                             env=self.env, stdout=log, stderr=subprocess.STDOUT))

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) each process has used so far; empty where /proc is not available."""
        used = {}
        for name, process in zip(self.names, self.started, strict=True):
            try:
                fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return {}
            used[name] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return used

    def stop(self) -> None:
        for process in self.started:
            process.terminate()
        for process in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def test_vagrant_aid_intake_benchmark():
    namespace = create_namespace(("vagrant_aid", "gateway"))
    vhost = create_vhost()
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1/vagrant-aid"
    token = principal_token("relief_staff", office="RS-610500")
    logs = tempfile.TemporaryDirectory(prefix="bench-vagrant-aid-")
    processes = Processes(namespace.name, vhost, port, logs.name)
    try:
        raw_rate = raw_insert_rate(f"{namespace.name}_vagrant_aid")
        processes.start("vagrant_aid")
        processes.start("gateway")
        headers = {"Authorization": f"Bearer {token}"}
        try:
            wait_until(lambda: _status(f"{url}/stations", headers) == 200, timeout=60, what="gateway and service")
        except AssertionError:
            for log in sorted(Path(logs.name).iterdir()):
                print(log.name, log.read_text(errors="replace")[-3000:])
            raise

        numbers, lock = id_numbers(), threading.Lock()
        latencies: list[float] = []
        failures: list[int] = []
        measuring = threading.Event()
        deadline = time.perf_counter() + WARM_UP + SECONDS

        def client() -> None:
            session = requests.Session()
            while (now := time.perf_counter()) < deadline:
                with lock:
                    id_number = next(numbers)
                body = {"station": "RS-610500", "source": "walk_in", "consent": True,
                        "person": {"id_number": id_number}, "reason": "benchmark"}
                response = session.post(f"{url}/cases", json=body, timeout=30,
                                        headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
                if not measuring.is_set():
                    continue
                if response.status_code == 201:
                    latencies.append(time.perf_counter() - now)
                else:
                    failures.append(response.status_code)
                    if len(failures) == 1:
                        print("first answer other than 201:", response.status_code, response.text[:500])

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(WARM_UP)
        measuring.set()
        started, cpu_before = time.perf_counter(), processes.cpu_seconds()
        for thread in threads:
            thread.join()
        elapsed, cpu_after = time.perf_counter() - started, processes.cpu_seconds()
    finally:
        processes.stop()
        if not latencies:  # what the processes said, before their logs go
            for log in sorted(Path(logs.name).iterdir()):
                print(log.name, log.read_text(errors="replace")[-3000:])
        logs.cleanup()
        delete_vhost(vhost)
        destroy_namespace(namespace)

    # Every intake is a new person, so every answer must be 201: a pool stall answers 503/504 to some of them
    # while others still succeed, and a benchmark that accepted that would measure a defect as a rate.
    assert latencies and not failures, f"{len(failures)} intakes not answered 201: {sorted(set(failures))[:5]}"
    rate = len(latencies) / elapsed
    cpu = ", ".join(f"{name} {(cpu_after[name] - cpu_before[name]) / max(len(latencies), 1) * 1000:.1f} ms"
                    for name in cpu_after if name in cpu_before) or "not measured"
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    rows = [
        ("raw INSERT of an event-shaped row, one per commit, 1 client (baseline)", f"{raw_rate:,.0f} rows/s",
         "1.00"),
        (f"POST /v1/vagrant-aid/cases through the gateway, {CLIENTS} clients", f"{rate:,.0f} intakes/s",
         f"{rate / raw_rate:.2f}"),
    ]
    body = table(rows, ("measurement", "rate", "ratio to the baseline")) + f"""

Intake latency at the client, {len(latencies):,} intakes over {elapsed:.1f} s: p50 {p50:.1f} ms,
p99 {p99:.1f} ms; {len(failures)} answers other than 201. CPU time per intake: {cpu}.

The gateway and the vagrant_aid service run as separate `civreg run` processes beside PostgreSQL and
RabbitMQ on the same machine; the {CLIENTS} clients are threads of the benchmark process. Every intake is a
new identified person, so each passes the whole path: bearer token, body model, Idempotency-Key claim,
RPC over RabbitMQ, the rules, the watch-list lookup, the append with the `cases` row (unique index of open
cases) in one transaction, the access log, and the outbox relay publishing the event. The limit is CPU,
not commits: the two Python processes spend the CPU time above on every intake (nameko RPC, validation,
JSON logs, the relay's confirmed publish), on {os.cpu_count()} cores shared with PostgreSQL, RabbitMQ and the
clients. More service processes (competing RPC consumers) and gateways behind a balancer would spread it
(not measured here).
"""
    write_section("vagrant_aid", "Vagrant aid: intakes through the gateway", body)
    print(body)


def _status(url: str, headers: dict[str, str]) -> int:
    try:
        return requests.get(url, headers=headers, timeout=2).status_code
    except requests.RequestException:
        return 0
