"""Timeline benchmark (docs/benchmarks.md): the projector live (events consumed and applied per second) and
in a rebuild (events replayed per second), timeline queries for a person with 200 events under 16
concurrent readers through the gateway, and the lag from a source commit to the timeline — each beside the
raw reads of the same PostgreSQL measured in the same run. Timings are reported, never asserted."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
import requests
from kombu import Connection, Queue

from services.timeline.adapters import projection
from services.timeline.adapters.rebuild import Rebuild
from services.timeline.sources import SOURCES
from shared.db import schema_name
from shared.envelope import Metadata, NewEvent, Subject
from shared.eventstore.postgres import PostgresEventStore
from shared.messaging import event_exchange
from shared.nameko_ext import EventSourcedService
from tests.bench.report import percentile, table, write_section
from tests.bench.test_funeral_bench import quiet_logs
from tests.bench.test_vagrant_aid_bench import Processes
from tests.e2e.timeline.support import ChildWelfareRelay, MarriageRelay
from tests.support.services import running, service_config
from tests.support.stack import free_port, principal_token
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.bench

LIVE_EVENTS = 5_000
REBUILD_EVENTS = 60_000
PERSON_EVENTS = 200
READERS = 16
SECONDS = 5.0
LAG_SAMPLES = 200
BATCH = 500


class FuneralRelay(EventSourcedService):
    """The funeral store's outbox relay alone: the lag samples are funeral events."""

    name = "funeral"


def populate(store: PostgresEventStore, count: int, person: str | None = None, every: int = 0,
             per_stream: int = BATCH) -> None:
    """`count` marriage registrations in streams of `per_stream` events; `person` is a party of every
    `every`-th."""
    made = 0
    while made < count:
        stream = f"registration-{uuid.uuid4()}"
        events = []
        for n in range(min(per_stream, count - made)):
            party = person if person and every and (made + n) % every == 0 else synthetic_id_number()
            day = dt.date(2000, 1, 1) + dt.timedelta(days=(made + n) % 9000)
            events.append(NewEvent(type="marriage.MarriageRegistered", occurred_on=day,
                                   subjects=(Subject(id=party, role="party"),
                                             Subject(id=synthetic_id_number(sex="female"), role="party")),
                                   payload={"registration_id": str(uuid.uuid4()), "office": "MR-610502",
                                            "registered_on": day.isoformat(), "cross_county": False},
                                   metadata=Metadata(actor="bench", office="MR-610502")))
        store.append(stream, events, None)
        made += len(events)


def raw_read_rate(db) -> float:  # noqa: ANN001
    """Baseline: every event of the marriage store read back in order through a server-side cursor."""
    with db.transaction() as conn, conn.cursor(name="bench_raw_read") as cursor:
        started = time.perf_counter()
        cursor.itersize = 5000
        cursor.execute("SELECT global_position, event_id, stream_id, stream_version, event_type, occurred_on,"
                       " recorded_at, subjects::text, payload::text, metadata::text FROM events"
                       " ORDER BY global_position")
        count = sum(len(rows) for rows in iter(lambda: cursor.fetchmany(5000), []))
        return count / (time.perf_counter() - started)


def concurrent_latencies(call, seconds: float = SECONDS, readers: int = READERS) -> list[float]:  # noqa: ANN001
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def reader(_: int) -> None:
        state = call()
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            state()
            with lock:
                latencies.append(time.perf_counter() - started)

    with ThreadPoolExecutor(max_workers=readers) as pool:
        list(pool.map(reader, range(readers)))
    return latencies


