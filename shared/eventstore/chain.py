"""Tamper evidence: verifying the hash chains and anchoring their heads (issue 14, `civreg audit`).

Every service's `events` (shared/migrations/0003_hash_chain.sql) and the gateway's `access_log`
(services/gateway/migrations/0002_access_log_chain.sql) carry `hash = sha256(previous hash || canonical
bytes)`, computed inside PostgreSQL when the row is appended. Verification recomputes every link in one
ordered pass inside PostgreSQL (the canonical bytes are PostgreSQL's rendering of the row, so they are made
by the same code that made them at append) and compares it with the stored hash of the row and of the one
before it. What a superuser's change leaves behind:

- an edited row no longer matches its hash: broken at that row;
- a deleted row leaves a gap in the positions (events) and the next row no longer follows its predecessor;
- re-ordered rows carry their old positions in their canonical bytes: broken at the first moved row;
- a row inserted with the chain trigger disabled has no hash, or one that does not follow;
- a trigger that is disabled (or dropped) now is reported by name.

A superuser who rewrites every hash from the tampered row to the head leaves a consistent chain; the
anchors catch that: `anchor` publishes the heads of every chain as an event in every service's store (so
each store also vouches for the others) and as a file to sign and hand to an outside party, and `verify`
checks each stored anchor (and optionally such a file) against the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

ANCHOR_STREAM = "audit-anchors"
ANCHOR_TYPE = "AuditChainsAnchored"  # prefixed with the service: `marriage.AuditChainsAnchored`


@dataclass(frozen=True)
class Chain:
    """One hash-chained table: `<schema>.<table>` in the order of `key`."""

    service: str
    schema: str
    table: str
    key: str  # the order of the chain
    canonical: str  # the SQL function giving a row's canonical bytes
    dense: bool  # keys are 1, 2, 3, … (event positions): a gap is a deleted row
    triggers: tuple[str, ...]  # the triggers that keep the table append-only and chained

    @property
    def name(self) -> str:  # "marriage.events", "gateway.access_log"
        return f"{self.service}.{self.table}"


def event_chain(service: str, schema: str) -> Chain:
    return Chain(service, schema, "events", "global_position", "event_canonical", True,
                 ("events_append_only", "events_no_truncate"))


def access_log_chain(schema: str) -> Chain:
    return Chain("gateway", schema, "access_log", "id", "access_log_canonical", False,
                 ("access_log_append_only", "access_log_no_truncate", "access_log_chain"))


@dataclass(frozen=True)
class Break:
    """Where a chain is broken, and how it looks there."""

    chain: str
    position: int | None  # the first row that does not follow (None: a table-wide finding)
    reason: str  # edited | missing_rows | unchained | trigger_disabled | trigger_missing | anchor_mismatch
    detail: str

    def __str__(self) -> str:
        where = f" at {self.position}" if self.position is not None else ""
        return f"{self.chain}: BROKEN{where} ({self.reason}): {self.detail}"


@dataclass
class ChainReport:
    chain: str
    rows: int = 0
    head_position: int = 0
    head_hash: str | None = None
    broken_links: int = 0  # rows that do not follow their predecessor
    breaks: list[Break] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def intact(self) -> bool:
        return not self.breaks


def _table(chain: Chain) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(chain.schema), sql.Identifier(chain.table))


def _links(chain: Chain, bounded: bool = False) -> sql.Composed:
    """Each row with its stored hash, the hash it should have, and the key before it (in chain order).
    `bounded`: only the rows from the last one before `%(low)s` (its predecessor) up to `%(high)s`."""
    where = (" WHERE t.{key} >= coalesce((SELECT max(b.{key}) FROM {table} b WHERE b.{key} < %(low)s), %(low)s)"
             " AND t.{key} <= %(high)s") if bounded else ""
    return sql.SQL(
        "SELECT t.{key} AS key, t.hash AS stored, lag(t.{key}) OVER w AS previous,"
        " sha256(coalesce(lag(t.hash) OVER w, '\\x'::bytea) || {canonical}(t)) AS expected"
        " FROM {table} t" + where + " WINDOW w AS (ORDER BY t.{key})"
    ).format(key=sql.Identifier(chain.key), table=_table(chain),
             canonical=sql.Identifier(chain.schema, chain.canonical))


def _broken_condition(chain: Chain) -> sql.SQL:
    gap = " OR c.key <> coalesce(c.previous, 0) + 1" if chain.dense else ""
    return sql.SQL("(c.stored IS DISTINCT FROM c.expected" + gap + ")")


def _count_links(conn: psycopg.Connection, chain: Chain, span: tuple[int, int] | None = None) -> tuple[Any, ...]:
    """(rows, head key, broken links, first broken key) of the chain, or of the rows with keys in `span`
    (each checked against the row before it, also when that row lies before the span)."""
    broken = _broken_condition(chain)
    low, high = span or (0, 0)
    return conn.execute(sql.SQL(
        "SELECT count(*), max(c.key), count(*) FILTER (WHERE {broken}), min(c.key) FILTER (WHERE {broken})"
        " FROM ({links}) c" + (" WHERE c.key >= %(low)s" if span else "")).format(
            broken=broken, links=_links(chain, bounded=span is not None)),
        {"low": low, "high": high} if span else None).fetchone()


def _spans(low: int, high: int, parts: int) -> list[tuple[int, int]]:
    """[low, high] cut into `parts` consecutive key ranges of about equal width."""
    width = max(1, -(-(high - low + 1) // parts))
    return [(start, min(high, start + width - 1)) for start in range(low, high + 1, width)]


def _count_in_parallel(conn: psycopg.Connection, chain: Chain,
                       workers: Sequence[psycopg.Connection]) -> tuple[Any, ...]:
    """The same count as `_count_links`, the key range cut into one span per connection, each span counted
    at once on its own connection (all of them in one snapshot: see `services/audit.py`). PostgreSQL runs
    no window function in parallel by itself; the spans are how verification uses more than one core."""
    low, high = conn.execute(sql.SQL("SELECT min({key}), max({key}) FROM {table}").format(
        key=sql.Identifier(chain.key), table=_table(chain))).fetchone()
    if low is None:
        return 0, None, 0, None
    spans = _spans(low, high, len(workers) + 1)
    with ThreadPoolExecutor(max_workers=len(spans)) as pool:
        # A short chain may have fewer spans than connections: the spare connections stay idle.
        pairs = zip((conn, *workers), spans, strict=False)
        parts = list(pool.map(lambda pair: _count_links(pair[0], chain, pair[1]), pairs))
    firsts = [part[3] for part in parts if part[3] is not None]
    return (sum(part[0] for part in parts), max((p[1] for p in parts if p[1] is not None), default=None),
            sum(part[2] for part in parts), min(firsts, default=None))


def verify_chain(conn: psycopg.Connection, chain: Chain, anchors: Iterable[Anchor] = (),
                 workers: Sequence[psycopg.Connection] = ()) -> ChainReport:
    """Recompute one chain in a single ordered pass (or, with `workers`, one pass per key span at once);
    the first broken link, disabled triggers and anchors the chain no longer matches are the report's breaks."""
    started = time.perf_counter()
    report = ChainReport(chain.name)
    counted = _count_in_parallel(conn, chain, workers) if workers else _count_links(conn, chain)
    rows, head, broken_links, first = counted
    report.rows, report.head_position, report.broken_links = rows, head or 0, broken_links
    if head is not None:
        stored = conn.execute(sql.SQL("SELECT hash FROM {} WHERE {} = %s").format(
            _table(chain), sql.Identifier(chain.key)), (head,)).fetchone()[0]
        report.head_hash = bytes(stored).hex() if stored is not None else None
    if first is not None:
        report.breaks.append(_diagnose(conn, chain, first, broken_links))
    report.breaks += _trigger_breaks(conn, chain)
    report.breaks += _anchor_breaks(conn, chain, anchors)
    report.seconds = time.perf_counter() - started
    return report


