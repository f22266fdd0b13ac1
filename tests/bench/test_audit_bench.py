"""`civreg audit verify` over one million events (issue 14: ≥ 100,000 events/s), beside a raw ordered read of
the same rows into the client, the floor of any verification that reads the rows."""

from __future__ import annotations

import os
import time
from pathlib import Path

import psycopg
import pytest

from services.audit import verify
from tests.bench.report import table, write_section
from tests.support.infrastructure import ADMIN_URL, create_namespace, destroy_namespace

pytestmark = pytest.mark.bench

EVENTS = int(os.environ.get("AUDIT_BENCH_EVENTS", "1000000"))
JOBS = int(os.environ.get("AUDIT_BENCH_JOBS", str(max(2, os.cpu_count() or 2))))  # `civreg audit verify --jobs`


def populate(schema: str, count: int) -> float:
    """Events shaped like a marriage registration's, 10,000 per statement, hashed as the append functions
    hash them (the chain aggregate over the new rows, from the stored head)."""
    started = time.perf_counter()
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {schema}")
        for first in range(1, count + 1, 10_000):
            last = min(count, first + 9_999)
            conn.execute(
                "INSERT INTO events SELECT r.*, chain_hashes((SELECT hash FROM events WHERE global_position = %s),"
                " event_canonical(r.n, r.id, r.stream, 1, r.type, 1, r.day, r.at, r.subjects, r.payload, r.metadata))"
                " OVER (ORDER BY r.n) FROM (SELECT n, gen_random_uuid() AS id, 'marriage-' || n AS stream,"
                " 1 AS version, 'marriage.MarriageRegistered' AS type, 1 AS schema_version,"
                " date '2020-01-01' + (n %% 2000)::integer AS day, clock_timestamp() AS at,"
                " jsonb_build_array(jsonb_build_object('id', '6105021990' || lpad((n %% 100000000)::text, 8, '0'),"
                " 'role', 'husband'), jsonb_build_object('id', '6105021991' || lpad((n %% 100000000)::text, 8, '0'),"
                " 'role', 'wife')) AS subjects,"
                " jsonb_build_object('registration_id', 'R' || n, 'office', 'MR-610502', 'registered_on',"
                " '2020-01-01', 'parties', jsonb_build_array(jsonb_build_object('name', '张三', 'id_number', 'x'),"
                " jsonb_build_object('name', '李四', 'id_number', 'y')), 'cross_county', false) AS payload,"
                " jsonb_build_object('actor', 'marriage.clerk.MR-610502', 'office', 'MR-610502') AS metadata"
                " FROM generate_series(%s::bigint, %s::bigint) AS n) r ORDER BY r.n", (first - 1, first, last))
    return time.perf_counter() - started


def raw_read(schema: str) -> tuple[int, float]:
    started = time.perf_counter()
    rows = 0
    with psycopg.connect(ADMIN_URL) as conn, conn.cursor(name="raw") as cursor:
        cursor.itersize = 10_000
        cursor.execute(f"SELECT * FROM {schema}.events ORDER BY global_position")
        for _ in cursor:
            rows += 1
    return rows, time.perf_counter() - started


def rendered_read(schema: str) -> float:
    """Every row read in order and rendered as text inside PostgreSQL, nothing shipped: the floor of a
    verification that must render each row's bytes."""
    started = time.perf_counter()
    with psycopg.connect(ADMIN_URL) as conn:
        conn.execute(f"SELECT sum(length(e::text)) FROM (SELECT * FROM {schema}.events ORDER BY global_position) e")
    return time.perf_counter() - started


def test_verify_a_million_events_beside_a_raw_ordered_read():
    load = Path("/proc/loadavg").read_text().split()[:3]
    namespace = create_namespace(("marriage",))
    schema = f"{namespace.name}_marriage"
    try:
        load_seconds = populate(schema, EVENTS)
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"VACUUM ANALYZE {schema}.events")
        raw_rows, raw_seconds = raw_read(schema)
        rendered_seconds = rendered_read(schema)
        (report,) = verify(ADMIN_URL, namespace.name, "marriage")
        (spans,) = verify(ADMIN_URL, namespace.name, "marriage", jobs=JOBS)
        assert report.intact and spans.intact and report.rows == spans.rows == raw_rows == EVENTS
    finally:
        destroy_namespace(namespace)

    rows = [
        ("chained append (INSERT … SELECT with the chain aggregate, 10,000 per statement)",
         f"{EVENTS / load_seconds:,.0f}", f"{load_seconds:.1f}"),
        ("raw ordered read of every row into the client (baseline)", f"{raw_rows / raw_seconds:,.0f}",
         f"{raw_seconds:.1f}"),
        ("ordered read rendering every row as text inside PostgreSQL, nothing shipped (baseline)",
         f"{raw_rows / rendered_seconds:,.0f}", f"{rendered_seconds:.1f}"),
        ("`civreg audit verify` (every link recomputed in one ordered pass)", f"{report.rows / report.seconds:,.0f}",
         f"{report.seconds:.1f}"),
        (f"`civreg audit verify --jobs {JOBS}` (the key range in {JOBS} spans, one connection each, one snapshot)",
         f"{spans.rows / spans.seconds:,.0f}", f"{spans.seconds:.1f}"),
    ]
    write_section("audit", f"Audit chain: verifying {EVENTS:,} events",
                  table(rows, ("what", "events/s", "seconds")) + f"""

Goal (issue 14): verify ≥ 100,000 events/s. Load average when the run began: {" ".join(load)} (2 cores).
Verification never ships the rows to a client: each span is one ordered pass inside PostgreSQL that renders
every row's canonical bytes, hashes them after its predecessor's hash and counts the rows that do not
follow (shared/eventstore/chain.py); the raw read ships every row to this process, so it is Python-bound
while verification is bound by PostgreSQL's rendering of the rows (`event_canonical`).""")
    print("\n".join(" | ".join(row) for row in rows))
