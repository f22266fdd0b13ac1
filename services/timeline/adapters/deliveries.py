"""A batch of deliveries of one subscription, applied in one transaction with the guarantees of
`shared.subscriptions.SubscriptionRunner` (dedupe by stream version and event id, per-stream order, earlier
events of a stream read from the source store when they have not arrived) — in a few statements for the
whole batch (two) instead of four per event.

`admit(tx, spec, source_store, events)` locks the checkpoint rows of the batch's streams (in stream order, so
two batches of one subscription never wait on each other in a cycle), decides in Python which events are
new, records them in `processed_events` and moves the stream checkpoints, then returns the events to apply,
in stream order, for the caller to apply in the same transaction. The caller commits, then acknowledges the
messages: a failure anywhere rolls back the whole batch and nothing is acknowledged.

`apply_at_once(conn, spec, events)` is the same bookkeeping and the projection of the admitted events in one
statement, its own transaction (the SQL function `project_deliveries`, migrations/0007): one round trip for a
batch instead of five (BEGIN, the two statements of `admit`, the projection, COMMIT). It declines — returns
None, having written nothing the general way would not write — a batch whose stream has earlier versions
missing (they are read from the source store, in Python), one with an entry that may merge identities
(its alias rows are written in Python, in the same transaction), and a subscription that takes only some
types; the caller then applies the batch with `admit` and the service's method.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from services.timeline.adapters.projection import entry_rows
from services.timeline.domain.entries import Entry, may_merge
from shared.envelope import Event
from shared.eventstore.base import EventStore
from shared.subscriptions import SubscriptionSpec


def admit(tx: psycopg.Connection, spec: SubscriptionSpec, source_store: EventStore,
          events: Sequence[Event]) -> list[Event]:
    """The events of `events` (and any earlier ones of their streams still missing) not applied before, in
    the order they must be applied; their records and the streams' checkpoints are written in `tx`."""
    streams = sorted({event.stream_id for event in events})
    # One statement creates the missing rows and locks them all (an upsert locks the rows it touches).
    last = dict(tx.execute(
        "INSERT INTO stream_checkpoints AS c (subscription, stream_id, version)"
        " SELECT %s, s, 0 FROM unnest(%s::text[]) AS s ORDER BY s"
        " ON CONFLICT (subscription, stream_id) DO UPDATE SET version = c.version RETURNING stream_id, version",
        (spec.name, streams)).fetchall())
    before = dict(last)
    pending: list[Event] = []
    for event in events:  # arrival order; a stream's versions are put in order below
        known = last[event.stream_id]
        if event.stream_version <= known:
            continue  # a duplicate, or an earlier version already read from the source
        if event.stream_version > known + 1:
            earlier = source_store.read_stream(event.stream_id, after_version=known)
            pending += [e for e in earlier if e.stream_version < event.stream_version]
        pending.append(event)
        last[event.stream_id] = event.stream_version
    wanted = [event for event in pending if spec.wants(event.type)]
    moved = [(stream, version) for stream, version in last.items() if version != before[stream]]
    if not moved:
        return []
    # One more statement moves the checkpoints and records the events (returning those not recorded before).
    recorded = {row[0] for row in tx.execute(
        "WITH moved AS (UPDATE stream_checkpoints c SET version = m.version"
        "   FROM unnest(%s::text[], %s::integer[]) AS m (stream_id, version)"
        "  WHERE c.subscription = %s AND c.stream_id = m.stream_id)"
        " INSERT INTO processed_events (subscription, event_id) SELECT %s, unnest(%s::uuid[])"
        " ON CONFLICT DO NOTHING RETURNING event_id",
        ([s for s, _ in moved], [v for _, v in moved], spec.name, spec.name, [e.event_id for e in wanted]),
    ).fetchall()}
    return [event for event in wanted if event.event_id in recorded]


def apply_at_once(conn: psycopg.Connection, spec: SubscriptionSpec, events: Sequence[Event]) -> list[Event] | None:
    """`admit` and the projection of the admitted events in one statement on the autocommit connection `conn`
    (committed when it returns); the events applied, in delivery order, or None when the batch must be applied
    the general way (see the module docstring)."""
    if "#" not in spec.event_types:
        return None
    entries = [Entry.of(spec.source, event) for event in events]
    if any(may_merge(entry) for entry in entries):
        return None
    applied = conn.execute("SELECT project_deliveries(%s, %s)", (spec.name, entry_rows(entries))).fetchone()[0]
    if applied is None:
        return None
    by_id = {event.event_id: event for event in events}
    return [by_id[event_id] for event_id in applied]
