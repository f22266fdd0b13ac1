"""`civreg audit verify|anchor`: the hash chains of every service's events and of the gateway's access log.

    civreg audit verify [--service S] [--anchor FILE]   recompute the chains; name the first broken link
    civreg audit anchor [--out FILE]                     publish today's heads: an event in every service's
                                                          store, and a file to sign and hand over

The chains and their checks are in shared/eventstore/chain.py. Verification reads as the administrator
(DATABASE_ADMIN_URL): it must see every schema, and it writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

import psycopg
from psycopg import sql

from services import SERVICES
from shared.db import Database, DatabaseSettings, schema_name
from shared.envelope import Metadata, NewEvent
from shared.eventstore.chain import (
    ANCHOR_STREAM,
    ANCHOR_TYPE,
    Anchor,
    Chain,
    ChainReport,
    access_log_chain,
    anchor_document,
    anchors_in,
    event_chain,
    heads,
    stored_anchors,
    verify_chain,
)
from shared.eventstore.postgres import PostgresEventStore


def chains(namespace: str, service: str | None = None) -> list[Chain]:
    """Every hash chain of a namespace (or of one service): each service's events, the gateway's access log."""
    found = []
    for spec in SERVICES:
        if service and spec.name != service:
            continue
        schema = schema_name(namespace, spec.name)
        found.append(event_chain(spec.name, schema) if spec.event_store else access_log_chain(schema))
    return found


def existing(conn: psycopg.Connection, candidates: Sequence[Chain]) -> list[Chain]:
    """The chains whose table exists (a namespace may hold only some services)."""
    return [chain for chain in candidates
            if conn.execute("SELECT to_regclass(%s)", (f'"{chain.schema}"."{chain.table}"',)).fetchone()[0]]


def verify(admin_url: str, namespace: str, service: str | None = None,
           anchor_file: Path | None = None, jobs: int = 1) -> list[ChainReport]:
    """`jobs` > 1: each chain's key range is cut into that many spans, verified at once on as many
    connections, every one of them in the first connection's snapshot (`pg_export_snapshot`)."""
    # One snapshot for every chain, so that the anchors read are checked against the same state.
    with psycopg.connect(admin_url, autocommit=True) as conn, conn.transaction(), ExitStack() as stack:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        workers = [_in_snapshot(stack, admin_url, snapshot) for _ in range(max(1, jobs) - 1)]
        everything = existing(conn, chains(namespace))
        anchors: list[Anchor] = stored_anchors(conn, everything)
        if anchor_file is not None:
            anchors += anchors_in(json.loads(anchor_file.read_text(encoding="utf-8")), anchor_file.name)
        return [verify_chain(conn, chain, anchors, workers) for chain in everything
                if service in (None, chain.service)]


def _in_snapshot(stack: ExitStack, admin_url: str, snapshot: str) -> psycopg.Connection:
    """A read-only connection that sees exactly what the verifying connection sees."""
    conn = stack.enter_context(psycopg.connect(admin_url, autocommit=True))
    stack.enter_context(conn.transaction())
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
    return conn


def anchor(admin_url: str, namespace: str, out: Path | None, today: dt.date) -> tuple[dict, list[Path]]:
    """Publish the heads of every chain: as an event in every service's store, and as a file."""
    with psycopg.connect(admin_url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        everything = existing(conn, chains(namespace))
        document = anchor_document(heads(conn, everything), dt.datetime.now(dt.UTC))
    for chain in everything:
        if chain.table != "events":
            continue
        db = Database(DatabaseSettings(admin_url, chain.schema, min_size=1, max_size=1))
        try:  # as the service's own role, through the store's one append function
            PostgresEventStore(db).append(ANCHOR_STREAM, [NewEvent(
                type=f"{chain.service}.{ANCHOR_TYPE}", occurred_on=today, payload=document,
                metadata=Metadata(actor="system.audit-anchor"))], None)
        finally:
            db.close()
    written: list[Path] = []
    if out is not None:
        out.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(out)
    return document, written


def describe(reports: Sequence[ChainReport]) -> list[str]:
    lines = []
    for report in reports:
        rate = report.rows / report.seconds if report.seconds else 0
        state = "intact" if report.intact else "BROKEN"
        lines.append(f"{report.chain}: {state}, {report.rows} rows, head {report.head_position}"
                     f" {report.head_hash or '-'} ({report.seconds:.2f} s, {rate:,.0f} rows/s)")
        lines += [f"  {b}" for b in report.breaks]
    return lines
