"""Marriage benchmark: registrations per second through the real gateway (HTTP → RPC → one transaction of
event + inline read models) with 16 concurrent clients, and historical-import records per second through
`civreg marriage-import` (100,000 records from a CSV file), each beside a raw PostgreSQL baseline measured in
the same run (docs/benchmarks.md). Timings are reported, never asserted."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import requests
from kombu import Connection, Queue
from nameko.standalone.rpc import ClusterRpcProxy

from services.marriage.service import MarriageService
from shared.messaging import event_exchange
from tests.bench.report import percentile, table, write_section
from tests.bench.test_funeral_bench import quiet_logs
from tests.integration.marriage.helpers import paper_rows, write_csv
from tests.support.infrastructure import ADMIN_URL
from tests.support.stack import principal_token, running_stack
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.bench

SECONDS = 5.0
CLIENTS = 16
IMPORT_RECORDS = 100_000
IMPORT_BATCH = 1000
IMPORT_WORKERS = 2
OFFICES = ("MR-610502", "MR-610503", "MR-610522", "MR-610523", "MR-610524", "MR-610525", "MR-610526", "MR-610527",
           "MR-610528", "MR-610581", "MR-610582")
PAYLOAD = json.dumps({"registration_id": str(uuid.uuid4()), "office": "MR-610502", "registered_on": "2025-06-16",
                      "parties": [{"id_number": "610502199001010011", "sex": "male", "household_division": "610502",
                                   "name": "王小明"},
                                  {"id_number": "61050219900101002X", "sex": "female",
                                   "household_division": "610502", "name": "李小红"}],
                      "certificates": [{"number": "J610502-2025-0000001", "id_number": "610502199001010011"},
                                       {"number": "J610502-2025-0000002", "id_number": "61050219900101002X"}],
                      "cross_county": False, "imported": False})
SUBJECTS = json.dumps([{"id": "610502199001010011", "role": "party"}, {"id": "61050219900101002X", "role": "party"}])


def raw_rates(schema: str) -> tuple[float, float]:
    """Event-shaped rows into a copy of the events table (its constraints and indexes, with the subjects
    index the marriage schema adds): one INSERT per commit for SECONDS; then IMPORT_RECORDS rows in
    multi-row INSERTs of IMPORT_BATCH rows, one commit per batch."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as raw:
        table_name = f"public.bench_marriage_raw_{uuid.uuid4().hex[:8]}"
        raw.execute(f"CREATE TABLE {table_name} (LIKE {schema}.events INCLUDING ALL)")
        try:
            done, started = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - started) < SECONDS:
                done += 1
                raw.execute(f"INSERT INTO {table_name} VALUES (%s, %s, %s, 1, 'marriage.MarriageRegistered', 1,"
                            " '2025-06-16', clock_timestamp(), %s, %s, '{}')",
                            (done, uuid.uuid4(), f"marriage-{done}", SUBJECTS, PAYLOAD))
            single = done / elapsed
            started, position = time.perf_counter(), 10**9
            for _ in range(IMPORT_RECORDS // IMPORT_BATCH):
                rows = [(position := position + 1, uuid.uuid4(), f"marriage-b{position}", SUBJECTS, PAYLOAD)
                        for _ in range(IMPORT_BATCH)]
                values = ",".join(["(%s, %s, %s, 1, 'marriage.MarriageRegistered', 1, '1985-10-01',"
                                   " clock_timestamp(), %s, %s, '{}')"] * IMPORT_BATCH)
                with raw.transaction():
                    raw.execute(f"INSERT INTO {table_name} VALUES {values}", [v for row in rows for v in row])
            batched = IMPORT_RECORDS / (time.perf_counter() - started)
            return single, batched
        finally:
            raw.execute(f"DROP TABLE {table_name}")


def registrations(base_url: str, clients: int, seconds: float = SECONDS) -> tuple[float, list[float], int]:
    """Each client is a clerk at one office registering fresh couples back to back on its own session."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(n: int) -> None:
        nonlocal failures
        office = OFFICES[n % len(OFFICES)]
        headers = {"Authorization": f"Bearer {principal_token('marriage_clerk', office)}"}
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                body = {"office": office, "declaration_signed": True,
                        "parties": [{"id_number": synthetic_id_number(sex="male"), "name": "王小明"},
                                    {"id_number": synthetic_id_number(sex="female"), "name": "李小红"}]}
                started = time.perf_counter()
                response = session.post(f"{base_url}/v1/marriage/registrations", json=body, headers=headers,
                                        timeout=30)
                elapsed = time.perf_counter() - started
                with lock:
                    if response.status_code == 201:
                        latencies.append(elapsed)
                    else:
                        failures += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    return len(latencies) / (time.perf_counter() - started), latencies, failures


def rpc_registrations(amqp_uri: str, clients: int, seconds: float = SECONDS) -> tuple[float, list[float]]:
    """The same registrations as nameko RPC calls straight to the service, without the gateway and HTTP:
    how much of a request's cost is the service's own."""
    clerk = {"name": "clerk.MR-610502", "role": "marriage_clerk", "office": "MR-610502"}
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(_: int) -> None:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
            while time.perf_counter() < deadline:
                body = {"office": "MR-610502", "declaration_signed": True,
                        "parties": [{"id_number": synthetic_id_number(sex="male"), "name": "王小明"},
                                    {"id_number": synthetic_id_number(sex="female"), "name": "李小红"}]}
                started = time.perf_counter()
                rpc.marriage.register_marriage(body, clerk, None)
                with lock:
                    latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    return len(latencies) / (time.perf_counter() - started), latencies


def cli_import(namespace: str, path: Path) -> tuple[float, int, str]:
    """`civreg marriage-import` in a process of its own: records/s and the process's peak memory (KiB)."""
    env = {**os.environ, "DATABASE_URL": ADMIN_URL, "CIVREG_NAMESPACE": namespace}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "services.cli", "marriage-import", str(path), "--batch-size",
                           str(IMPORT_BATCH), "--workers", str(IMPORT_WORKERS)],
                          env=env, capture_output=True, text=True, timeout=900, check=True)
    elapsed = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return IMPORT_RECORDS / elapsed, peak, done.stdout.strip().splitlines()[-1]


