"""Rebuilding the projection from zero (architecture.md, "Timeline projector"), while the live one answers.

1. A new generation is registered as `building` (the leftovers of an interrupted rebuild are dropped first),
   and its two tables are made (`open_generation`, migrations/0005): `entries_g<N>` and `entry_subjects_g<N>`,
   not yet partitions of `entries` and `entry_subjects`, and with no primary key.
2. Each source store is copied into them inside PostgreSQL, up to the head the source had when its copy
   began: `INSERT … SELECT` from the source's `events` (a schema of the same database, which the timeline's
   role reads), entries and their subjects at once on two connections, 10,000 positions a step, each step's
   copies overlapping the next step's reads (its payloads' key names, its identity events). Only the events
   that may link or unlink a temporary id are read into Python, in position order, for their aliases.
   (Reading every row into Python and COPYing it back cost a text round trip and a second JSON parse of every
   payload: docs/benchmarks.md, "Timeline".)
3. Each table's primary key is built once over all its rows (`key_generation`), on the table's own connection
   as soon as its last copy ends, and the tables are attached as the new generation's partitions
   (`seal_generation`): inserting row by row into the key of `entry_subjects`, whose order is the subjects'
   ids, cost its copy about as much as the rows did.
4. The new generation catches up event by event with what the sources appended meanwhile.
5. Switch-over, in one transaction: take the switch lock exclusively (live writers hold it shared, so none
   is half-way), project the last events, retire the live generation and make the new one live.
6. The retired generation's tables are dropped (`drop_generation`, each table in a transaction of its own),
   its other rows deleted.

Live writers only ever write the live generation; nobody but the rebuild writes the one being built, so
the bulk copy needs no conflict handling: the primary keys, built after it, would refuse a duplicate. Keys
are source positions, so the rebuilt rows — and the change feed's cursors, which name them — are the same as
before.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from services.timeline.adapters import projection
from services.timeline.domain.entries import DEATH_CORRECTED, TEMPORARY_ROLE, UNLINK_FIELD, Entry, alias_changes
from shared.db import Database
from shared.eventstore.postgres import PostgresEventStore

REBUILD_LOCK = 4  # advisory lock namespace: one rebuild at a time per timeline schema


class RebuildRunning(RuntimeError):
    pass


DROP_LOCK_WAIT = "2s"  # a drop waits this long for the parent's lock, then lets the queries queued behind it go
DROP_ATTEMPTS = 10

# Source positions a step: the progress line moves, no statement runs for long, and a step's sorts (the
# subjects' DISTINCT) stay in memory; measured beside 50,000: about 5% less PostgreSQL CPU per event.
CHUNK = 10_000
_SPAN = " WHERE e.global_position > %(low)s AND e.global_position <= %(high)s"
# Into the building generation's own tables, by name (`{entries}`, `{subjects}`): they have no key yet, and
# no trigger: `{refs}` is the expression `refs_expression` makes for the chunk. No ORDER BY: the rows come in
# the source's order on disk, which is position order (`events` is append-only), and the key sorts them
# anyway; sorting them spilled each chunk's payloads to disk.
_COPY_ENTRIES = sql.SQL(
    "INSERT INTO {entries} (generation, source, global_position, event_id, stream_id, stream_version, event_type,"
    " occurred_on, recorded_at, subjects, payload, metadata, refs)"
    " SELECT %(generation)s, %(source)s, e.global_position, e.event_id, e.stream_id, e.stream_version, e.event_type,"
    " e.occurred_on, e.recorded_at, e.subjects, e.payload, e.metadata, {refs} FROM {events} e" + _SPAN)
# The names a chunk's payloads hold that `entry_refs` (migrations/0004) may take: its test on the key. The keys
# are listed in the select list (one call per row giving a key at a time), not as a lateral function scan, which
# gathered each row's keys in a store of their own first: the pass costs about a third less. The test runs on
# the few distinct names, not on every row's (a third less again: docs/benchmarks.md, "Timeline").
_REF_KEYS = sql.SQL(
    "SELECT k FROM (SELECT DISTINCT jsonb_object_keys(e.payload) AS k FROM {events} e" + _SPAN + ") AS keys"
    " WHERE k <> 'unlinked_temporary_id'"
    " AND (k LIKE '%%\\_id' OR k IN ('certificate_no', 'cremation_certificate', 'document_ref'))")
# The persons of each event, each (id, role) once, as the live projection writes them. `jsonb_to_recordset`
# takes both fields out of each subject in one pass (`jsonb_array_elements` and two `->>` cost a third more).
_COPY_SUBJECTS = sql.SQL(
    "INSERT INTO {subjects} (generation, subject_id, source, global_position, role)"
    " SELECT DISTINCT %(generation)s, s.id, %(source)s, e.global_position, s.role"
    " FROM {events} e CROSS JOIN LATERAL jsonb_to_recordset(e.subjects) AS s (id text, role text)" + _SPAN)
# The events that may change an alias: a subject with the temporary role, the unlink field among the
# payload's keys (`alias_changes` reads it there), or a corrected death (the same test the live projection
# makes). The key is tested on the stored jsonb: rendering every payload as text to search it cost the
# copy a full extra pass over the payloads.
_ALIAS_CANDIDATES = sql.SQL(
    "SELECT e.global_position, e.event_id, e.stream_id, e.stream_version, e.event_type, e.occurred_on,"
    " e.recorded_at, e.subjects, e.payload FROM {events} e" + _SPAN
    + " AND (e.subjects @> %(temporary)s OR e.payload ? %(unlink)s"
    " OR e.event_type = %(corrected)s) ORDER BY e.global_position")
Progress = Callable[[str, int, int, float], None]  # source, events copied, of how many, seconds so far


@dataclass
class RebuildReport:
    generation: int
    copied: dict[str, int] = field(default_factory=dict)
    caught_up: int = 0
    seconds: float = 0.0

    @property
    def events(self) -> int:
        return sum(self.copied.values()) + self.caught_up


class Rebuild:
    def __init__(self, db: Database, sources: Mapping[str, Database], progress: Progress | None = None) -> None:
        self.db = db
        self.sources = sources
        self.progress = progress or (lambda *_: None)

    def run(self) -> RebuildReport:
        """Rebuild and switch over; refused while another rebuild of this schema runs."""
        with self.db.connect() as guard:
            # A session lock on a connection of its own: released when the rebuild ends or its process dies.
            if not guard.execute("SELECT pg_try_advisory_lock(%s, hashtext(current_schema()))",
                                 (REBUILD_LOCK,)).fetchone()[0]:
                raise RebuildRunning("another timeline rebuild is running")
            started = time.perf_counter()
            report = RebuildReport(self._begin())
            report.copied = self._copy_and_key(report.generation, started)
            self._seal(report.generation)
            report.caught_up = self._catch_up(report.generation)
            report.caught_up += self._switch(report.generation)
            self._drop_retired()
            report.seconds = time.perf_counter() - started
            return report

    # -- the steps ------------------------------------------------------------------------------------------
    def _begin(self) -> int:
        self._drop(("building",))
        with self.db.transaction() as tx:
            generation = tx.execute("SELECT coalesce(max(generation), 0) + 1 FROM generations").fetchone()[0]
            tx.execute("INSERT INTO generations (generation, state) VALUES (%s, 'building')", (generation,))
            tx.execute("SELECT open_generation(%s)", (generation,))
        return generation

    def _copy_and_key(self, generation: int, started: float) -> dict[str, int]:
        """Every source copied (`_copy`), then each table's primary key built (`key_generation`): the two tables
        are two chains, each on a connection of its own (a single-thread executor runs its tasks in order), so
        that a table's key is built as soon as its last copy ends, while the other table's copies go on; a
        barrier between the copies and the keys left a core idle at both ends. Returns the events copied per
        source, and records each source's checkpoint."""
        copying = _Copying(started, self.progress)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="timeline-rebuild-entries") as entry_chain, \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="timeline-rebuild-subjects") as subject_chain:
            heads = {source: self._copy(generation, source, source_db, entry_chain, subject_chain, copying)
                     for source, source_db in self.sources.items()}
            chunks = list(copying.pending)
            keys = [chain.submit(self._key, generation, table, [getattr(chunk, copy) for chunk in chunks])
                    for chain, table, copy in ((entry_chain, "entries", "entries"),
                                                (subject_chain, "entry_subjects", "subjects"))]
            copying.wait(0)
            with self.db.transaction() as tx:
                for source, head in heads.items():
                    copied = copying.copied.get(source, 0)
                    tx.execute("INSERT INTO checkpoints (generation, source, position) VALUES (%s, %s, %s)",
                               (generation, source, head if copied == head else 0))
            for built in keys:
                built.result()
        return {source: copying.copied.get(source, 0) for source in self.sources}

    def _copy(self, generation: int, source: str, source_db: Database, entry_chain: ThreadPoolExecutor,
              subject_chain: ThreadPoolExecutor, copying: _Copying) -> int:
        """The source's events up to its head, copied inside PostgreSQL (the source store and the timeline are
        schemas of one database, and the timeline's role reads the source's `events`): `entries` and
        `entry_subjects` are filled at once on their two chains, a chunk of positions at a time; only the few
        events that may link or unlink a temporary id come to Python, in position order. Returns the head;
        the last chunk's copies may still run."""
        events = sql.Identifier(source_db.schema, "events")
        tables = {"events": events, "entries": sql.Identifier(f"entries_g{generation}"),
                  "subjects": sql.Identifier(f"entry_subjects_g{generation}")}
        with self.db.connection() as conn:
            head = conn.execute(sql.SQL("SELECT coalesce(max(global_position), 0) FROM {}").format(events)
                                ).fetchone()[0]
        links: dict[tuple[str, str], list[str]] = {}
        # This thread reads the next chunk's key names and aliases while a chunk's two copies run, so that
        # both cores stay busy.
        for low in range(0, head, CHUNK):
            span = {"generation": generation, "source": source, "low": low, "high": min(head, low + CHUNK)}
            subjects = subject_chain.submit(self._execute, _COPY_SUBJECTS.format(**tables), span)
            with self.db.connection() as conn:
                keys = sorted(row[0] for row in conn.execute(_REF_KEYS.format(**tables), span))
            refs, key_params = refs_expression(keys)
            entries = entry_chain.submit(self._execute, _COPY_ENTRIES.format(**tables, refs=refs),
                                         {**span, **key_params})
            copying.pending.append(_Chunk(source, head, entries, subjects))
            with self.db.connection() as conn:
                candidates = conn.execute(_ALIAS_CANDIDATES.format(events=events), {
                    **span, "temporary": Jsonb([{"role": TEMPORARY_ROLE}]), "unlink": UNLINK_FIELD,
                    "corrected": DEATH_CORRECTED}).fetchall()
                _write_aliases(conn, generation, source, candidates, links)
            copying.wait(1)  # the reads run one chunk ahead of the copies at most
        return head

    def _key(self, generation: int, table: str, copies: list[Future[int]]) -> None:
        """One table's primary key, once its copies (done by now: they ran before on the same chain) all
        succeeded. Without parallel workers: on two cores they only contend with the other chain's work."""
        for copy in copies:
            copy.result()
        with self.db.transaction() as tx:
            tx.execute("SET LOCAL max_parallel_maintenance_workers = 0")
            tx.execute("SELECT key_generation(%s, %s)", (generation, table))

    def _seal(self, generation: int) -> None:
        """The keyed tables attached; then the checkpoints of sources whose positions were not dense
        (`advance_checkpoint` reads `entries`, which shows the generation only from here on). A source with no
        events has its checkpoint at 0 too, and nothing to advance over."""
        with self.db.transaction() as tx:
            tx.execute("SELECT seal_generation(%s)", (generation,))
            for (source,) in tx.execute(
                    "SELECT c.source FROM checkpoints c WHERE c.generation = %s AND c.position = 0 AND EXISTS"
                    " (SELECT FROM entries e WHERE e.generation = c.generation AND e.source = c.source)",
                    (generation,)).fetchall():
                projection.advance_checkpoint(tx, generation, source)

    def _execute(self, statement: sql.Composable, params: Mapping | tuple) -> int:
        with self.db.connection() as conn:
            return conn.execute(statement, params).rowcount

    def _catch_up(self, generation: int, tx: psycopg.Connection | None = None) -> int:
        """Project what the sources appended after their copy began, one event at a time. A source with nothing
        new keeps its checkpoint as it is: nothing was written that could advance it."""
        count = 0
        with self.db.connection(tx) as conn:
            checkpoints = projection.checkpoints(conn, generation)
        for source, source_db in self.sources.items():
            store = PostgresEventStore(source_db)
            after = checkpoints.get(source, 0)
            while events := store.read_all(after, 1000):
                for event in events:
                    with self.db.transaction(tx) as write:
                        count += projection.write(write, Entry.of(source, event), generation)
                after = events[-1].global_position
            if after != checkpoints.get(source, 0):
                with self.db.transaction(tx) as write:
                    projection.advance_checkpoint(write, generation, source)
        return count

    def _switch(self, generation: int) -> int:
        with self.db.transaction() as tx:
            tx.execute("SELECT pg_advisory_xact_lock(%s, %s)", projection.SWITCH_LOCK)
            count = self._catch_up(generation, tx)
            tx.execute("UPDATE generations SET state = 'retired' WHERE state = 'live'")
            tx.execute("UPDATE generations SET state = 'live', switched_at = now() WHERE generation = %s",
                       (generation,))
        return count

    def _drop_retired(self) -> None:
        self._drop(("retired",))

    def _drop_table(self, generation: int, table: str) -> None:
        """One of a generation's tables dropped, in a transaction of its own (`drop_generation`, migrations/0005):
        an instant's exclusive lock on its parent, where deleting the rows cost a pass over them and their index
        entries. Queries and live writers that come while the drop waits for the lock queue behind it, so it
        waits at most `DROP_LOCK_WAIT` and tries again."""
        for attempt in range(DROP_ATTEMPTS):
            try:
                with self.db.transaction() as tx:
                    tx.execute(f"SET LOCAL lock_timeout = '{DROP_LOCK_WAIT}'")
                    tx.execute("SELECT drop_generation(%s, %s)", (generation, table))
                return
            except psycopg.errors.LockNotAvailable:
                if attempt == DROP_ATTEMPTS - 1:
                    raise
                time.sleep(0.1)

    def _drop(self, states: tuple[str, ...]) -> None:
        """The generations in `states` dropped: their tables one after the other (`_drop_table`; dropped at
        once on two connections, two readers each holding one parent and wanting the other would close a
        cycle with the two drops), then their other rows."""
        with self.db.connection() as conn:
            stale = [row[0] for row in conn.execute("SELECT generation FROM generations WHERE state = ANY(%s)",
                                                    (list(states),))]
        if not stale:
            return
        for generation in stale:
            for table in ("entries", "entry_subjects"):
                self._drop_table(generation, table)
        with self.db.transaction() as tx:
            for table in ("aliases", "checkpoints"):
                tx.execute(f"DELETE FROM {table} WHERE generation = ANY(%s)", (stale,))
            tx.execute("DELETE FROM generations WHERE generation = ANY(%s)", (stale,))


