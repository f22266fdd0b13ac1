"""The inline read models (migrations/0001_marriage_read_models.sql): kept in step with the events inside the
command's transaction, and the lookups commands decide on.

Unique constraints carry the rules that span streams — one current marriage per person (M-3), unique
certificate copies (K-3), one pending divorce per marriage (M-8) — so a violation is turned into the
rule's refusal; raised inside the command's transaction, it leaves nothing of the command written.
A registration's rows (the marriage, both persons' current-marriage rows, both certificates) are written by
one statement: registrations are the hot path, and a round trip costs more than the inserts.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from services.marriage.contract.refusals import ALREADY_MARRIED, CERTIFICATE_NUMBER_TAKEN, DIVORCE_PENDING
from services.marriage.domain import events as ev
from services.marriage.domain.certificates import SerialKey
from services.marriage.domain.rules import PersonFacts
from shared.envelope import Event
from shared.errors import Refusal
from shared.first_statement import FirstStatement

# Each person's M-3 and M-10 facts, a row per person in the order asked; `{beside}` adds columns after them,
# `{persons}` is the persons' array.
_FACTS_OF = """
SELECT p.id, cm.registration_id, d.died_on, d.basis,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('registration_id', dp.registration_id,
                                                     'document_ref', dp.document_ref,
                                                     'listed_on', dp.listed_on) ORDER BY dp.listed_on), '[]')
          FROM dishonest_persons dp WHERE dp.person_id = p.id){beside}
  FROM unnest({persons}) WITH ORDINALITY AS p(id, n)
  LEFT JOIN current_marriages cm ON cm.person_id = p.id
  LEFT JOIN deceased_persons d ON d.person_id = p.id
 ORDER BY p.n
