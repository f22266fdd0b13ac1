"""Funeral benchmark: death registrations per second through the real gateway (HTTP → RPC → one transaction
of event + inline read models), 16 concurrent clients, beside the raw PostgreSQL commit rate measured in the
same run (docs/benchmarks.md). Timings are reported, never asserted."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
import pytest
import requests
import structlog
from kombu import Connection, Queue

from services.funeral.service import FuneralService
from shared.business_dates import local_today
from shared.messaging import event_exchange
from tests.bench.report import percentile, table, write_section
from tests.support.infrastructure import ADMIN_URL
from tests.support.stack import principal_token, running_stack
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.bench

SECONDS = 5.0
CLIENTS = 16


def raw_commit_rate(schema: str, seconds: float = SECONDS) -> float:
    """Single-row INSERTs of an event-shaped row into a copy of the events table, one commit each."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as raw:
        table_name = f"public.bench_funeral_raw_{uuid.uuid4().hex[:8]}"
        raw.execute(f"CREATE TABLE {table_name} (LIKE {schema}.events INCLUDING ALL)")
        raw.execute(f"ALTER TABLE {table_name} DROP COLUMN hash")  # the unchained baseline
        try:
            payload = json.dumps({"death_id": str(uuid.uuid4()), "died_on": "2025-06-14", "natural": True,
                                  "certificate_no": "F6105020001", "issuer": "渭南市中心医院"})
            subjects = json.dumps([{"id": "610502199001010011", "role": "deceased"}])
            done, started = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - started) < seconds:
                done += 1
                raw.execute(f"INSERT INTO {table_name} VALUES (%s, %s, %s, 1, 'funeral.DeathRegistered', 1,"
                            " '2025-06-14', clock_timestamp(), %s, %s, '{}')",
                            (done, uuid.uuid4(), f"death-{done}", subjects, payload))
            return done / elapsed
        finally:
            raw.execute(f"DROP TABLE {table_name}")


def registrations(base_url: str, clients: int, seconds: float = SECONDS) -> tuple[float, list[float], int]:
    """Each client registers deaths of fresh persons back to back over its own HTTP session."""
    authorization = {"Authorization": f"Bearer {principal_token('funeral_staff', 'FH-610502')}"}
    died_on = (local_today() - dt.timedelta(days=1)).isoformat()
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(_: int) -> None:
        nonlocal failures
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                body = {"id_number": synthetic_id_number(), "died_on": died_on, "place_division": "610502",
                        "certificate_no": "F6105020001", "issuer": "渭南市中心医院", "natural": True,
                        "funeral_home": "FH-610502"}
                started = time.perf_counter()
                response = session.post(f"{base_url}/v1/funeral/deaths", json=body, headers=authorization, timeout=30)
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


@contextmanager
def quiet_logs() -> Iterator[None]:
    """Log at INFO as services do in production, not structlog's default DEBUG to the terminal."""
    saved = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    try:
        yield
    finally:
        structlog.configure(**saved)


def test_funeral_benchmarks(fresh_namespace, vhost):
    namespace = fresh_namespace()
    raw_rate = raw_commit_rate(namespace.database("funeral").schema)
    # Consumers' queues exist in production (`civreg declare`): a sink stands in for them, so that the relay
    # publishes routable messages rather than logging every one as returned.
    with Connection(vhost) as connection:
        Queue("bench-funeral-sink", exchange=event_exchange("funeral"), routing_key="#")(connection).declare()
    with quiet_logs(), running_stack(namespace, vhost, [FuneralService],
                                         DATABASE_POOL={"MAX_SIZE": 10}) as api:
        registrations(api.base_url, 4, seconds=1.0)  # warm-up: pools, RPC reply queue
        single_rate, single_latencies, _ = registrations(api.base_url, 1)
        rate, latencies, failures = registrations(api.base_url, CLIENTS)
    assert failures == 0 and latencies

    rows = [
        ("raw INSERT of an event-shaped row, one per commit (baseline)", f"{raw_rate:,.0f}/s", "1.00", "", ""),
        ("POST /v1/funeral/deaths, 1 client", f"{single_rate:,.0f}/s", f"{single_rate / raw_rate:.2f}",
         f"{percentile(single_latencies, 50) * 1000:.1f}", f"{percentile(single_latencies, 99) * 1000:.1f}"),
        (f"POST /v1/funeral/deaths, {CLIENTS} clients", f"{rate:,.0f}/s", f"{rate / raw_rate:.2f}",
         f"{percentile(latencies, 50) * 1000:.1f}", f"{percentile(latencies, 99) * 1000:.1f}"),
    ]
    body = table(rows, ("measurement", "rate", "ratio to baseline", "p50 ms", "p99 ms")) + f"""

Each registration is one HTTP request through the gateway (bearer token, body model, access-log row; no
Idempotency-Key) and one nameko RPC to the funeral service, which validates the ID number and, in one
transaction, checks the person is not already deceased, appends `funeral.DeathRegistered` and writes the
inline read models (`deaths`, `person_deaths`); the outbox relay then publishes the event with confirms.
The 16-client run registered {len(latencies):,} distinct persons in {SECONDS:.0f} s, each client on its own
HTTP session. Clients, gateway and funeral service run in the benchmark's one process (the stack of
tests/support/stack.py, development settings: 10 nameko workers and 10 pooled connections per service),
so they share one core's worth of Python; the raw baseline is one single-row INSERT per commit in the same
PostgreSQL, measured in the same run.
"""
    write_section("funeral", "Funeral: death registrations through the gateway", body)
    print(body)
