"""Rebuilding the projection from zero (architecture.md, "Timeline projector"), while the live one answers.

1. A new generation is registered as `building` (the leftovers of an interrupted rebuild are dropped first).
2. Each source store is read in position order through a server-side cursor, in large batches, and written
   with COPY into the new generation, up to the head the source had when its copy began.
3. The new generation catches up event by event with what the sources appended meanwhile.
4. Switch-over, in one transaction: take the switch lock exclusively (live writers hold it shared, so none
   is half-way), project the last events, retire the live generation and make the new one live.
5. The retired generation's rows are deleted.

Live writers only ever write the live generation; nobody but the rebuild writes the one being built, so
the bulk copy needs no conflict handling. Keys are source positions, so the rebuilt rows — and the
change feed's cursors, which name them — are the same as before.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import psycopg

from services.timeline.adapters import projection
from services.timeline.domain.entries import DEATH_CORRECTED, TEMPORARY_ROLE, UNLINK_FIELD, Entry, alias_changes
from shared.db import Database
from shared.eventstore.postgres import PostgresEventStore

BATCH = 5000
REBUILD_LOCK = 4  # advisory lock namespace: one rebuild at a time per timeline schema


class RebuildRunning(RuntimeError):
    pass

_SOURCE_COLUMNS = ("global_position, event_id, stream_id, stream_version, event_type, occurred_on, recorded_at,"
                   " subjects::text, payload::text, metadata::text")
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
            for source, source_db in self.sources.items():
                report.copied[source] = self._copy(report.generation, source, source_db, started)
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
        return generation

    def _copy(self, generation: int, source: str, source_db: Database, started: float) -> int:
        links: dict[tuple[str, str], list[str]] = {}
        copied = 0
        with source_db.transaction() as read:
            head = read.execute("SELECT coalesce(max(global_position), 0) FROM events").fetchone()[0]
            with read.cursor(name=f"timeline_rebuild_{source}") as cursor, self.db.connection() as write:
                cursor.itersize = BATCH
                cursor.execute(f"SELECT {_SOURCE_COLUMNS} FROM events WHERE global_position <= %s"
                               " ORDER BY global_position", (head,))
                while rows := cursor.fetchmany(BATCH):
                    _write_batch(write, generation, source, rows, links)
                    copied += len(rows)
                    self.progress(source, copied, head, time.perf_counter() - started)
        with self.db.transaction() as tx:
            tx.execute("INSERT INTO checkpoints (generation, source, position) VALUES (%s, %s, %s)",
                       (generation, source, head if copied == head else 0))
            if copied != head:  # positions are dense; if not, walk what is there
                projection.advance_checkpoint(tx, generation, source)
        return copied

    def _catch_up(self, generation: int, tx: psycopg.Connection | None = None) -> int:
        """Project what the sources appended after their copy began, one event at a time."""
        count = 0
        for source, source_db in self.sources.items():
            store = PostgresEventStore(source_db)
            with self.db.connection(tx) as conn:
                after = projection.checkpoints(conn, generation).get(source, 0)
            while events := store.read_all(after, 1000):
                for event in events:
                    with self.db.transaction(tx) as write:
                        count += projection.write(write, Entry.of(source, event), generation)
                after = events[-1].global_position
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

    def _drop(self, states: tuple[str, ...]) -> None:
        with self.db.transaction() as tx:
            stale = [row[0] for row in tx.execute("SELECT generation FROM generations WHERE state = ANY(%s)",
                                                  (list(states),))]
            for table in ("entries", "entry_subjects", "aliases", "checkpoints"):
                tx.execute(f"DELETE FROM {table} WHERE generation = ANY(%s)", (stale,))
            tx.execute("DELETE FROM generations WHERE generation = ANY(%s)", (stale,))


def _write_batch(write: psycopg.Connection, generation: int, source: str, rows: list[tuple],
                 links: dict[tuple[str, str], list[str]]) -> None:
    subject_rows: list[tuple] = []
    alias_rows: list[tuple] = []
    with write.cursor() as cursor:
        with cursor.copy("COPY entries (generation, source, global_position, event_id, stream_id, stream_version,"
                         " event_type, occurred_on, recorded_at, subjects, payload, metadata) FROM STDIN") as copy:
            for (position, event_id, stream_id, version, event_type, occurred_on, recorded_at, subjects_text,
                 payload_text, metadata_text) in rows:
                copy.write_row((generation, source, position, event_id, stream_id, version, event_type, occurred_on,
                                recorded_at, subjects_text, payload_text, metadata_text))
                subjects = json.loads(subjects_text)
                pairs = {(s["id"], s["role"]) for s in subjects}
                subject_rows += [(generation, sid, source, position, role) for sid, role in pairs]
                if _may_change_aliases(event_type, pairs, payload_text):
                    entry = Entry(source, position, str(event_id), stream_id, version, event_type, occurred_on,
                                  recorded_at, tuple(pairs), json.loads(payload_text))
                    for change in alias_changes(entry, lambda stream, person: links.get((stream, person), [])):
                        _remember(links, stream_id, change.temporary_id, change.person_id, change.action)
                        alias_rows.append((generation, change.temporary_id, change.person_id, change.action, source,
                                           position, stream_id, recorded_at))
        with cursor.copy("COPY entry_subjects (generation, subject_id, source, global_position, role)"
                         " FROM STDIN") as copy:
            for row in subject_rows:
                copy.write_row(row)
        if alias_rows:
            cursor.executemany(
                "INSERT INTO aliases (generation, temporary_id, person_id, action, source, global_position,"
                " stream_id, recorded_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                alias_rows)


def _may_change_aliases(event_type: str, pairs: set[tuple[str, str]], payload_text: str) -> bool:
    """Cheap pre-check, so that only the few identity events have their payload parsed."""
    return (any(role == TEMPORARY_ROLE for _, role in pairs) or UNLINK_FIELD in payload_text
            or event_type == DEATH_CORRECTED)


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
    db = Database(DatabaseSettings(url, timeline, min_size=1, max_size=2))
    sources = {source: Database(DatabaseSettings(url, schema_name(namespace, source), role=timeline, min_size=1,
                                                 max_size=2)) for source in SOURCES}
    try:
        return Rebuild(db, sources, progress).run()
    finally:
        for database in [db, *sources.values()]:
            database.close()
