"""The projection tables (migrations/0001_projection.sql): writing an event, the per-source checkpoint, and
the reads behind timelines, facts and the feed.

Writes are idempotent by key — (generation, source, global_position) — so a redelivered or gap-filled event
changes nothing, and nothing here depends on arrival order: entries are ordered when read, merges are
decided by the latest alias row. Every write goes to the live generation under a shared advisory lock; the
rebuild's switch-over takes the same lock exclusively, so no write lands in a generation being retired.

The per-source checkpoint is advanced in short transactions of its own (`advance_checkpoint`, a few times a
second and after every gap fill), never inside an event's transaction: a writer that held the checkpoint
row through its commit would serialise every commit of a source, and one that held it while writing a
further entry (a delivery filling its stream's earlier versions) could deadlock with a gap fill.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, NamedTuple

import psycopg
from psycopg.types.json import Jsonb

from services.timeline.domain.entries import AliasChange, Entry, alias_changes

SWITCH_LOCK = (3, 0)  # advisory lock: writers share it (SQL `project_events`), the switch-over takes it alone


def live_generation(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT generation FROM generations WHERE state = 'live'").fetchone()[0]


# -- writing ------------------------------------------------------------------------------------------------
def write(tx: psycopg.Connection, entry: Entry, generation: int | None = None) -> bool:
    """Project one event into the live generation (or the given one); False when it was there already.
    The source's checkpoint is advanced apart (`advance_checkpoint`)."""
    return write_many(tx, [entry], generation) == 1


_PROJECT_EVENTS = "SELECT generation, source, global_position FROM project_events(%s, %s)"


def write_many(tx: psycopg.Connection, entries: Sequence[Entry], generation: int | None = None) -> int:
    """Project a batch of events into the live generation (or the given one) in one statement, the SQL
    function `project_events` (migrations/0006_speed4_project_events.sql: the switch lock and the live
    generation once, then one insert for the entries and one for their subjects); returns how many were new.
    Each new entry's identity merges (aliases) follow."""
    if not entries:
        return 0
    # In position order: two transactions writing overlapping batches then lock their rows in the same order.
    entries = sorted(entries, key=lambda e: (e.source, e.global_position))
    added = {(source, position): written
             for written, source, position in tx.execute(_PROJECT_EVENTS, (entry_rows(entries), generation)).fetchall()}
    count = len(added)
    for entry in entries:
        # An entry twice in the batch was written once: its merges once too (pop).
        written = added.pop((entry.source, entry.global_position), None)
        if written is not None:
            changes = alias_changes(entry, lambda stream, person, entry=entry, written=written: linked_through(
                tx, written, entry.source, stream, person))
            insert_aliases(tx, written, entry, changes)
    return count


def entry_rows(entries: Sequence[Entry]) -> Jsonb:
    """Entries as `project_events` takes them (migrations/0006_speed4_project_events.sql): a JSON array of
    arrays, in the given order."""
    return Jsonb([[e.source, e.global_position, e.event_id, e.stream_id, e.stream_version, e.type,
                   e.occurred_on.isoformat(), e.recorded_at.isoformat(), [{"id": i, "role": r} for i, r in e.subjects],
                   dict(e.payload), dict(e.metadata)] for e in entries])


def insert_aliases(tx: psycopg.Connection, generation: int, entry: Entry, changes: Sequence[AliasChange]) -> None:
    if not changes:
        return
    with tx.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO aliases (generation, temporary_id, person_id, action, source, global_position, stream_id,"
            " recorded_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [(generation, c.temporary_id, c.person_id, c.action, entry.source, entry.global_position,
              entry.stream_id, entry.recorded_at) for c in changes],
        )


def linked_through(tx: psycopg.Connection, generation: int, source: str, stream_id: str, person: str) -> list[str]:
    rows = tx.execute(
        "SELECT DISTINCT temporary_id FROM aliases WHERE generation = %s AND source = %s AND stream_id = %s"
        " AND person_id = %s AND action = 'link'",
        (generation, source, stream_id, person),
    ).fetchall()
    return [row[0] for row in rows]


def advance_checkpoints(tx: psycopg.Connection, sources: Sequence[str]) -> dict[str, int]:
    """`advance_checkpoint` of the live generation for every source, in one statement (in source order, so
    that two callers lock the rows alike)."""
    return dict(tx.execute(
        "SELECT s, advance_checkpoint((SELECT generation FROM generations WHERE state = 'live'), s)"
        " FROM unnest(%s::text[]) AS s ORDER BY s", (sorted(sources),)).fetchall())


def advance_checkpoint(tx: psycopg.Connection, generation: int, source: str) -> int:
    """Move the source's checkpoint over every contiguous position now present (the SQL function
    `advance_checkpoint`: lock the row, then read); returns it."""
    return tx.execute("SELECT advance_checkpoint(%s, %s)", (generation, source)).fetchone()[0]


