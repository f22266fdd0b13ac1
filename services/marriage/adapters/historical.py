"""M-12: an import batch's registrations written in bulk — the read-model rows and the events by COPY.

A batch of a thousand records writes six thousand rows (each record's event, its marriage, both persons'
current-marriage rows and both certificates). Sent as one JSON parameter, the server spent most of the
batch parsing it and taking it apart; COPY hands it rows, and costs a round trip per table.

The order is what keeps the guarantees and lets two batches overlap:
1. the read-model rows first, without the store's append lock: `current_marriages` is M-3's key, so a person
   registered meanwhile (a registration, or another batch) fails the batch here, before anything is
   appended — the caller decides it again on fresh facts; a certificate number in use fails it likewise;
2. then the events: COPYed into `events_staging` (the service role may not write `events`; the rows live
   only in this transaction), then moved by `append_staged` (migrations/0003_import_staged_append.sql),
   which runs as the store's owner under the store's append lock (the lock `append_events` takes, the last
   position read in a fresh snapshot), numbers them densely from that position in the batch's order, stamps
   their `recorded_at`, and the chain trigger hashes each (shared/migrations/0003_hash_chain.sql). Each
   record is its own stream `marriage-<id>` at version 1. The lock is held to the commit, as for every
   append, so positions stay dense and commit-ordered; the events table's keys refuse a duplicate event id
   or an existing stream, and its statement trigger notifies the relay.
While one batch holds the lock for its events and commit, the next writes its read-model and staged rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

from services.marriage.adapters.read_models import already_married, compact
from services.marriage.contract.refusals import CERTIFICATE_NUMBER_TAKEN
from services.marriage.domain import events as ev
from services.marriage.domain.events import Draft
from shared.envelope import Metadata, derived_id_text
from shared.errors import Refusal

_MARRIAGES = ("COPY marriages (registration_id, office, registered_on, husband, wife, parties, cross_county,"
              " imported, status, version, flagged) FROM STDIN")
_CURRENT = "COPY current_marriages (person_id, registration_id) FROM STDIN"
_CERTIFICATES = "COPY certificates (number, registration_id, id_number, kind, issued_on, office) FROM STDIN"
_STAGED = ("COPY events_staging (event_id, stream_id, stream_version, event_type, schema_version, occurred_on,"
           " subjects, payload, metadata, ordinal) FROM STDIN")


def historical_event_id(registration_id: str) -> str:
    """The same record's event always has the same id: appending it twice fails on the store's key."""
    return derived_id_text("marriage", "historical-event", registration_id)


def write_registrations(tx: psycopg.Connection, registered: Sequence[tuple[str, Draft]], metadata: Metadata,
                        ended: frozenset[str] = frozenset()) -> None:
    """Append each imported registration as its own new stream and write its read-model rows, in `tx`.
    Raises the M-3 or M-7 refusal when a person or certificate number was taken meanwhile. `ended`: the
    records a paper divorce ended (their divorce is appended next): not in force, so no M-3 key."""
    parties = [compact(draft.payload["parties"]) for _, draft in registered]  # encoded once, for both
    events = _event_rows(registered, parties, metadata)  # before the lock: it is held only to write them
    try:
        _read_models(tx, registered, parties, ended)
    except psycopg.errors.UniqueViolation as exc:
        if exc.diag.table_name == "certificates":
            raise Refusal(CERTIFICATE_NUMBER_TAKEN, "a certificate number is in use already", 409) from None
        raise already_married() from None
    _append(tx, events)


def _read_models(tx: psycopg.Connection, registered: Sequence[tuple[str, Draft]], parties: Sequence[str],
                 ended: frozenset[str] = frozenset()) -> None:
    payloads = [draft.payload for _, draft in registered]
    with tx.cursor() as cursor:
        with cursor.copy(_MARRIAGES) as copy:
            for p, encoded in zip(payloads, parties, strict=True):
                husband, wife = p["parties"]
                copy.write_row((p["registration_id"], p["office"], p["registered_on"], husband["id_number"],
                                wife["id_number"], encoded, p["cross_county"], True, "married", 1,
                                bool(p.get("review"))))
        with cursor.copy(_CURRENT) as copy:  # M-3's key: a person married meanwhile fails here
            for p in payloads:
                if p["registration_id"] in ended:
                    continue
                for party in p["parties"]:
                    copy.write_row((party["id_number"], p["registration_id"]))
        with cursor.copy(_CERTIFICATES) as copy:
            for p in payloads:
                for certificate in p["certificates"]:
                    copy.write_row((certificate["number"], p["registration_id"], certificate["id_number"],
                                    "marriage", p["registered_on"], p["office"]))


def _event_rows(registered: Sequence[tuple[str, Draft]], parties: Sequence[str],
                metadata: Metadata) -> list[tuple[Any, ...]]:
    """The events' columns but their position, time of recording and hash, which only the store gives."""
    common = metadata.model_dump(exclude_none=True)
    by_office: dict[str, str] = {}
    rows = []
    for (registration_id, draft), encoded in zip(registered, parties, strict=True):
        office = draft.payload["office"]
        if office not in by_office:
            by_office[office] = compact({**common, "office": office})
        rows.append((historical_event_id(registration_id), ev.marriage_stream(registration_id), 1, draft.type,
                     draft.schema_version, draft.occurred_on, subjects_json(draft.subjects),
                     payload_json(draft.payload, encoded), by_office[office]))
    return rows


def _append(tx: psycopg.Connection, events: Sequence[tuple[Any, ...]]) -> None:
    """Staged in the batch's order, then appended by the store under its lock, held to the commit."""
    with tx.cursor() as cursor:
        with cursor.copy(_STAGED) as copy:
            for ordinal, row in enumerate(events):
                copy.write_row((*row, ordinal))
        cursor.execute("SELECT appended FROM append_staged()")


def payload_json(payload: dict[str, Any], parties: str | None = None) -> str:
    """The event's payload as JSON, its `parties` spliced in from `parties` (already encoded for the
    marriages row) when given: JSON encoding is the largest share of an import's own CPU."""
    if parties is None:
        return compact(payload)
    rest = compact({key: value for key, value in payload.items() if key != "parties"})
    return f'{rest[:-1]},"parties":{parties}}}'


def subjects_json(subjects: Sequence[tuple[str, str]]) -> str:
    """Subjects as the store keeps them ([{"id", "role"}]); the ids are validated ID numbers (digits and X),
    the roles the domain's names, so no character needs escaping."""
    return "[" + ",".join(f'{{"id":"{subject}","role":"{role}"}}' for subject, role in subjects) + "]"