"""
_FACTS = _FACTS_OF.format(beside="", persons="%s::text[]")
# K-4: the next serial of a certificate sequence, taken in the command's transaction (rolled back with a
# refusal; the row stays locked until commit, so one office's registrations number in commit order).
_TAKE_SERIAL_OF = ("INSERT INTO certificate_serials AS s (prefix, division, year, last) SELECT %s, %s, %s, 1{unless}"
                   " ON CONFLICT (prefix, division, year) DO UPDATE SET last = s.last + 1 RETURNING last")
_TAKE_SERIAL = _TAKE_SERIAL_OF.format(unless="")
# The replay check, K-4 and M-3 in one round trip (a registration's hot path): the serial beside each person's
# facts, taken only if the command's first event is not stored yet — a retry takes none (the serials stay
# gap-free) and finds its column NULL. The persons are one parameter each (`ARRAY[%s, %s]`), not one array:
# the planner then knows their number in the prepared statement's generic plan too, which it keeps, where for
# an array parameter it guessed ten rows, found the generic plan dearer and planned every execution afresh
# (0.17 ms of PostgreSQL's CPU a registration, EXPLAIN's planning time).
_FACTS_AND_SERIAL_OF = (
    "WITH stored AS (SELECT FROM events WHERE event_id = %s), serial AS ("
    + _TAKE_SERIAL_OF.format(unless=" WHERE NOT EXISTS (SELECT FROM stored)") + ")"
    + _FACTS_OF.format(beside=", (SELECT last FROM serial)", persons="ARRAY[{placeholders}]::text[]"))


@functools.cache
def _facts_and_serial(persons: int) -> FirstStatement:
    """`_FACTS_AND_SERIAL_OF` for so many persons (a registration's two): the first statement of a registration's
    transaction, which it begins (shared/first_statement.py)."""
    return FirstStatement(f"marriage_facts_and_serial_{persons}",
                          _FACTS_AND_SERIAL_OF.replace("{placeholders}", ", ".join(["%s"] * persons)),
                          ("uuid", "text", "text", "integer", *["text"] * persons))

_INPUT = """
input AS (
    SELECT e->>'registration_id' AS registration_id, e->>'office' AS office,
           (e->>'registered_on')::date AS registered_on, e->'parties' AS parties, e->'certificates' AS certificates,
           (e->>'cross_county')::boolean AS cross_county, (e->>'imported')::boolean AS imported,
           {version} AS version
      FROM {source}
)"""

_READ_MODELS = """
marriage AS (
    INSERT INTO marriages (registration_id, office, registered_on, husband, wife, parties, cross_county, imported,
                           status, version)
    SELECT registration_id, office, registered_on, parties->0->>'id_number', parties->1->>'id_number', parties,
           cross_county, imported, 'married', version FROM input
    RETURNING registration_id
), current AS (
    INSERT INTO current_marriages (person_id, registration_id)
    SELECT party->>'id_number', i.registration_id FROM input i, jsonb_array_elements(i.parties) AS party
), certificate AS (
    INSERT INTO certificates (number, registration_id, id_number, kind, issued_on, office)
    SELECT c->>'number', i.registration_id, c->>'id_number', 'marriage', i.registered_on, i.office
      FROM input i, jsonb_array_elements(i.certificates) AS c
)
"""

# A registration's rows: MarriageRegistered payloads with their stream `version`.
_REGISTRATIONS = ("WITH " + _INPUT.format(version="(e->>'version')::integer",
                                          source="jsonb_array_elements(%(events)s::jsonb) AS e")
                  + "," + _READ_MODELS + "SELECT count(*) FROM marriage")

# A registration's rows and its certificates' codes, along its append (`PostgresEventStore.append(along=…)`): the
# payload is read from the events as appended (sent once), at the version `append_events` gave it; nothing is
# written if the append was refused (no rows in `appended`). The codes are `{codes}`: rows of three parameters
# each (`_registration_along`).
_REGISTRATION_ALONG_OF = (
    _INPUT.format(version="(SELECT min(stream_version) FROM appended)",
                  source="(SELECT a.e->'payload' AS e FROM jsonb_array_elements(%(events)s::jsonb) AS a(e)"
                         f" WHERE a.e->>'type' = '{ev.MARRIAGE_REGISTERED}'"
                         " AND EXISTS (SELECT FROM appended)) AS registered")
    + "," + _READ_MODELS
    + ", codes AS (INSERT INTO certificate_codes (number, id_number, code_hash)"
      " SELECT * FROM ({codes}) AS c(number, id_number, code_hash) WHERE EXISTS (SELECT FROM appended))"
)


@functools.cache
def _registration_along(copies: int) -> str:
    """`_REGISTRATION_ALONG_OF` for so many copies (a registration's two), each copy's code a row of scalar
    parameters: psycopg dumped the three arrays they were before through a new list dumper each, per
    registration (py-spy on the deployed shape: 7% of the marriage process's own samples)."""
    rows = " UNION ALL ".join(f"SELECT %(number{n})s::text, %(holder{n})s::text, %(hash{n})s::text"
                              for n in range(copies))
    return _REGISTRATION_ALONG_OF.replace("{codes}", rows or "SELECT NULL::text, NULL::text, NULL::text WHERE false")

def marriages_of(conn: psycopg.Connection, person: str) -> list[str]:
    """Every registration naming the person (any status), oldest first."""
    rows = conn.execute("SELECT registration_id FROM marriages WHERE husband = %s OR wife = %s"
                        " ORDER BY registered_on, registration_id", (person, person)).fetchall()
    return [row[0] for row in rows]


# One encoder, made once: `json.dumps` with options builds a new one at every call, and an import encodes
# three values per record.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def compact(value: Any) -> str:
    """JSON for bulk writes: UTF-8 as it is (names in Chinese are a third of the escaped size)."""
    return _COMPACT.encode(value)


def _person_facts(row: Sequence[Any]) -> PersonFacts:
    """A row of `_FACTS_OF`: (id, current marriage, died on, basis, dishonesty listings, …)."""
    return PersonFacts(row[1], row[2], tuple(row[4]), row[3])


def registration_violation(exc: psycopg.errors.UniqueViolation) -> Exception:
    """What a unique violation of a registration's rows stands for, wherever they are written (a registration,
    a projection, an import batch): a person married already (M-3: `marriages`, `current_marriages`) or a
    certificate number in use (M-7, K-4: `certificates`). A violation of another table (the events
    themselves, the codes) is not a rule's: it stays what it is."""
    table = exc.diag.table_name
    if table == "certificates":
        return Refusal(CERTIFICATE_NUMBER_TAKEN, "a certificate number is in use already", 409)
    if table in ("marriages", "current_marriages"):
        return already_married()
    return exc


def already_married() -> Refusal:
    return Refusal(ALREADY_MARRIED, "a party is married, whichever office registered it (M-3)", 409,
                   [{"loc": ["body", "reasons", 0], "msg": ALREADY_MARRIED}])


# M-12: what an import batch decides on, in one statement (ReadModels.import_lookups). `current_marriages` and
# `certificates` grow by two rows a record as an import goes: each key is looked up by its index (a lateral
# subquery, fenced by OFFSET 0 so that the planner cannot turn it into a join). Left to the planner, a batch's
# thousands of keys made it scan the whole of `certificates` (EXPLAIN ANALYZE at 116,000 rows: 27 ms a batch
# against 5 for the probes), a cost growing with every batch imported. The fenced subqueries' rough row
# estimates can make the statement look worth JIT-compiling, some 400 ms a batch: `import_lookups` turns JIT
# off for the batch's transaction.
IMPORT_LOOKUPS = (
    "WITH p AS (SELECT unnest(string_to_array(%(p)s, ',')) AS id)"
    " SELECT 'married', m.person_id, m.registration_id FROM p CROSS JOIN LATERAL"
    " (SELECT person_id, registration_id FROM current_marriages WHERE person_id = p.id OFFSET 0) m"
    " UNION ALL SELECT 'taken', c.number, c.registration_id"
    " FROM unnest(string_to_array(%(n)s, ',')) AS n(number) CROSS JOIN LATERAL"
    " (SELECT number, registration_id FROM certificates WHERE number = n.number OFFSET 0) c"
    " UNION ALL SELECT 'recorded', record_id, NULL FROM import_conflicts"
    " WHERE record_id = ANY(string_to_array(%(r)s, ','))"
    " UNION ALL SELECT 'deceased', person_id, died_on::text || ' ' || death_id FROM deceased_persons"
    " WHERE person_id IN (SELECT id FROM p)")


class ReadModels:
    """The read models as seen from one transaction."""

    def __init__(self, tx: psycopg.Connection) -> None:
        self.tx = tx

    # -- lookups ----------------------------------------------------------------------------------------
    def facts(self, id_numbers: Sequence[str]) -> list[PersonFacts]:
        """M-3, M-10 facts of each person, in one round trip."""
        return [_person_facts(row) for row in self.tx.execute(_FACTS, (list(id_numbers),))]

    def facts_and_serial(self, id_numbers: Sequence[str], key: SerialKey,
                         unless_stored: uuid.UUID | None) -> tuple[list[PersonFacts], int | None]:
        """`facts` and `take_serial` in one statement (a registration's hot path), unless the event
        `unless_stored` (the command's first, `UnitOfWork.first_event_id`) is stored already: then the serial
        is None, none was taken, and the command is a retry (`UnitOfWork.replayed`)."""
        rows = _facts_and_serial(len(id_numbers)).run(
            self.tx, (unless_stored, key.prefix, key.division, key.year, *id_numbers))
        serial = rows[0][5]
        return [_person_facts(row) for row in rows], None if serial is None else int(serial)

    def married_from(self, id_numbers: Sequence[str], on: Any) -> dict[str, str]:
        """M-3 for a late registration (a registrar's, dated in the past): each person's marriage in force on
        `on` or begun after it and not void — a marriage dated `on` would overlap it. Person → registration."""
        rows = self.tx.execute(
            "SELECT p.id, m.registration_id FROM unnest(%s::text[]) AS p(id) JOIN marriages m"
            " ON p.id IN (m.husband, m.wife) WHERE m.status NOT IN ('void', 'annulled', 'revoked')"
            " AND (m.ended_on IS NULL OR m.ended_on > %s) ORDER BY m.registered_on",
            (list(id_numbers), on)).fetchall()
        return {person: registration_id for person, registration_id in reversed(rows)}

    def flagged_marriages(self, after: str | None, limit: int) -> list[str]:
        """M-11, M-12, D-4, D-11: marriages flagged for a registrar's review, imported or registered here, in
        registration id order after `after`."""
        rows = self.tx.execute("SELECT registration_id FROM marriages WHERE flagged"
                               " AND registration_id > coalesce(%s, '') ORDER BY registration_id LIMIT %s",
                               (after, limit)).fetchall()
        return [row[0] for row in rows]

    def take_serial(self, key: SerialKey) -> int:
        """K-4: the next serial of the sequence, in this transaction: rolled back with it (a refusal takes
        none); the row stays locked until commit, so one office's registrations number in commit order."""
        return int(self.tx.execute(_TAKE_SERIAL, (key.prefix, key.division, key.year)).fetchone()[0])

    def store_codes(self, copies: Sequence[tuple[str, str, str]]) -> None:
        """K-8: (number, holder, code hash) of copies issued by this transaction."""
        # One statement: executemany runs a pipeline (enter, send, sync), which cost more than the two rows.
        self.tx.execute("INSERT INTO certificate_codes (number, id_number, code_hash)"
                        " SELECT * FROM unnest(%s::text[], %s::text[], %s::text[])",
                        ([c[0] for c in copies], [c[1] for c in copies], [c[2] for c in copies]))

    def copies(self, number: str) -> list[tuple[str, str]]:
        """K-8: (holder, code hash) of each copy of a number that has a code (imported paper has none)."""
        return [(row[0], row[1]) for row in self.tx.execute(
            "SELECT id_number, code_hash FROM certificate_codes WHERE number = %s ORDER BY id_number", (number,))]

    def copy(self, number: str, holder: str) -> dict[str, Any] | None:
        row = self.tx.execute(
            "SELECT c.kind, c.issued_on, c.valid, c.office, c.registration_id, m.status FROM certificates c"
            " JOIN marriages m USING (registration_id) WHERE c.number = %s AND c.id_number = %s",
            (number, holder)).fetchone()
        if row is None:
            return None
        return dict(zip(("kind", "issued_on", "valid", "office", "registration_id", "status"), row, strict=True))

    def person_copies(self, person: str) -> list[dict[str, Any]]:
        """K-7: the certificate copies a person holds or held (replaced ones too) of registrations that exist in
        law (not void, annulled or revoked): number, kind, issue date, office."""
        rows = self.tx.execute(
            "SELECT c.number, c.kind, c.issued_on, coalesce(c.office, m.office) FROM certificates c"
            " JOIN marriages m USING (registration_id) WHERE c.id_number = %s"
            " AND m.status NOT IN ('void', 'annulled', 'revoked') ORDER BY c.issued_on, c.number", (person,))
        return [dict(zip(("number", "kind", "issued_on", "office"), row, strict=True)) for row in rows]

    def statement(self, number: str) -> dict[str, Any] | None:
        """K-7: a record-of-registration statement as issued."""
        row = self.tx.execute("SELECT id_number, name, office, issued_on, purpose, destination, registrations"
                              " FROM record_statements WHERE number = %s", (number,)).fetchone()
        keys = ("id_number", "name", "office", "issued_on", "purpose", "destination", "registrations")
        return dict(zip(keys, row, strict=True)) if row else None

    def holders(self, number: str) -> list[str]:
        return [row[0] for row in self.tx.execute("SELECT id_number FROM certificates WHERE number = %s", (number,))]

    def blank(self, number: str) -> tuple[str, str] | None:
        """K-5: (status, office) of a blank."""
        row = self.tx.execute("SELECT status, office FROM certificate_blanks WHERE number = %s", (number,)).fetchone()
        return (row[0], row[1]) if row else None

    def received_already(self, numbers: Sequence[str]) -> list[str]:
        return [row[0] for row in self.tx.execute(
            "SELECT number FROM certificate_blanks WHERE number = ANY(%s) AND received_on IS NOT NULL"
            " ORDER BY number LIMIT 10", (list(numbers),))]

    def import_lookups(self, persons: Sequence[str], numbers: Sequence[str],
                       record_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """M-12, in one round trip: `married` person → current marriage, `taken` certificate number → its
        registration, `recorded` the records whose conflict an earlier run recorded, `deceased` person →
        `<died_on> <death_id>` (IMPORT_LOOKUPS). The batch's first statement: it turns JIT off for the rest of
        the transaction, whose statements run once each and in milliseconds, where compiling one costs hundreds
        of them."""
        self.tx.execute("SET LOCAL jit = off")
        rows = self.tx.execute(
            IMPORT_LOOKUPS,
            # Joined text, not text[] parameters: adapting thousands of list items costs more than the
            # query. ID numbers, certificate numbers (domain/imports.py) and record ids hold no comma.
            {"p": ",".join(persons), "n": ",".join(numbers), "r": ",".join(record_ids)}).fetchall()
        found: dict[str, dict[str, str]] = {"married": {}, "taken": {}, "recorded": {}, "deceased": {}}
        for kind, key, value in rows:
            found[kind][key] = value
        return found

    def current_marriage(self, person: str) -> str | None:
        row = self.tx.execute("SELECT registration_id FROM current_marriages WHERE person_id = %s",
                              (person,)).fetchone()
        return row[0] if row else None

    def marriages_of(self, person: str) -> list[str]:
        """Every registration naming the person (any status), oldest first."""
        return marriages_of(self.tx, person)

    def death_of(self, person: str) -> tuple[dt.date, str] | None:
        row = self.tx.execute("SELECT died_on, death_id FROM deceased_persons WHERE person_id = %s",
                              (person,)).fetchone()
        return (row[0], row[1]) if row else None

    def pending_divorce(self, registration_id: str) -> str | None:
        row = self.tx.execute("SELECT divorce_id FROM divorces WHERE registration_id = %s AND status = 'pending'",
                              (registration_id,)).fetchone()
        return row[0] if row else None

    def lapsing_divorces(self, today: dt.date, limit: int = 500) -> list[str]:
        rows = self.tx.execute("SELECT divorce_id FROM divorces WHERE status = 'pending' AND register_until < %s"
                               " ORDER BY register_until LIMIT %s", (today, limit)).fetchall()
        return [row[0] for row in rows]

    def book_slot(self, office: str, day: dt.date, kind: str, capacity: int) -> bool:
        """M-13: take one place of the slot if one is left (a row lock per slot: concurrent bookings queue)."""
        row = self.tx.execute(
            "INSERT INTO appointment_slots AS s (office, date, kind, booked) VALUES (%s, %s, %s, 1)"
            " ON CONFLICT (office, date, kind) DO UPDATE SET booked = s.booked + 1 WHERE s.booked < %s"
            " RETURNING booked", (office, day, kind, capacity)).fetchone()
        return row is not None and (row[0] <= capacity)

    # -- projection -------------------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        project = _PROJECTIONS.get(event.type)
        if project is not None:
            project(self.tx, event)

    @staticmethod
    def registration_along(copies: Sequence[tuple[str, str, str]]) -> tuple[str, dict[str, Any]]:
        """A registration's rows (marriage, current marriages, certificates) and its copies' codes ((number,
        holder, code hash), K-8), written by its append's own statement (`PostgresEventStore.append`'s
        `along`); a violation raised by them is `registration_violation`'s to answer."""
        parameters: dict[str, Any] = {}
        for n, (number, holder, code_hash) in enumerate(copies):
            parameters[f"number{n}"], parameters[f"holder{n}"], parameters[f"hash{n}"] = number, holder, code_hash
        return _registration_along(len(copies)), parameters

    def register_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """MarriageRegistered payloads with their stream `version` (one, or an import batch's) into
        marriages, current_marriages and certificates in one statement; a person already married anywhere
        fails it (M-3). No savepoint: a violation refuses the whole command, whose transaction then rolls
        back — and two round trips fewer on the hot path."""
        try:
            self.tx.execute(_REGISTRATIONS, {"events": Jsonb(rows)})
        except psycopg.errors.UniqueViolation as exc:
            raise registration_violation(exc) from None


def _touch(tx: psycopg.Connection, event: Event, status: str | None = None, ended_on: Any = None) -> None:
    tx.execute("UPDATE marriages SET version = %s, status = coalesce(%s, status),"
               " ended_on = CASE WHEN %s::text IS NULL THEN ended_on ELSE %s::date END WHERE registration_id = %s",
               (event.stream_version, status, ended_on, ended_on, event.payload["registration_id"]))


def _end(tx: psycopg.Connection, event: Event, status: str, ended_on: str) -> None:
    """The marriage no longer counts for M-3: both persons may marry again."""
    _touch(tx, event, status, ended_on)
    # By the parties' keys (no second index on this hot table to keep up at every registration).
    tx.execute("DELETE FROM current_marriages c USING marriages m WHERE m.registration_id = %s"
               " AND c.person_id IN (m.husband, m.wife) AND c.registration_id = m.registration_id",
               (event.payload["registration_id"],))


def _registered(tx: psycopg.Connection, event: Event) -> None:
    ReadModels(tx).register_rows([{**event.payload, "version": event.stream_version}])


def _refused(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute("INSERT INTO refusals (refusal_id, office, refused_on, reasons) VALUES (%s, %s, %s, %s)",
               (p["refusal_id"], p["office"], p["refused_on"], p["reasons"]))


def _reissued(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute("UPDATE certificates SET valid = false, replaced_by = %s WHERE number = %s AND id_number = %s",
               (p["new_number"], p["old_number"], p["id_number"]))
    _unique_certificate(tx, p["new_number"], p["registration_id"], p["id_number"], "marriage", p["reissued_on"],
                        p.get("office"))
    _touch(tx, event)


def _divorce_certificate_reissued(tx: psycopg.Connection, event: Event) -> None:
    """K-6: the replaced divorce copy answers valid=false from now on; the `BL` copy is a divorce certificate."""
    p = event.payload
    tx.execute("UPDATE certificates SET valid = false, replaced_by = %s WHERE number = %s AND id_number = %s",
               (p["new_number"], p["old_number"], p["id_number"]))
    _unique_certificate(tx, p["new_number"], p["registration_id"], p["id_number"], "divorce", p["reissued_on"],
                        p["office"])
    _touch(tx, event)


def _statement_issued(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute("INSERT INTO record_statements (number, id_number, name, office, issued_on, purpose, destination,"
               " registrations) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
               (p["number"], p["id_number"], p["name"], p["office"], p["issued_on"], p["purpose"], p["destination"],
                Jsonb(p["registrations"])))


def _unique_certificate(tx: psycopg.Connection, number: str, registration_id: str, id_number: str, kind: str,
                        issued_on: str, office: str | None) -> None:
    try:
        with tx.transaction():
            tx.execute("INSERT INTO certificates (number, registration_id, id_number, kind, issued_on, office)"
                       " VALUES (%s, %s, %s, %s, %s, %s)",
                       (number, registration_id, id_number, kind, issued_on, office))
    except psycopg.errors.UniqueViolation:
        raise Refusal(CERTIFICATE_NUMBER_TAKEN, "a certificate number is in use already", 409) from None


def _divorce_registered(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    _end(tx, event, "divorced", p["registered_on"])
    tx.execute("UPDATE divorces SET status = 'registered', registered_on = %s WHERE divorce_id = %s",
               (p["registered_on"], p["divorce_id"]))
    for certificate in p["certificates"]:
        _unique_certificate(tx, certificate["number"], p["registration_id"], certificate["id_number"], "divorce",
                            p["registered_on"], p["office"])


def _court_outcome(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    _end(tx, event, "divorced" if p["kind"] == "divorce" else p["kind"], p["effective_on"])


def _revoked(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    _end(tx, event, "revoked", p["revoked_on"])
    if p.get("dishonest_id_number"):
        tx.execute("INSERT INTO dishonest_persons (person_id, registration_id, document_ref, listed_on)"
                   " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                   (p["dishonest_id_number"], p["registration_id"], p["document_ref"], p["revoked_on"]))


def _ended_by_death(tx: psycopg.Connection, event: Event) -> None:
    _end(tx, event, "widowed", event.payload["died_on"])


def _revived(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    _touch(tx, event, "married")
    tx.execute("UPDATE marriages SET ended_on = NULL WHERE registration_id = %s", (p["registration_id"],))
    try:
        with tx.transaction():
            tx.execute("INSERT INTO current_marriages (person_id, registration_id)"
                       " SELECT party->>'id_number', registration_id"
                       " FROM marriages, jsonb_array_elements(parties) AS party"
                       " WHERE registration_id = %s", (p["registration_id"],))
    except psycopg.errors.UniqueViolation:
        raise already_married() from None


def _flagged(tx: psycopg.Connection, event: Event) -> None:
    _touch(tx, event)
    tx.execute("UPDATE marriages SET flagged = true WHERE registration_id = %s", (event.payload["registration_id"],))


def _divorce_applied(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    try:
        with tx.transaction():
            tx.execute("INSERT INTO divorces (divorce_id, registration_id, office, applied_on, register_from,"
                       " register_until, status, version) VALUES (%s, %s, %s, %s, %s, %s, 'pending', %s)",
                       (p["divorce_id"], p["registration_id"], p["office"], p["applied_on"], p["register_from"],
                        p["register_until"], event.stream_version))
    except psycopg.errors.UniqueViolation:
        raise Refusal(DIVORCE_PENDING, "a divorce application is pending for this marriage", 409) from None


def _divorce_ended(status: str) -> Callable[[psycopg.Connection, Event], None]:
    def project(tx: psycopg.Connection, event: Event) -> None:
        tx.execute("UPDATE divorces SET status = %s, version = %s WHERE divorce_id = %s",
                   (status, event.stream_version, event.payload["divorce_id"]))
    return project


def _appointment(status: str) -> Callable[[psycopg.Connection, Event], None]:
    def project(tx: psycopg.Connection, event: Event) -> None:
        p = event.payload
        if status == "booked":
            tx.execute("INSERT INTO appointments (appointment_id, office, date, kind, status, id_numbers, version)"
                       " VALUES (%s, %s, %s, %s, 'booked', %s, %s)",
                       (p["appointment_id"], p["office"], p["date"], p["kind"], list(p.get("id_numbers", ())),
                        event.stream_version))
            return
        tx.execute("UPDATE appointments SET status = %s, version = %s WHERE appointment_id = %s",
                   (status, event.stream_version, p["appointment_id"]))
        if status == "cancelled":  # the place is free again
            tx.execute("UPDATE appointment_slots SET booked = booked - 1 WHERE office = %s AND date = %s AND kind = %s",
                       (p["office"], p["date"], p["kind"]))
    return project


def _blanks_received(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute("INSERT INTO certificate_blanks (number, office, received_on, status, changed_on)"
               " SELECT %s || lpad(n::text, 8, '0'), %s, %s, 'on_hand', %s"
               " FROM generate_series(%s::integer, %s::integer) AS n",
               (p["series"], p["office"], p["received_on"], p["received_on"], p["first"], p["last"]))


def _blank_issued(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute("UPDATE certificate_blanks SET status = 'issued', certificate = %s, holder = %s, changed_on = %s"
               " WHERE number = %s", (p["certificate_number"], p["id_number"], p["issued_on"], p["number"]))


def _blank_voided(tx: psycopg.Connection, event: Event) -> None:
    """K-5: spoiled; a blank voided without a recorded receipt is kept too (received_on NULL), for the audit."""
    p = event.payload
    tx.execute("INSERT INTO certificate_blanks AS b (number, office, status, reason, changed_on)"
               " VALUES (%s, %s, 'spoiled', %s, %s) ON CONFLICT (number) DO UPDATE SET status = 'spoiled',"
               " reason = excluded.reason, changed_on = excluded.changed_on",
               (p["number"], p["office"], p["reason"], p["voided_on"]))


def _conflicted(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute("INSERT INTO import_conflicts (record_id, batch_id, record_ref, reason) VALUES (%s, %s, %s, %s)"
               " ON CONFLICT DO NOTHING", (p["record_id"], p["batch_id"], p["record_ref"], p["reason"]))


_PROJECTIONS: dict[str, Callable[[psycopg.Connection, Event], None]] = {
    ev.MARRIAGE_REGISTERED: _registered,
    ev.REGISTRATION_REFUSED: _refused,
    ev.CERTIFICATE_REISSUED: _reissued,
    ev.DIVORCE_CERTIFICATE_REISSUED: _divorce_certificate_reissued,
    ev.RECORD_STATEMENT_ISSUED: _statement_issued,
    ev.DIVORCE_REGISTERED: _divorce_registered,
    ev.COURT_OUTCOME_RECORDED: _court_outcome,
    ev.REGISTRATION_REVOKED: _revoked,
    ev.MARRIAGE_ENDED_BY_DEATH: _ended_by_death,
    ev.MARRIAGE_REVIVED: _revived,
    ev.MARRIAGE_NOT_REVIVED: lambda tx, event: _end(tx, event, "divorced", event.payload["divorced_on"]),  # D-5
    ev.MARRIAGE_FLAGGED_FOR_REVIEW: _flagged,
    ev.DEATH_DATE_CORRECTED: lambda tx, event: _touch(tx, event, ended_on=event.payload["died_on"]),
    ev.DIVORCE_APPLIED: _divorce_applied,
    ev.DIVORCE_WITHDRAWN: _divorce_ended("withdrawn"),
    ev.DIVORCE_DEEMED_WITHDRAWN: _divorce_ended("deemed_withdrawn"),
    ev.DIVORCE_APPLICATION_CLOSED: _divorce_ended("closed"),
    ev.APPOINTMENT_BOOKED: _appointment("booked"),
    ev.APPOINTMENT_CANCELLED: _appointment("cancelled"),
    ev.APPOINTMENT_MISSED: _appointment("missed"),
    ev.HISTORICAL_RECORD_CONFLICTED: _conflicted,
    ev.CERTIFICATE_BLANKS_RECEIVED: _blanks_received,
    ev.CERTIFICATE_BLANK_ISSUED: _blank_issued,
    ev.CERTIFICATE_BLANK_VOIDED: _blank_voided,
}