@dataclass
class _Chunk:
    """A chunk's two copies, under way on their chains."""

    source: str
    head: int
    entries: Future[int]
    subjects: Future[int]


@dataclass
class _Copying:
    """The chunks whose copies are under way, oldest first, across sources, and the entries each source's
    finished chunks wrote."""

    started: float
    progress: Progress
    pending: list[_Chunk] = field(default_factory=list)
    copied: dict[str, int] = field(default_factory=dict)

    def wait(self, ahead: int) -> None:
        """The oldest chunks waited for (raising what failed in either copy) until `ahead` are left."""
        while len(self.pending) > ahead:
            chunk = self.pending.pop(0)
            chunk.subjects.result()
            self.copied[chunk.source] = self.copied.get(chunk.source, 0) + chunk.entries.result()
            self.progress(chunk.source, self.copied[chunk.source], chunk.head, time.perf_counter() - self.started)


def refs_expression(keys: list[str]) -> tuple[sql.Composed, dict[str, str]]:
    """`entry_refs(e.payload, e.event_id)` for payloads whose candidate keys are among `keys`, as one expression
    of built-in functions (no call of a PL/pgSQL function, no set-returning function per row), and its
    parameters: each key whose value is a string, then the event id (over any `event_id` of the payload).

    One `jsonb_object` of a text array of names and one of values, the names that are not strings null and
    stripped: `jsonb_build_object` looked up every argument's type on every row, and the object for the
    event id was built apart and joined on (measured on 60,000 rows: 0.9 µs a row instead of 1.8)."""
    params = {f"ref{n}": key for n, key in enumerate(k for k in keys if k != "event_id")}
    names = [sql.SQL("{}::text").format(sql.Placeholder(name)) for name in params]
    values = [sql.SQL("CASE WHEN jsonb_typeof(e.payload -> {0}::text) = 'string' THEN e.payload ->> {0}::text END")
              .format(sql.Placeholder(name)) for name in params]
    return sql.SQL("jsonb_strip_nulls(jsonb_object(ARRAY[{}]::text[], ARRAY[{}]::text[]))").format(
        sql.SQL(", ").join([*names, sql.SQL("'event_id'")]),
        sql.SQL(", ").join([*values, sql.SQL("e.event_id::text")])), params


