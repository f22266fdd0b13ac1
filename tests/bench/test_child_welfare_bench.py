"""Child welfare benchmark: the payroll of one month for 10,000 confirmed children, computed from the ledger
read model (one span row per child, written in the transaction of the events that change it), beside two
baselines measured in the same run on the same events: reading them all back from the store, and replaying
every child's stream to compute the month (what a payroll without the read model would do).
Timings are reported, never asserted."""

from __future__ import annotations

import datetime as dt
import statistics
import time

import pytest

from services.child_welfare.adapters.read_models import load_standards
from services.child_welfare.application.child_welfare import ChildWelfare
from services.child_welfare.application.unit_of_work import EventIds, UnitOfWork
from services.child_welfare.contract.commands import Decide, OpenFile, RecordTownshipCheck
from services.child_welfare.domain import decide as d
from services.child_welfare.domain.file import fold
from services.child_welfare.domain.ledger import ledger, parse_month
from shared.actor import Actor
from shared.envelope import Metadata
from shared.eventstore.base import NO_STREAM
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from tests.bench.report import table, write_section
from tests.support.infrastructure import create_namespace, destroy_namespace
from tests.support.synthetic_ids import id_number_of

pytestmark = pytest.mark.bench

CHILDREN = 10_000
BATCH = 500
ROUNDS = 5
TODAY = dt.date(2025, 6, 16)
MONTH = "2025-08"
TOWNSHIP = Actor("township.610502001", "township_officer", township="610502001")  # C-3: the township checks
OFFICER = Actor("child-welfare.city", "child_welfare_officer")  # and the officer decides


def child_drafts(n: int) -> tuple[str, list]:
    """Open, check and confirm one child's file (the decide functions, so the events are the real ones)."""
    child = id_number_of(dt.date(2010, 1, 1) + dt.timedelta(days=n // 400), sequence=n % 400)
    care = "institution" if n % 3 == 0 else "dispersed"
    command = OpenFile.model_validate({
        "child": {"id_number": child, "name": "王小明", "household_division": "610502"},
        "parents": [{"name": "王父", "condition": "deceased", "condition_since": "2023-01-05", "evidence_ref": "D-1"},
                    {"name": "李母", "condition": "deceased" if n % 2 else "imprisoned",
                     "condition_since": "2023-02-01", "evidence_ref": "D-2"}],
        "guardian": {"name": "王大爷", "relation": "grandfather"}, "care": care,
        "institution": "welfare_institution" if care == "institution" else None, "applied_on": "2025-05-06",
    })
    child_id = f"00000000-0000-4000-8000-{n:012d}"
    drafts = d.decide_open(command, OFFICER, dt.date(2025, 5, 6), d.NewFile(child_id, None))  # on the day applied
    file = fold(drafts)
    check = d.decide_township_check(file, RecordTownshipCheck(outcome="passed", checked_on="2025-05-12"), TOWNSHIP,
                                    dt.date(2025, 5, 12))
    file = fold(check, file)
    category = "orphan" if n % 2 else "de_facto_unattended"
    decision = d.decide_decision(file, Decide(outcome="confirmed", category=category, decided_on="2025-05-20"),
                                 OFFICER, TODAY)
    return child_id, [*drafts, *check, *decision]


def load(store: PostgresEventStore) -> float:
    started = time.perf_counter()
    metadata = Metadata(actor="bench", correlation_id="bench")
    for first in range(0, CHILDREN, BATCH):
        with store.db.transaction() as tx:
            uow = UnitOfWork(store, tx, metadata, EventIds(None))
            for n in range(first, min(first + BATCH, CHILDREN)):
                child_id, drafts = child_drafts(n)
                uow.record(f"child-{child_id}", drafts, NO_STREAM)
    return time.perf_counter() - started


def read_events(store: PostgresEventStore) -> int:
    after, count = 0, 0
    while batch := store.read_all(after, limit=5000):
        count += len(batch)
        after = batch[-1].global_position
    return count


def replay_payroll(store: PostgresEventStore) -> int:
    """Without the read model: every stream folded and its month computed."""
    month = parse_month(MONTH)
    with store.db.connection() as conn:
        standards = load_standards(conn)
    after, streams = 0, {}
    while batch := store.read_all(after, limit=5000):
        for event in batch:
            streams.setdefault(event.stream_id, []).append(event)
        after = batch[-1].global_position
    paid = 0
    for events in streams.values():
        if events[0].stream_id.startswith("child-"):
            [due] = ledger(fold(events), month, month, standards)
            paid += due.amount > 0
    return paid


def timed(action, rounds: int = ROUNDS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def test_payroll_for_10000_children_beside_reading_the_same_events():
    namespace = create_namespace(("child_welfare",))
    try:
        store = PostgresEventStore(namespace.database("child_welfare"))
        loading = load(store)
        welfare = ChildWelfare(store, Correlation("bench", None, "bench"), lambda: TODAY)

        payroll_s, payroll = timed(lambda: welfare.payroll(MONTH))
        read_s, events = timed(lambda: read_events(store))
        replay_s, replayed = timed(lambda: replay_payroll(store), rounds=1)

        assert payroll["count"] == CHILDREN == replayed  # the same answer both ways
        rows = [
            ("payroll from the ledger read model", f"{payroll_s * 1000:.0f} ms", "1.0×",
             f"{payroll['count']} payments, total {payroll['total']}"),
            ("baseline: read the same events", f"{read_s * 1000:.0f} ms", f"{read_s / payroll_s:.1f}×",
             f"{events} events"),
            ("baseline: replay every stream and compute", f"{replay_s * 1000:.0f} ms",
             f"{replay_s / payroll_s:.1f}×", f"{replayed} payments"),
        ]
        write_section("child_welfare", "Child welfare: payroll of one month, 10,000 children", f"""
{CHILDREN} confirmed children (three events each: opened, checked, confirmed; mixed categories and care),
loaded through the service's own unit of work in {loading:.1f} s. `GET /payroll?month={MONTH}` is answered
from `allowance_spans` (one row per child in a quiet month, written in the events' transaction) and the
standards; the baselines read the same {events} events back from the store, and replay every stream to
compute the same month. Median of {ROUNDS} runs (replay: 1 run), on a machine shared with other work: compare
the ratios.

{table(rows, ("what", "time", "× payroll", "result"))}
""")
    finally:
        destroy_namespace(namespace)
