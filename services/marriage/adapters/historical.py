"""M-12: an import batch's registrations written in bulk — the events by COPY, the read-model rows from
them inside PostgreSQL.

A batch of a thousand records writes six thousand rows (each record's event, its marriage, both persons'
current-marriage rows and both certificates). Sent as one JSON parameter, the server spent most of the
batch parsing it and taking it apart; so the importing process sends only the events, by COPY, and the
server derives the read-model rows from their payloads (encoding and COPYing them from Python cost more
than the events themselves).

The order is what keeps the guarantees and lets two batches overlap:
1. the events are COPYed into `events_staging` (the service role may not write `events`; the rows live
   only in this transaction, unlogged, tagged with it), without any lock;
2. `append_staged_registrations` (migrations/0009_import_read_models_from_staged.sql) writes the
   read-model rows from the staged payloads, still without the store's append lock: `current_marriages` is
   M-3's key, so a person registered meanwhile (a registration, or another batch) fails the batch here,
   before anything is appended — the caller decides it again on fresh facts; a certificate number in use
   fails it likewise;
3. then, in the same call, `append_staged` (migrations/0003_import_staged_append.sql), which runs as the
   store's owner under the store's append lock (the lock `append_events` takes, the last position read in a
   fresh snapshot), numbers them densely from that position in the batch's order, stamps their
   `recorded_at`, and the chain trigger hashes each (shared/migrations/0003_hash_chain.sql). Each record is
   its own stream `marriage-<id>` at version 1. The lock is held to the commit, as for every append, so
   positions stay dense and commit-ordered; the events table's keys refuse a duplicate event id or an
   existing stream, and its statement trigger notifies the relay.
While one batch holds the lock for its events and commit, the next writes its staged and read-model rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from pydantic_core import to_json

from services.marriage.adapters.read_models import compact, registration_violation
from services.marriage.domain import events as ev
from services.marriage.domain.events import Draft
from shared.envelope import Metadata, derived_id_text
from shared.turns import in_turns

_STAGED = ("COPY events_staging (event_id, stream_id, stream_version, event_type, schema_version, occurred_on,"
           " subjects, payload, metadata, ordinal) FROM STDIN")
_APPEND = "SELECT appended FROM append_staged_registrations(%s::text[])"


def historical_event_id(registration_id: str) -> str:
    """The same record's event always has the same id: appending it twice fails on the store's key."""
    return derived_id_text("marriage", "historical-event", registration_id)


def write_registrations(tx: psycopg.Connection, registered: Sequence[tuple[str, Draft]], metadata: Metadata,
                        ended: frozenset[str] = frozenset()) -> None:
    """Append each imported registration as its own new stream and write its read-model rows, in `tx`.
    Raises the M-3 or M-7 refusal when a person or certificate number was taken meanwhile. `ended`: the
    records a paper divorce ended (their divorce is appended next): not in force, so no M-3 key."""
    staged = staged_text(registered, metadata)
    if tx.info.encoding != "utf-8":  # COPY reads its bytes in the client's encoding (UTF-8 unless set otherwise)
        staged = staged.decode().encode(tx.info.encoding)
    with tx.cursor() as cursor:
        with cursor.copy(_STAGED) as copy:
            copy.write(staged)
        try:
            cursor.execute(_APPEND, (sorted(ended),))
        except psycopg.errors.UniqueViolation as exc:
            # A person or number taken meanwhile is the rule's refusal; the store's own keys (an event or
            # stream appended twice) are not a race and stay what they are.
            raise registration_violation(exc) from None


def staged_text(registered: Sequence[tuple[str, Draft]], metadata: Metadata) -> bytes:
    """The batch's events as the text of one COPY into `events_staging`, a line each in the batch's order
    (the order of their positions): every column but their position, time of recording and hash, which only
    the store gives. Written here as UTF-8 bytes rather than row by row through psycopg's COPY formatter,
    which was a fifth of this function's time (py-spy, issue 19), and rather than as text encoded afterwards
    (the payload is JSON bytes already: 8.2 ms per 1,000 records instead of 9.9). No column needs COPY's
    escaping but the JSON texts' backslashes: the ids are uuids, the subjects validated ID numbers and the
    domain's roles, the date ISO, and a JSON encoder writes no tab, line break or other control character as
    it is."""
    common = metadata.model_dump(exclude_none=True)
    by_office: dict[str, bytes] = {}
    lines = []
    for ordinal, (registration_id, draft) in enumerate(in_turns(registered)):  # the other batch may wait
        office = draft.payload["office"]
        if office not in by_office:
            by_office[office] = _copy_field(compact({**common, "office": office}).encode())
        lines.append(b"%s\t%s\t1\t%s\t%d\t%s\t%s\t%s\t%s\t%d\n" % (
            historical_event_id(registration_id).encode(), ev.marriage_stream(registration_id).encode(),
            draft.type.encode(), draft.schema_version, draft.occurred_on.isoformat().encode(),
            subjects_json(draft.subjects).encode(), _copy_field(payload_json(draft.payload)), by_office[office],
            ordinal))
    return b"".join(lines)


def _copy_field(text: bytes) -> bytes:
    """A text field of COPY's text format: its backslashes doubled (JSON escapes any control character)."""
    return text.replace(b"\\", b"\\\\") if b"\\" in text else text


def payload_json(payload: dict[str, Any]) -> bytes:
    """The event's payload as JSON (UTF-8) for COPY. pydantic-core's encoder (compiled; UTF-8 as it is,
    compact) takes less than half the standard library's time, and JSON encoding is the largest share of an
    import's own CPU after the checks; the column is jsonb, so the stored payload is the same whichever encoder
    wrote the text."""
    return to_json(payload)


def subjects_json(subjects: Sequence[tuple[str, str]]) -> str:
    """Subjects as the store keeps them ([{"id", "role"}]); the ids are validated ID numbers (digits and X),
    the roles the domain's names, so no character needs escaping."""
    return "[" + ",".join([f'{{"id":"{subject}","role":"{role}"}}' for subject, role in subjects]) + "]"