def test_timeline_benchmarks(fresh_namespace, vhost):
    namespace = fresh_namespace()
    timeline_role = schema_name(namespace.name, "timeline")
    marriage = PostgresEventStore(namespace.database("marriage", max_size=4))
    funeral = PostgresEventStore(namespace.database("funeral", max_size=4))
    timeline_db = namespace.database("timeline", max_size=20)
    person = synthetic_id_number()
    # Live: one event a stream, like registrations; the rebuild's extra history comes in long streams.
    populate(marriage, LIVE_EVENTS, person, every=LIVE_EVENTS // PERSON_EVENTS, per_stream=1)
    with Connection(vhost) as connection:  # the exchanges' other consumers, as `civreg declare` would make them
        for source in ("marriage", "funeral"):
            Queue(f"bench-{source}-sink", exchange=event_exchange(source), routing_key="#")(connection).declare()
    port = free_port()
    logs = tempfile.TemporaryDirectory(prefix="bench-timeline-")
    processes = Processes(namespace.name, vhost, port, logs.name)
    settings = service_config(namespace, vhost)
    url = f"http://127.0.0.1:{port}/v1/persons/{person}/timeline"
    headers = {"Authorization": f"Bearer {principal_token('admin')}"}
    try:
        with quiet_logs(), ExitStack() as relays:
            # The gateway and the timeline run as `civreg run` processes, as `make up` starts them; the source
            # services' outbox relays run in this process.
            processes.start("timeline")
            processes.start("gateway")
            wait_until(lambda: processes.cpu_seconds().get("timeline", 0) > 0, what="the timeline process")
            started, live_cpu = time.perf_counter(), processes.cpu_seconds()
            for relay in (MarriageRelay, FuneralRelay, ChildWelfareRelay):
                relays.enter_context(running(relay, settings))

            def projected() -> bool:
                with timeline_db.connection() as conn:
                    done = projection.checkpoints(conn, projection.live_generation(conn))
                return done.get("marriage") == LIVE_EVENTS

            wait_until(projected, timeout=600, interval=0.2, what="the live backlog")
            live_rate = LIVE_EVENTS / (time.perf_counter() - started)
            live_cpu_ms = {name: (seconds - live_cpu.get(name, 0)) * 1000 / LIVE_EVENTS
                           for name, seconds in processes.cpu_seconds().items() if name == "timeline"}

            # Queries: one person's 200-event timeline through the gateway, beside raw SQL reads.
            wait_until(lambda: requests.get(url, headers=headers, timeout=30).status_code == 200, timeout=60,
                       what="the gateway")
            assert len(requests.get(url, headers=headers, timeout=30).json()["entries"]) == PERSON_EVENTS

            def http_reader():  # noqa: ANN202
                session = requests.Session()
                return lambda: session.get(url, headers=headers, timeout=30).raise_for_status()

            def sql_reader():  # noqa: ANN202
                def read() -> None:
                    with timeline_db.connection() as conn:
                        conn.execute("SELECT e.* FROM entry_subjects s JOIN entries e USING (generation, source,"
                                     " global_position) WHERE s.generation = 1 AND s.subject_id = %s",
                                     (person,)).fetchall()
                return read

            concurrent_latencies(http_reader, 1.0)  # warm-up
            alone = concurrent_latencies(http_reader, SECONDS, readers=1)
            cpu_before = processes.cpu_seconds()
            http = concurrent_latencies(http_reader)
            cpu_after = processes.cpu_seconds()
            cpu_ms = {name: (cpu_after[name] - cpu_before[name]) * 1000 / len(http) for name in cpu_after}
            raw = concurrent_latencies(sql_reader)

            # Lag: a commit in the funeral store until its entry is on the timeline.
            lags = []
            for n in range(LAG_SAMPLES):
                subject = synthetic_id_number()
                event = funeral.append(f"death-lag{n}", [NewEvent(
                    type="funeral.DeathRegistered", occurred_on=dt.date(2025, 1, 1),
                    subjects=(Subject(id=subject, role="deceased"),), payload={"death_id": f"lag{n}"})], None)[0]
                committed = time.perf_counter()
                while True:
                    with timeline_db.connection() as conn:
                        if conn.execute("SELECT 1 FROM entries WHERE source = 'funeral' AND global_position = %s",
                                        (event.global_position,)).fetchone():
                            break
                    time.sleep(0.002)
                lags.append(time.perf_counter() - committed)
                time.sleep(0.02)
    finally:
        processes.stop()

    # Rebuild: every source store replayed into a fresh generation, then switch-over.
    populate(marriage, REBUILD_EVENTS - LIVE_EVENTS)
    readers = {s: namespace.database(s, role=timeline_role, max_size=2) for s in SOURCES}
    report = Rebuild(timeline_db, readers).run()
    rebuild_rate = report.events / report.seconds
    read_rate = raw_read_rate(namespace.database("marriage", max_size=1))

    cpu_text = ", ".join(f"{name} {value:.1f} ms" for name, value in cpu_ms.items()) or "not measured"
    live_text = ", ".join(f"{value:.1f} ms" for value in live_cpu_ms.values()) or "not measured"
    ms = lambda values, q: f"{percentile(values, q) * 1000:.1f}"  # noqa: E731
    rows = [
        ("raw read of the marriage store in order, server-side cursor, the rebuild's columns (baseline)",
         f"{read_rate:,.0f} events/s", "1.00", ""),
        (f"rebuild: {report.events:,} events replayed into a fresh generation and switched over",
         f"{rebuild_rate:,.0f} events/s", f"{rebuild_rate / read_rate:.2f}", "goal ≥ 20,000/s"),
        (f"live: a backlog of {LIVE_EVENTS:,} events published, consumed and applied",
         f"{live_rate:,.0f} events/s", f"{live_rate / read_rate:.3f}", ""),
    ]
    latency = [
        (f"raw SQL read of the person's {PERSON_EVENTS} entry rows, {READERS} threads (baseline)", ms(raw, 50),
         ms(raw, 99), f"{len(raw):,}"),
        (f"GET /v1/persons/{{id}}/timeline ({PERSON_EVENTS} entries), 1 reader, through the gateway",
         ms(alone, 50), ms(alone, 99), f"{len(alone):,}"),
        (f"GET /v1/persons/{{id}}/timeline ({PERSON_EVENTS} entries), {READERS} readers, through the gateway",
         ms(http, 50), ms(http, 99), f"{len(http):,}"),
        ("commit in a source store → entry on the timeline (lag)", ms(lags, 50), ms(lags, 99), f"{len(lags)}"),
    ]
    body = (table(rows, ("measurement", "rate", "ratio to raw read", "note")) + "\n\n"
            + table(latency, ("measurement", "p50 ms", "p99 ms", "samples")) + f"""

Goals: rebuild ≥ 20,000 events/s, query p99 < 50 ms, lag p99 < 500 ms. The gateway and the timeline run as
separate `civreg run` processes; the readers are threads of the benchmark process, which also runs the
source services' outbox relays. CPU per timeline read under {READERS} readers: {cpu_text}. CPU of the
timeline process per live event (its start-up included): {live_text}. The machine (2 cores) is shared with
PostgreSQL, RabbitMQ and other work, so absolute figures are pessimistic; compare the ratios. Live
projection goes through the subscription machinery (checkpoint row per stream, processed-event record,
projection rows and the per-source checkpoint, one transaction per event). The rebuild reads each source
store with a server-side cursor and COPYs into a fresh generation. Lag is measured from the append's
commit to the entry's visibility, polling every 2 ms.
""")
    write_section("timeline", "Timeline: projector, queries, lag", body)
    print(body)