def test_marriage_benchmarks(fresh_namespace, vhost, tmp_path):
    namespace = fresh_namespace("marriage", "gateway")
    raw_single, raw_batched = raw_rates(namespace.database("marriage").schema)
    with Connection(vhost) as connection:  # stands in for the consumers' queues (`civreg declare`)
        Queue("bench-marriage-sink", exchange=event_exchange("marriage"), routing_key="#")(connection).declare()
    with quiet_logs(), running_stack(namespace, vhost, [MarriageService]) as api:
        registrations(api.base_url, 4, seconds=1.0)  # warm-up: pools, RPC reply queue
        single_rate, single_latencies, _ = registrations(api.base_url, 1)
        rate, latencies, failures = registrations(api.base_url, CLIENTS)
        rpc_rate, rpc_latencies = rpc_registrations(vhost, CLIENTS)
    assert failures == 0 and latencies

    path = tmp_path / "paper.csv"
    write_csv(path, paper_rows(IMPORT_RECORDS, division="610526"))
    import_rate, peak_kib, summary = cli_import(namespace.name, path)
    with namespace.admin("marriage").connection() as conn:
        imported = conn.execute("SELECT count(*) FROM marriages WHERE imported").fetchone()[0]
    assert imported == IMPORT_RECORDS, summary

    ms = 1000
    rows = [
        ("raw INSERT of an event-shaped row, one per commit (baseline)", f"{raw_single:,.0f}/s", "1.00", "", ""),
        ("POST /v1/marriage/registrations, 1 client", f"{single_rate:,.0f}/s", f"{single_rate / raw_single:.2f}",
         f"{percentile(single_latencies, 50) * ms:.1f}", f"{percentile(single_latencies, 99) * ms:.1f}"),
        (f"POST /v1/marriage/registrations, {CLIENTS} clients", f"{rate:,.0f}/s", f"{rate / raw_single:.2f}",
         f"{percentile(latencies, 50) * ms:.1f}", f"{percentile(latencies, 99) * ms:.1f}"),
        (f"the same by nameko RPC straight to the service (no gateway, no HTTP), {CLIENTS} clients",
         f"{rpc_rate:,.0f}/s", f"{rpc_rate / raw_single:.2f}", f"{percentile(rpc_latencies, 50) * ms:.1f}",
         f"{percentile(rpc_latencies, 99) * ms:.1f}"),
        (f"raw multi-row INSERT of event-shaped rows, {IMPORT_BATCH} per commit (baseline)",
         f"{raw_batched:,.0f}/s", "1.00", "", ""),
        (f"civreg marriage-import, {IMPORT_RECORDS:,} records, {IMPORT_BATCH} per transaction, "
         f"{IMPORT_WORKERS} at once",
         f"{import_rate:,.0f}/s", f"{import_rate / raw_batched:.2f}", "", ""),
    ]
    body = table(rows, ("measurement", "rate", "ratio to its baseline", "p50 ms", "p99 ms")) + f"""

A registration is one HTTP request through the gateway (bearer token, body model, access-log row; no
Idempotency-Key) and one nameko RPC to the marriage service, which validates both ID numbers and, in one
transaction, reads both persons' facts and two certificate serials in one statement, appends
`marriage.MarriageRegistered` and writes the inline read models (`marriages`, both `current_marriages` rows —
the M-3 key —, both `certificates`) in one more statement; the outbox relay then publishes with confirms. The
16 clients are clerks of the 11 offices, each on its own HTTP session, registering {len(latencies):,} distinct
couples in {SECONDS:.0f} s. The RPC row sends the same command from 16 nameko standalone proxies, without the
gateway: the service's own share of a request. Clients, gateway and service share the benchmark's one process
(tests/support/stack.py: 10 nameko workers, 10 pooled connections), on a 2-core machine shared with other work.

The import ran `civreg marriage-import` in a process of its own on a {IMPORT_RECORDS:,}-row CSV ({summary}),
the process start included: the next batch is parsed and checked while {IMPORT_WORKERS} batches are being
committed, each transaction of {IMPORT_BATCH} records making one lookup statement (persons, certificate
numbers, conflicts recorded before) and one statement that appends every record as its own stream
(`append_new_streams`, under the store's append lock) and writes the read-model rows. A record writes six
rows (the event, the marriage, two current-marriage rows, two certificates) and their index entries where the
baseline writes one, which bounds the ratio. Peak memory of the importing process:
{peak_kib / 1024:,.0f} MiB (the file is streamed; at most three batches are held).
"""
    write_section("marriage", "Marriage: registrations through the gateway and the historical import", body)
    print(body)