# -- reading ------------------------------------------------------------------------------------------------
def checkpoints(conn: psycopg.Connection, generation: int) -> dict[str, int]:
    rows = conn.execute("SELECT source, position FROM checkpoints WHERE generation = %s", (generation,)).fetchall()
    return dict(rows)


# The live generation and the ids that stand for the person `%(subject)s`: the common head of the reads below.
# `%(known_at)s` bounds what the registry knew (bitemporal reads): links recorded later do not count yet.
_PERSON_IDS = """
WITH live AS (SELECT generation FROM generations WHERE state = 'live'),
latest AS (
    SELECT a.person_id, a.action FROM aliases a, live
     WHERE a.generation = live.generation AND a.temporary_id = %(subject)s AND a.recorded_at <= %(known_at)s
     ORDER BY a.recorded_at DESC, a.source DESC, a.global_position DESC, (a.action = 'link') DESC LIMIT 1),
person AS (SELECT coalesce((SELECT person_id FROM latest WHERE action = 'link'), %(subject)s) AS id),
merged AS (
    SELECT DISTINCT ON (a.temporary_id) a.temporary_id, a.person_id, a.action FROM aliases a, live
     WHERE a.generation = live.generation AND a.recorded_at <= %(known_at)s AND a.temporary_id IN (
           SELECT b.temporary_id FROM aliases b, live, person WHERE b.generation = live.generation
              AND b.person_id = person.id AND b.recorded_at <= %(known_at)s)
     ORDER BY a.temporary_id, a.recorded_at DESC, a.source DESC, a.global_position DESC, (a.action = 'link') DESC),
ids AS (SELECT id FROM person
        UNION SELECT m.temporary_id FROM merged m, person WHERE m.action = 'link' AND m.person_id = person.id),
"""

# One statement, one round trip, per person read: the live generation; the person a subject id stands for
# (a temporary id whose latest alias row is a link stands for that person); the temporary ids whose latest
# alias row links them to that person (ties within one event: the link after the unlink, see
# domain/entries.py); the entries of all those ids, as one JSON document that Python parses once.
_PERSON = _PERSON_IDS + """keys AS (SELECT DISTINCT s.source, s.global_position FROM entry_subjects s, live, ids
          WHERE s.generation = live.generation AND s.subject_id = ids.id)
SELECT (SELECT id FROM person), (SELECT array_agg(id ORDER BY id) FROM ids),
       (SELECT coalesce(json_agg(json_build_array({columns})
                        ORDER BY e.occurred_on, e.recorded_at, e.source, e.global_position), '[]')::text
          FROM keys k JOIN entries e ON e.generation = (SELECT generation FROM live) AND e.source = k.source
           AND e.global_position = k.global_position)
"""
_FULL_COLUMNS = ("e.source, e.global_position, e.event_id, e.stream_id, e.stream_version, e.event_type, e.occurred_on,"
                 " e.recorded_at, e.subjects, e.payload, e.metadata")


class Shown(NamedTuple):
    """An entry as callers see it: what, when, where, about whom, which records — not the payload. Dates
    and times are ISO strings, as they leave the service."""

    source: str
    global_position: int
    type: str
    occurred_on: str
    recorded_at: str
    subjects: list[dict[str, str]]
    office: str | None
    refs: dict[str, Any]
    actor: str | None
    causation_id: str | None
    event_id: str
    stream_id: str

    @property
    def service(self) -> str:
        return self.type.split(".", 1)[0]


# Where it happened (`office`) and the records it names (`refs`) are columns the database computes when an
# entry is written (migrations/0002_shown_columns.sql), so that a reader never parses payloads.
_OFFICE = "e.office"
_REFS = "e.refs"
_SHOWN_COLUMNS = (f"e.source, e.global_position, e.event_type, e.occurred_on, e.recorded_at, e.subjects, {_OFFICE},"
                  f" {_REFS}, e.metadata->>'actor', e.metadata->>'causation_id', e.event_id, e.stream_id")


# A person's timeline as callers see it, one row an entry in timeline order (business date, then recording):
# the person, the other ids merged into them (a JSON array), and per entry the event type, business date and
# the entry's JSON object — all but its title (domain/titles.py), which the caller puts first. The entry's
# `roles` are those of the person's ids among its subjects, in code-point order, from `entry_subjects`.
# The rows are passed on as text: no reader parses an entry (docs/timeline.md, "What a query costs").
_TIMELINE = _PERSON_IDS + """keys AS (SELECT s.source, s.global_position,
                array_to_json(array_agg(DISTINCT s.role COLLATE "C" ORDER BY s.role COLLATE "C")) AS roles
           FROM entry_subjects s, live, ids
          WHERE s.generation = live.generation AND s.subject_id = ids.id
          GROUP BY s.source, s.global_position)
SELECT (SELECT id FROM person),
       (SELECT coalesce(json_agg(i.id ORDER BY i.id COLLATE "C"), '[]') FROM ids i, person
         WHERE i.id <> person.id)::text,
       e.event_type, to_char(e.occurred_on, 'YYYY-MM-DD'),  -- whatever the session's DateStyle
       e.recorded_at,
       json_build_object('occurred_on', e.occurred_on, 'recorded_at', e.recorded_at,
                         'service', split_part(e.event_type, '.', 1), 'type', e.event_type, 'office', {office},
                         'refs', {refs}, 'roles', k.roles, 'recorded_by', e.metadata->>'actor',
                         'caused_by', e.metadata->>'causation_id')::text
  FROM keys k JOIN entries e ON e.generation = (SELECT generation FROM live) AND e.source = k.source
   AND e.global_position = k.global_position
 ORDER BY e.occurred_on, e.recorded_at, e.source, e.global_position
"""
_TIMELINE_SQL = _TIMELINE.format(office=_OFFICE, refs=_REFS)  # one text: psycopg prepares it after 5 runs


