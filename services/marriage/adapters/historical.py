"""M-12: an import batch's registrations written in bulk — each record's checked fields by COPY, its event and
read-model rows built from them inside PostgreSQL.

A batch of a thousand records writes six thousand rows (each record's event, its marriage, both persons'
current-marriage rows and both certificates). Sent as one JSON parameter, the server spent most of the
batch parsing it and taking it apart; COPYed as encoded events, the importing process spent a fifth of its CPU
building payloads and their JSON, which the server then parsed again (issue 19). So the importing process sends
only each record's fields — the ids it derived, the parties as checked, the flags it decided — and the server
builds the events' payloads, subjects and metadata, and the read-model rows, from those columns.

The order is what keeps the guarantees and lets two batches overlap:
1. the records are COPYed into `pg_temp.historical_records`, a temporary table of the importing session made by
   `historical_import_tables()` (the service role may not write `events`; the append function empties it once
   read, and PostgreSQL at each commit: migrations/0012_import_session_staging.sql), without any lock;
2. `append_historical_registrations` (migrations/0013_import_events_without_staging.sql; its JSON objects
   built as 0011_import_text_objects.sql does) writes the read-model rows, still without the store's append
   lock: `current_marriages` is M-3's key, so a person registered meanwhile (a registration, or another batch)
   fails the batch here, before anything is appended — the caller decides it again on fresh facts; a
   certificate number in use fails it likewise;
3. then, in the same call and as the store's owner, it takes the store's append lock (the lock
   `append_events` takes) and, in a statement of its own (so that its snapshot follows the lock), writes the
   events — their payloads those of `domain.imports.registration_draft` — into `events`, numbered densely
   after the last position in the batch's order, stamped with one `recorded_at` and chained (each row's hash,
   as in `append_events`, shared/migrations/0003_hash_chain.sql). Each record is its own stream
   `marriage-<id>` at version 1. The lock is held to the commit, as for every append, so positions stay dense
   and commit-ordered; the events table's keys refuse a duplicate event id or an existing stream, and its
   statement trigger notifies the relay.
While one batch holds the lock for its events and commit, the others write their staged and read-model rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from services.marriage.adapters.read_models import compact, registration_violation
from services.marriage.domain import events as ev
from services.marriage.domain import rules
from services.marriage.domain.events import Draft
from services.marriage.domain.imports import Checked, cross_county, jurisdiction_on
from shared.envelope import Metadata, derived_id_text
from shared.turns import in_turns

_TABLES = "SELECT historical_import_tables()"
_STAGED = ("COPY pg_temp.historical_records (ordinal, event_id, registration_id, stream_id, office, office_division,"
           " registered_on, husband, husband_name, husband_recorded, husband_household, wife, wife_name, wife_recorded,"
           " wife_household, husband_certificate, wife_certificate, cross_county, jurisdiction, record_ref, review)"
           " FROM STDIN")
_APPEND = "SELECT appended FROM append_historical_registrations(%s::text[], %s, %s::jsonb, %s, %s, %s)"
_PARTY = ev.parties("")[0][1]  # the parties' role as the events' subjects
_NULL = "\\N"  # COPY's text format's null


def historical_event_id(registration_id: str) -> str:
    """The same record's event always has the same id: appending it twice fails on the store's key."""
    return derived_id_text("marriage", "historical-event", registration_id)


def write_registrations(tx: psycopg.Connection, imported: Sequence[Checked], batch_id: str, metadata: Metadata,
                        ended: frozenset[str] = frozenset()) -> None:
    """Append each imported record's registration (`registration_draft`'s event) as its own new stream and write
    its read-model rows, in `tx`. Raises the M-3 or M-7 refusal when a person or certificate number was taken
    meanwhile. `ended`: the records a paper divorce ended (their divorce is appended next): not in force, so no
    M-3 key."""
    staged = staged_text(imported)
    if tx.info.encoding != "utf-8":  # COPY reads its bytes in the client's encoding (UTF-8 unless set otherwise)
        staged = staged.decode().encode(tx.info.encoding)
    with tx.cursor() as cursor:
        # Asked in every batch, not remembered per session: a rollback of the batch that made them takes the
        # tables away again. Once made, the function only finds them.
        cursor.execute(_TABLES)
        with cursor.copy(_STAGED) as copy:
            copy.write(staged)
        try:
            cursor.execute(_APPEND, (sorted(ended), batch_id, compact(metadata.model_dump(exclude_none=True)),
                                     ev.MARRIAGE_REGISTERED, Draft.SCHEMA_VERSIONS[ev.MARRIAGE_REGISTERED], _PARTY))
        except psycopg.errors.UniqueViolation as exc:
            # A person or number taken meanwhile is the rule's refusal; the store's own keys (an event or
            # stream appended twice) are not a race and stay what they are.
            raise registration_violation(exc) from None


def staged_text(imported: Sequence[Checked]) -> bytes:
    """The batch's records as the text of one COPY into `historical_records`, a line each in the batch's order
    (the order of their positions): the fields `registration_draft` builds the event from, as it reads them.
    Written here as text rather than row by row through psycopg's COPY formatter, which was a fifth of the
    time of the encoding this replaces (py-spy, issue 19). Only the free texts can hold a character COPY's text
    format escapes, a backslash: the ids are uuids and validated ID numbers, the dates ISO, the codes and
    certificate numbers matched by patterns, the names letters and separators, and no text field holds a
    control character (shared/reference/text.py)."""
    by_office: dict[str, str] = {}
    lines = []
    for ordinal, item in enumerate(in_turns(imported)):  # the other batches may wait
        record, registration_id = item.record, item.registration_id
        office = record.office
        if office not in by_office:
            by_office[office] = rules.office_division(office)
        households = item.households
        review = "{" + ",".join(item.review) + "}" if item.review else _NULL
        jurisdiction = jurisdiction_on(record.registered_on) or _NULL
        lines.append(
            f"{ordinal}\t{historical_event_id(registration_id)}\t{registration_id}\t"
            f"{ev.marriage_stream(registration_id)}\t{office}\t{by_office[office]}\t{record.registered_on}\t"
            f"{item.husband.value}\t{_copy_field(record.husband_name)}\t{record.husband_id_number.strip()}\t"
            f"{households[0]}\t{item.wife.value}\t{_copy_field(record.wife_name)}\t"
            f"{record.wife_id_number.strip()}\t{households[1]}\t{record.husband_certificate}\t"
            f"{record.wife_certificate}\t{'t' if cross_county(office, households) else 'f'}\t"
            f"{jurisdiction}\t{_copy_field(record.record_ref)}\t{review}\n")
    return "".join(lines).encode()


def _copy_field(text: str) -> str:
    """A text field of COPY's text format: its backslashes doubled (validated texts hold no control character)."""
    return text.replace("\\", "\\\\") if "\\" in text else text