def _diagnose(conn: psycopg.Connection, chain: Chain, key: int, broken_links: int) -> Break:
    link = conn.execute(sql.SQL("SELECT c.stored, c.previous FROM ({links}) c WHERE c.key = %s").format(
        links=_links(chain)), (key,)).fetchone()
    stored, previous = link
    more = f"; {broken_links} link(s) broken in all" if broken_links > 1 else ""
    if chain.dense and key != (previous or 0) + 1:
        first_missing = (previous or 0) + 1
        span = str(first_missing) if first_missing == key - 1 else f"{first_missing}-{key - 1}"
        return Break(chain.name, key, "missing_rows",
                     f"position(s) {span} missing before {key} (deleted or moved){more}")
    if stored is None:
        return Break(chain.name, key, "unchained", f"row {key} has no hash: written past the chain trigger{more}")
    return Break(chain.name, key, "edited",
                 f"row {key} does not match its hash given its predecessor {previous}: edited, moved or "
                 f"inserted out of the chain{more}")


def _trigger_breaks(conn: psycopg.Connection, chain: Chain) -> list[Break]:
    found = dict(conn.execute(
        "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
        (f'"{chain.schema}"."{chain.table}"',)).fetchall())
    breaks = []
    for name in chain.triggers:
        if name not in found:
            breaks.append(Break(chain.name, None, "trigger_missing", f"trigger {name} has been dropped"))
        elif found[name] == "D":
            breaks.append(Break(chain.name, None, "trigger_disabled", f"trigger {name} is disabled"))
    return breaks