class TimelineRow(NamedTuple):
    """One entry of a person's timeline, as `person_timeline_rows` reads it."""

    person: str
    merged_ids: str  # JSON array text, the same on every row
    type: str
    occurred_on: str
    recorded_at: dt.datetime  # when the registry learnt of it (`known_at` reads)
    shown: str  # the entry's JSON object text, without its title


# No bound: everything recorded so far.
ALWAYS = dt.datetime.max.replace(tzinfo=dt.UTC)


def person_timeline_rows(conn: psycopg.Connection, subject: str, known_at: dt.datetime = ALWAYS
                         ) -> list[TimelineRow]:
    """Every entry of the person `subject` stands for, in timeline order; empty when there is none. Links of
    temporary ids count as of `known_at`; the caller filters the entries by their `recorded_at`."""
    return [TimelineRow(*row)
            for row in conn.execute(_TIMELINE_SQL, {"subject": subject, "known_at": known_at}).fetchall()]


# What a person's timeline rows depend on, as a stamp that changes whenever they may have: the live generation,
# and how many entry subjects and alias rows name any of the person's ids. Rows are never deleted from a
# generation (writes only insert), so a count that has not moved means nothing was added.
_PERSON_STAMP = """
SELECT g.generation,
       (SELECT count(*) FROM entry_subjects s WHERE s.generation = g.generation AND s.subject_id = ANY(%(ids)s)),
       (SELECT count(*) FROM aliases a WHERE a.generation = g.generation
           AND (a.person_id = ANY(%(ids)s) OR a.temporary_id = ANY(%(ids)s)))
  FROM generations g WHERE g.state = 'live'
"""


def person_stamp(conn: psycopg.Connection, ids: Sequence[str]) -> tuple[int, int, int]:
    """The stamp of the timeline rows of a person known by `ids` (person_timeline_rows's person, the ids
    merged into them and the id asked for): equal stamps, equal rows."""
    return tuple(conn.execute(_PERSON_STAMP, {"ids": sorted(set(ids))}).fetchone())


_IDS = _PERSON_IDS + """done AS (SELECT 1)
SELECT (SELECT id FROM person), (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM ids)
"""


def person_ids(conn: psycopg.Connection, subject: str) -> tuple[str, list[str]]:
    """(the person `subject` stands for, every id of the person: theirs and the temporary ids linked now)."""
    person, ids = conn.execute(_IDS, {"subject": subject, "known_at": ALWAYS}).fetchone()
    return person, list(ids)


def person_history(conn: psycopg.Connection, subject: str, known_at: dt.datetime = ALWAYS
                   ) -> tuple[str, set[str], list[Entry]]:
    """(person, every id of the person, their entries with payloads, for facts) in timeline order, as the
    registry knew them at `known_at`."""
    person, ids, document = conn.execute(_PERSON.format(columns=_FULL_COLUMNS),
                                         {"subject": subject, "known_at": known_at}).fetchone()
    entries = [Entry(source, position, event_id, stream_id, version, event_type, dt.date.fromisoformat(occurred_on),
                     dt.datetime.fromisoformat(recorded_at), tuple((s["id"], s["role"]) for s in subjects), payload,
                     metadata)
               for (source, position, event_id, stream_id, version, event_type, occurred_on, recorded_at, subjects,
                    payload, metadata) in json.loads(document)]
    return person, set(ids), [entry for entry in entries if entry.recorded_at <= known_at]


def feed_scan(conn: psycopg.Connection, generation: int, source: str, after: int, until: int,
              limit: int) -> list[Shown]:
    document = conn.execute(
        f"SELECT coalesce(json_agg(json_build_array({_SHOWN_COLUMNS}) ORDER BY e.global_position), '[]')::text"
        " FROM (SELECT * FROM entries WHERE generation = %s AND source = %s AND global_position > %s"
        " AND global_position <= %s ORDER BY global_position LIMIT %s) AS e",
        (generation, source, after, until, limit),
    ).fetchone()[0]
    return [Shown(*row) for row in json.loads(document)]
