"""The inline read models (migrations/0001_child_welfare_read_models.sql): kept in step with the events inside
the command's transaction, and the lookups commands decide on.

`child_subjects` carries C-2 (one file per child) across streams: its primary key turns a second file for
the same child — even one opened at the same moment by another officer — into `file_exists`, raised inside
the command's transaction, so nothing of the command is written. Per-event projections keep the indexes;
`refresh` rewrites the file's row and its ledger spans from the file's state after the command.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from services.child_welfare.contract.refusals import FILE_EXISTS
from services.child_welfare.domain import events as ev
from services.child_welfare.domain.decide import Declared, RegisteredDeath, eligibility_ends_on
from services.child_welfare.domain.file import ChildFile
from services.child_welfare.domain.ledger import Standards, spans
from services.child_welfare.domain.referrals import ReliefClosure
from shared.envelope import Event
from shared.errors import Refusal


class ReadModels:
    """The read models as seen from one transaction."""

    def __init__(self, tx: psycopg.Connection) -> None:
        self.tx = tx

    # -- lookups ----------------------------------------------------------------------------------------
    def file_of(self, subject_id: str) -> str | None:
        """The file of a child known under this ID number or temporary id (C-2)."""
        row = self.tx.execute("SELECT child_id FROM child_subjects WHERE subject_id = %s", (subject_id,)).fetchone()
        return row[0] if row else None

    def children_of(self, parent_id: str) -> list[str]:
        rows = self.tx.execute("SELECT child_id FROM parent_children WHERE parent_id = %s ORDER BY child_id",
                               (parent_id,)).fetchall()
        return [row[0] for row in rows]

    def foster_children_locked(self, carer_id: str) -> int:
        """The carer's foster children, with the carer's row locked until the transaction ends (C-4)."""
        self.tx.execute("INSERT INTO foster_carers (carer_id) VALUES (%s) ON CONFLICT DO NOTHING", (carer_id,))
        self.tx.execute("SELECT 1 FROM foster_carers WHERE carer_id = %s FOR UPDATE", (carer_id,))
        row = self.tx.execute("SELECT count(*) FROM foster_placements WHERE carer_id = %s", (carer_id,)).fetchone()
        return int(row[0])

    def standards(self) -> Standards:
        return load_standards(self.tx)

    def children_paid(self, category: str, first: Any, last: Any) -> list[str]:
        """C-5: the children whose ledger pays `category` in some month from `first` to `last`."""
        rows = self.tx.execute(
            "SELECT DISTINCT child_id FROM allowance_spans WHERE category = %s AND first_month <= %s"
            " AND (last_month IS NULL OR last_month >= %s) ORDER BY child_id", (category, last, first)).fetchall()
        return [row[0] for row in rows]

    # -- the relief loop (domain/referrals.py) ------------------------------------------------------------
    def referral_of_case(self, case_id: str) -> str | None:
        """The referral file a relief case opened, if any."""
        row = self.tx.execute("SELECT child_id FROM child_files WHERE relief_case_id = %s AND source ="
                              " 'relief_referral' ORDER BY applied_on DESC LIMIT 1", (case_id,)).fetchone()
        return row[0] if row else None

    def note_relief_closure(self, closure: ReliefClosure, event_id: str) -> None:
        """The case's end, remembered whichever of referral and closure arrives first (the first closure
        wins: a case ends once)."""
        self.tx.execute("INSERT INTO relief_closures (case_id, outcome, closed_on, cause, event_id)"
                        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (case_id) DO NOTHING",
                        (closure.case_id, closure.outcome, closure.on, closure.cause, event_id))

    def relief_closure(self, case_id: str) -> ReliefClosure | None:
        row = self.tx.execute("SELECT case_id, outcome, closed_on, cause FROM relief_closures WHERE case_id = %s",
                              (case_id,)).fetchone()
        return ReliefClosure(*row) if row else None

    # -- a parent's condition from the funeral service: deaths (C-6) and court declarations (D-6) ------------------
    def lock_parent_conditions(self, persons: list[str], exclusive: bool) -> None:
        """A file opened while a death, a declaration, its revocation or a withdrawn death (D-11) of a parent is
        applied. The opening reads the registered deaths and standing declarations, the reaction reads the
        parent's files, each before the other commits: without a common lock neither sees the other and the file
        misses the change (or keeps what was revoked or withdrawn). Openings take each parent's lock shared (they
        never wait for one another), every reaction changing a person's condition the person's exclusively,
        before either reads; the second to come waits for the first to commit and then sees what it wrote.
        Per person, in one order (sorted), namespace 4 (1 is the event store's append lock)."""
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        for person in sorted(set(persons)):
            self.tx.execute(f"SELECT {function}(4, hashtext(current_schema() || ':' || %s))", (person,))

    def note_death(self, death: RegisteredDeath) -> None:
        """A person's registered death (or its corrected date), kept whether or not a file names the person yet."""
        self.tx.execute("INSERT INTO registered_deaths (death_id, person_id, died_on) VALUES (%s, %s, %s)"
                        " ON CONFLICT (death_id) DO UPDATE SET person_id = excluded.person_id,"
                        " died_on = excluded.died_on", (death.death_id, death.person, death.died_on))

    def forget_death(self, death_id: str) -> None:
        """Withdrawn (D-11), or moved to a person not yet identified (F-7)."""
        self.tx.execute("DELETE FROM registered_deaths WHERE death_id = %s", (death_id,))

    def registered_deaths(self, persons: list[str]) -> list[RegisteredDeath]:
        rows = self.tx.execute("SELECT person_id, death_id, died_on FROM registered_deaths WHERE person_id = ANY(%s)"
                               " ORDER BY died_on, death_id", (persons,)).fetchall()
        return [RegisteredDeath(*row) for row in rows]

    def note_declaration(self, declared: Declared) -> None:
        """A court's declaration about a person, kept whether or not a file names the person yet."""
        self.tx.execute("INSERT INTO declared_persons (declaration_id, person_id, kind, judgment_on, court,"
                        " judgment_ref) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (declaration_id) DO NOTHING",
                        (declared.declaration_id, declared.person, declared.kind, declared.judgment_on,
                         declared.court, declared.judgment_ref))

    def end_declaration(self, declaration_id: str, ended_on: Any) -> None:
        """Revoked, or superseded by a death declaration (D-3, D-5): no longer standing from `ended_on`."""
        self.tx.execute("UPDATE declared_persons SET ended_on = %s WHERE declaration_id = %s AND ended_on IS NULL",
                        (ended_on, declaration_id))

    def standing_declarations(self, persons: list[str]) -> list[Declared]:
        """The declarations standing about any of `persons`, oldest judgment first."""
        rows = self.tx.execute("SELECT person_id, declaration_id, kind, judgment_on, court, judgment_ref"
                               " FROM declared_persons WHERE person_id = ANY(%s) AND ended_on IS NULL"
                               " ORDER BY judgment_on, declaration_id", (persons,)).fetchall()
        return [Declared(*row) for row in rows]

    # -- projection -------------------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        project = _PROJECTIONS.get(event.type)
        if project is not None:
            project(self.tx, event)

    def refresh(self, file: ChildFile) -> None:
        """The file's row and its ledger spans, from its state after the command."""
        placement = file.placement
        self.tx.execute(
            "INSERT INTO child_files (child_id, subject_id, id_number, temporary_id, birth_date, source, status,"
            " category, care, institution, applied_on, assessment_from, township_checked_on, decided_on,"
            " terminated_on, agreement_until, last_visit, relief_case_id, eligibility_ends_on, version,"
            " household_division)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (child_id) DO UPDATE SET subject_id = excluded.subject_id, id_number = excluded.id_number,"
            " birth_date = excluded.birth_date, status = excluded.status, category = excluded.category,"
            " care = excluded.care, institution = excluded.institution, assessment_from = excluded.assessment_from,"
            " township_checked_on = excluded.township_checked_on, decided_on = excluded.decided_on,"
            " terminated_on = excluded.terminated_on, agreement_until = excluded.agreement_until,"
            " last_visit = excluded.last_visit, eligibility_ends_on = excluded.eligibility_ends_on,"
            " relief_case_id = excluded.relief_case_id,"
            " version = excluded.version, household_division = excluded.household_division",
            (file.child_id, file.subject_id, file.id_number, file.temporary_id, file.birth_date, file.source,
             file.status, file.category, placement.care, placement.institution, file.applied_on,
             file.assessment_from or file.applied_on, file.township_check[0] if file.township_check else None,
             file.decided_on, file.termination.effective_on if file.termination else None, file.agreement_until,
             file.last_visit, file.relief_case_id, eligibility_ends_on(file), file.version, file.household_division),
        )
        self.tx.execute("DELETE FROM allowance_spans WHERE child_id = %s", (file.child_id,))
        rows = [(file.child_id, span.first, span.last, span.category, span.care, Jsonb(span.basis))
                for span in spans(file)]
        if rows:
            with self.tx.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO allowance_spans (child_id, first_month, last_month, category, care, basis)"
                    " VALUES (%s, %s, %s, %s, %s, %s)", rows)