# -- anchors ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Anchor:
    """A published head: this chain had this hash at this position (when `anchored_at`)."""

    chain: str
    position: int
    hash: str
    anchored_at: str
    source: str  # where the anchor was read: "marriage.events #42", a file name


def _anchor_breaks(conn: psycopg.Connection, chain: Chain, anchors: Iterable[Anchor]) -> list[Break]:
    breaks = []
    for anchor in anchors:
        if anchor.chain != chain.name or anchor.position == 0:
            continue
        row = conn.execute(sql.SQL("SELECT hash FROM {} WHERE {} = %s").format(
            _table(chain), sql.Identifier(chain.key)), (anchor.position,)).fetchone()
        stored = bytes(row[0]).hex() if row and row[0] is not None else None
        if stored != anchor.hash:
            breaks.append(Break(chain.name, anchor.position, "anchor_mismatch",
                                f"row {anchor.position} is not the one anchored at {anchor.anchored_at} "
                                f"({anchor.source}): the chain was rewritten or cut"))
    return breaks


def heads(conn: psycopg.Connection, chains: Sequence[Chain]) -> dict[str, dict[str, Any]]:
    """The head (last position and its hash) of each chain, read in one snapshot."""
    result: dict[str, dict[str, Any]] = {}
    for chain in chains:
        row = conn.execute(sql.SQL("SELECT {key}, hash FROM {table} ORDER BY {key} DESC LIMIT 1").format(
            key=sql.Identifier(chain.key), table=_table(chain))).fetchone()
        result[chain.name] = {"position": row[0], "hash": bytes(row[1]).hex()} if row else {"position": 0,
                                                                                          "hash": None}
    return result


def anchor_document(chain_heads: dict[str, dict[str, Any]], anchored_at: dt.datetime) -> dict[str, Any]:
    """What `civreg audit anchor` publishes: the heads, and the sha256 of their canonical JSON, which is what
    an outside party signs or countersigns (the file itself is also fit for `ssh-keygen -Y sign`)."""
    body = {"anchored_at": anchored_at.isoformat(), "chains": chain_heads}
    digest = hashlib.sha256(canonical_json(body).encode()).hexdigest()
    return {**body, "sha256": digest}


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def anchors_in(document: dict[str, Any], source: str) -> list[Anchor]:
    """The anchors an anchor document (an event's payload or a file) states."""
    return [Anchor(name, int(head["position"]), head["hash"], document["anchored_at"], source)
            for name, head in document.get("chains", {}).items() if head.get("hash")]


def stored_anchors(conn: psycopg.Connection, chains: Sequence[Chain]) -> list[Anchor]:
    """Every anchor published in the stores of these chains (a store may vouch for the others)."""
    found: list[Anchor] = []
    for chain in chains:
        if chain.table != "events":
            continue
        rows = conn.execute(sql.SQL(
            "SELECT global_position, payload FROM {} WHERE stream_id = %s ORDER BY global_position").format(
            _table(chain)), (ANCHOR_STREAM,)).fetchall()
        found += [a for position, payload in rows for a in anchors_in(payload, f"{chain.name} #{position}")]
    return found