def _write_aliases(conn: psycopg.Connection, generation: int, source: str, rows: list[tuple],
                   links: dict[tuple[str, str], list[str]]) -> None:
    """The alias rows of a chunk's identity events (`rows`: `_ALIAS_CANDIDATES`, in position order), each
    event judged with the links the events before it made."""
    alias_rows: list[tuple] = []
    for position, event_id, stream_id, version, event_type, occurred_on, recorded_at, subjects, payload in rows:
        pairs = tuple({(s["id"], s["role"]) for s in subjects})
        entry = Entry(source, position, str(event_id), stream_id, version, event_type, occurred_on, recorded_at,
                      pairs, payload)
        for change in alias_changes(entry, lambda stream, person: links.get((stream, person), [])):
            _remember(links, stream_id, change.temporary_id, change.person_id, change.action)
            alias_rows.append((generation, change.temporary_id, change.person_id, change.action, source, position,
                               stream_id, recorded_at))
    if alias_rows:
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO aliases (generation, temporary_id, person_id, action, source, global_position,"
                " stream_id, recorded_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                alias_rows)


def _remember(links: dict[tuple[str, str], list[str]], stream_id: str, temporary_id: str, person: str,
              action: str) -> None:
    known = links.setdefault((stream_id, person), [])
    if action == "link" and temporary_id not in known:
        known.append(temporary_id)
    elif action == "unlink" and temporary_id in known:
        known.remove(temporary_id)


def rebuild_namespace(url: str, namespace: str, progress: Progress | None = None) -> RebuildReport:
    """Rebuild the timeline of a deployment (`civreg timeline-rebuild`), connecting as the timeline's role,
    which reads the source stores read-only."""
    from services.timeline.sources import SOURCES
    from shared.db import DatabaseSettings, schema_name

    timeline = schema_name(namespace, "timeline")
    # Three connections: a chunk's two copies and the next chunk's reads run at once (`Rebuild._copy`).
    db = Database(DatabaseSettings(url, timeline, min_size=1, max_size=3))
    sources = {source: Database(DatabaseSettings(url, schema_name(namespace, source), role=timeline, min_size=1,
                                                 max_size=2)) for source in SOURCES}
    try:
        return Rebuild(db, sources, progress).run()
    finally:
        for database in [db, *sources.values()]:
            database.close()