def load_standards(conn: psycopg.Connection) -> Standards:
    rows = conn.execute("SELECT category, care, from_month, amount FROM allowance_standards").fetchall()
    found: dict[tuple[str, str], list[tuple[Any, Decimal]]] = {}
    for category, care, from_month, amount in rows:
        found.setdefault((category, care), []).append((from_month, Decimal(amount)))
    return Standards(found)


def _unique(tx: psycopg.Connection, sql: str, params: tuple[Any, ...], refusal: Callable[[], Refusal]) -> None:
    """A write whose unique violation means a rule was broken by a concurrent or earlier command."""
    try:
        with tx.transaction():  # a savepoint: the refusal, not a broken transaction, reaches the caller
            tx.execute(sql, params)
    except psycopg.errors.UniqueViolation:
        raise refusal() from None


def _file_exists() -> Refusal:
    return Refusal(FILE_EXISTS, "this child already has a file", 409,
                   [{"loc": ["body", "child", "id_number"], "msg": "one file per child (C-2)"}])


def _file_opened(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    child = event.subjects[0].id
    # The file's row first (the indexes refer to it); `refresh` completes it after the command.
    tx.execute(
        "INSERT INTO child_files (child_id, subject_id, source, status, care, applied_on, assessment_from, version)"
        " VALUES (%s, %s, %s, 'applied', %s, %s, %s, %s)",
        (p["child_id"], child, p["source"], p["care"], p["applied_on"], p["applied_on"], event.stream_version),
    )
    _unique(tx, "INSERT INTO child_subjects (subject_id, child_id) VALUES (%s, %s)", (child, p["child_id"]),
            _file_exists)
    for parent in (s.id for s in event.subjects if s.role == "parent"):
        tx.execute("INSERT INTO parent_children (parent_id, child_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                   (parent, p["child_id"]))
    carer = (p.get("carer") or {}).get("id_number")
    if carer:
        _foster(tx, p["child_id"], carer)


def _child_identified(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    _unique(tx, "INSERT INTO child_subjects (subject_id, child_id) VALUES (%s, %s)", (p["id_number"], p["child_id"]),
            _file_exists)


def _parent_changed(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    if p.get("id_number"):
        tx.execute("INSERT INTO parent_children (parent_id, child_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                   (p["id_number"], p["child_id"]))


def _placement_changed(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute("DELETE FROM foster_placements WHERE child_id = %s", (p["child_id"],))
    carer = (p.get("carer") or {}).get("id_number")
    if carer:
        _foster(tx, p["child_id"], carer)


def _foster(tx: psycopg.Connection, child_id: str, carer_id: str) -> None:
    tx.execute("INSERT INTO foster_carers (carer_id) VALUES (%s) ON CONFLICT DO NOTHING", (carer_id,))
    tx.execute("INSERT INTO foster_placements (child_id, carer_id) VALUES (%s, %s)", (child_id, carer_id))


def _support_terminated(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute("DELETE FROM foster_placements WHERE child_id = %s", (p["child_id"],))
    if p.get("review_from"):  # D-6: months paid after a declared child's earlier date of death
        tx.execute("INSERT INTO payment_reviews (child_id, reason, first_month, last_month, event_id)"
                   " VALUES (%s, 'paid_after_declared_death', %s, %s, %s) ON CONFLICT (event_id) DO NOTHING",
                   (p["child_id"], p["review_from"] + "-01", p["review_until"] + "-01", event.event_id))


def _allowance_adjusted(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute(
        "INSERT INTO allowance_adjustments (event_id, child_id, recorded_month, total, months)"
        " VALUES (%s, %s, date_trunc('month', %s::date), %s, %s)",
        (event.event_id, p["child_id"], p["recorded_on"], p["total"], Jsonb(p["months"])),
    )


def _standard_set(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute(
        "INSERT INTO allowance_standards (category, care, from_month, amount) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (category, care, from_month) DO UPDATE SET amount = excluded.amount",
        (p["category"], p["care"], f"{p['from_month']}-01", p["amount"]),
    )


_PROJECTIONS: dict[str, Callable[[psycopg.Connection, Event], None]] = {
    ev.CHILD_FILE_OPENED: _file_opened,
    ev.CHILD_IDENTIFIED: _child_identified,
    ev.PARENT_CONDITION_CHANGED: _parent_changed,
    ev.CARE_PLACEMENT_CHANGED: _placement_changed,
    ev.SUPPORT_TERMINATED: _support_terminated,
    ev.ALLOWANCE_ADJUSTED: _allowance_adjusted,
    ev.STANDARD_SET: _standard_set,
}
