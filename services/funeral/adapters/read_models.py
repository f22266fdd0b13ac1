"""The inline read models (migrations/0001_funeral_read_models.sql): kept in step with the events inside
the command's transaction, and the lookups commands decide on.

Unique constraints here carry rules that span streams — one death per person (F-1), unique cremation
certificates (F-2) — so a violation is turned into the rule's refusal. Because it is raised inside the
command's transaction, nothing of the command is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg

from services.funeral.contract.refusals import ALREADY_DECEASED, DECLARATION_EXISTS, DUPLICATE_CREMATION_CERTIFICATE
from services.funeral.domain import events as ev
from services.funeral.domain.registration import DeclaredDeath
from shared.envelope import Event
from shared.errors import Refusal


class ReadModels:
    """The read models as seen from one transaction."""

    def __init__(self, tx: psycopg.Connection) -> None:
        self.tx = tx

    # -- lookups ----------------------------------------------------------------------------------------
    def death_of(self, subject_id: str) -> str | None:
        """The death registered for a person (ID number or temporary id), if any (F-1)."""
        row = self.tx.execute("SELECT death_id FROM person_deaths WHERE subject_id = %s", (subject_id,)).fetchone()
        return row[0] if row else None

    def death_of_relief_case(self, case_id: str) -> str | None:
        row = self.tx.execute("SELECT death_id FROM deaths WHERE relief_case_id = %s", (case_id,)).fetchone()
        return row[0] if row else None

    def standing_declarations(self, subject_id: str) -> dict[str, str]:
        """D-1: the person's standing declarations, by kind."""
        rows = self.tx.execute("SELECT kind, declaration_id FROM declarations"
                               " WHERE subject_id = %s AND ends_on IS NULL", (subject_id,)).fetchall()
        return {kind: declaration_id for kind, declaration_id in rows}

    def standing_death_declaration(self, subject_id: str) -> DeclaredDeath | None:
        """D-8: the person's standing death declaration and its art. 48 date, if any."""
        row = self.tx.execute("SELECT declaration_id, died_on FROM declarations"
                              " WHERE subject_id = %s AND kind = 'death' AND ends_on IS NULL", (subject_id,)).fetchone()
        return DeclaredDeath(row[0], row[1]) if row else None

    def declaration_by_judgment(self, court: str, judgment_ref: str) -> tuple[str, str, str] | None:
        """D-1: (declaration_id, subject, kind) of the court's case number, if entered."""
        row = self.tx.execute("SELECT declaration_id, subject_id, kind FROM declarations"
                              " WHERE court = %s AND judgment_ref = %s", (court, judgment_ref)).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def declaration_ended_by(self, declaration_id: str) -> str | None:
        row = self.tx.execute("SELECT ended_by FROM declarations WHERE declaration_id = %s",
                              (declaration_id,)).fetchone()
        return row[0] if row else None

    def certificate_taken(self, certificate: str) -> bool:
        return self.tx.execute("SELECT 1 FROM cremations WHERE certificate = %s", (certificate,)).fetchone() is not None

    def existing_plots(self, plot_ids: list[str]) -> set[str]:
        rows = self.tx.execute("SELECT plot_id FROM plots WHERE plot_id = ANY(%s)", (plot_ids,)).fetchall()
        return {row[0] for row in rows}

    def next_number(self, counter: str) -> int:
        """The next number of a counter; the row stays locked until the transaction ends."""
        row = self.tx.execute(
            "INSERT INTO counters (name, value) VALUES (%s, 1)"
            " ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
            (counter,),
        ).fetchone()
        return int(row[0])

    # -- projection -------------------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        """Bring the read models up to date with one appended event."""
        project = _PROJECTIONS.get(event.type)
        if project is not None:
            project(self.tx, event)


def _unique(tx: psycopg.Connection, sql: str, params: tuple[Any, ...], refusal: Callable[[], Refusal]) -> None:
    """Run a write whose unique violation means a rule was broken by a concurrent or earlier command. The
    refusal aborts the command's transaction (or its savepoint): nothing of the command is written."""
    try:
        tx.execute(sql, params)
    except psycopg.errors.UniqueViolation:
        raise refusal() from None


def _already_deceased() -> Refusal:
    return Refusal(ALREADY_DECEASED, "a death is already registered for this person", 409)


def _death_registered(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    subject = event.subjects[0].id
    tx.execute(
        "INSERT INTO deaths (death_id, subject_id, temporary_id, id_number, died_on, place_division, natural_death,"
        " funeral_home, source, relief_case_id, version, declaration_id, declared_died_on)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (p["death_id"], subject, p.get("temporary_id"), subject if p["identified"] else None, p["died_on"],
         p["place_division"], p["natural"], p["funeral_home"], p["source"], p.get("relief_case_id"),
         event.stream_version, p.get("declaration_id"), p.get("declared_died_on")),
    )
    _unique(tx, "INSERT INTO person_deaths (subject_id, death_id) VALUES (%s, %s)", (subject, p["death_id"]),
            _already_deceased)


def _death_corrected(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    changes = {name: change["to"] for name, change in p["changes"].items()}
    tx.execute(
        "UPDATE deaths SET subject_id = %s, id_number = coalesce(%s, id_number), died_on = %s,"
        " place_division = coalesce(%s, place_division), natural_death = coalesce(%s, natural_death), version = %s"
        " WHERE death_id = %s",
        (p["subject"], changes.get("id_number"), p["died_on"], changes.get("place_division"), changes.get("natural"),
         event.stream_version, p["death_id"]),
    )
    if p["subject"] != p["previous_subject"]:
        # F-7: the wrongly recorded person is alive again in every view; the right one is deceased.
        _unique(tx, "UPDATE person_deaths SET subject_id = %s WHERE subject_id = %s",
                (p["subject"], p["previous_subject"]), _already_deceased)


def _body_identified(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute("UPDATE deaths SET subject_id = %s, id_number = %s, version = %s, declaration_id = %s,"
               " declared_died_on = %s WHERE death_id = %s",
               (p["id_number"], p["id_number"], event.stream_version, p.get("declaration_id"),
                p.get("declared_died_on"), p["death_id"]))
    # The temporary id keeps answering: both ids name the same death from now on (0.5).
    _unique(tx, "INSERT INTO person_deaths (subject_id, death_id) VALUES (%s, %s)", (p["id_number"], p["death_id"]),
            _already_deceased)


def _death_withdrawn(tx: psycopg.Connection, event: Event) -> None:
    """D-11: the person is alive in every view; the record stays, marked."""
    tx.execute("DELETE FROM person_deaths WHERE death_id = %s", (event.payload["death_id"],))
    _touch(tx, event, withdrawn_on=event.payload["withdrawn_on"])


def _declaration_recorded(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    if p.get("supersedes"):  # D-3: the death declaration ends the missing one that day
        tx.execute("UPDATE declarations SET ends_on = %s, ended_by = 'death_declaration' WHERE declaration_id = %s",
                   (p["judgment_on"], p["supersedes"]))
    _unique(tx, "INSERT INTO declarations (declaration_id, subject_id, kind, court, judgment_ref, judgment_on,"
                " died_on, version) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (p["declaration_id"], event.subjects[0].id, p["kind"], p["court"], p["judgment_ref"], p["judgment_on"],
             p.get("died_on"), event.stream_version),
            lambda: Refusal(DECLARATION_EXISTS, "a declaration of this person stands, or this case number is "
                                                  "entered already", 409))


def _declaration_revoked(tx: psycopg.Connection, event: Event) -> None:
    tx.execute("UPDATE declarations SET ends_on = %s, ended_by = 'revocation', version = %s WHERE declaration_id = %s",
               (event.payload["revoked_on"], event.stream_version, event.payload["declaration_id"]))


def _declaration_touched(tx: psycopg.Connection, event: Event) -> None:
    tx.execute("UPDATE declarations SET version = %s WHERE declaration_id = %s",
               (event.stream_version, event.payload["declaration_id"]))


def _body_cremated(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    _unique(
        tx,
        "INSERT INTO cremations (cremation_id, death_id, certificate, cremated_on, funeral_home, ashes_number)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (p["cremation_id"], p["death_id"], p["cremation_certificate"], p["cremated_on"], p["funeral_home"],
         p.get("ashes_number")),
        lambda: Refusal(DUPLICATE_CREMATION_CERTIFICATE,
                        "this cremation certificate number is already in use", 409,
                        [{"loc": ["body", "cremation_certificate"], "msg": "already in use"}]),
    )
    _touch(tx, event, cremated_on=p["cremated_on"])


def _ashes_disposed(tx: psycopg.Connection, event: Event) -> None:
    _touch(tx, event, ashes=event.payload["disposition"])


def _burial_recorded(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute(
        "INSERT INTO burials (burial_id, death_id, cemetery, plot_id, burial_type, eco, interred_on)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (p["burial_id"], p["death_id"], p["cemetery"], p["plot_id"], p["burial_type"], p["eco"], p["interred_on"]),
    )
    _touch(tx, event)


def _assistance_granted(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute(
        "INSERT INTO assistance (assistance_id, death_id, category, items, amount, granted_on, funeral_home)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (p["assistance_id"], p["death_id"], p["category"], p["items"], p["amount"], p["granted_on"],
         p["funeral_home"]),
    )
    _touch(tx, event)


def _touch(tx: psycopg.Connection, event: Event, **columns: Any) -> None:
    """Advance a death row's version (and set columns) for an event of its stream."""
    assignments = "".join(f", {name} = %s" for name in columns)  # names are this module's own, never input
    tx.execute(f"UPDATE deaths SET version = %s{assignments} WHERE death_id = %s",
               (event.stream_version, *columns.values(), event.payload["death_id"]))


def _cemetery_opened(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute("INSERT INTO cemeteries (code, name, kind, division) VALUES (%s, %s, %s, %s)",
               (p["cemetery"], p["name"], p["kind"], p["division"]))


def _plot_added(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute(
        "INSERT INTO plots (plot_id, cemetery, number, kind, burial_type, area_m2, capacity, version)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (p["plot_id"], p["cemetery"], p["number"], p["kind"], p["burial_type"], p["area_m2"], p["capacity"],
         event.stream_version),
    )


def _plot_allocated(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    by_death, by_exception = int(p["basis"] == "death"), int(p["basis"] == "exception")
    filled = int(p.get("fills_reservation") is not None)
    tx.execute(
        "UPDATE plots SET occupants = occupants + %s, reserved = reserved + %s - %s,"
        " term_from = coalesce(term_from, %s), term_until = coalesce(term_until, %s), version = %s"
        " WHERE plot_id = %s",
        (by_death, by_exception, filled, p["term_from"], p["term_until"], event.stream_version, p["plot_id"]),
    )


def _plot_term_renewed(tx: psycopg.Connection, event: Event) -> None:
    p = event.payload
    tx.execute("UPDATE plots SET term_until = %s, version = %s WHERE plot_id = %s",
               (p["term_until"], event.stream_version, p["plot_id"]))


_PROJECTIONS: dict[str, Callable[[psycopg.Connection, Event], None]] = {
    ev.DEATH_REGISTERED: _death_registered,
    ev.DEATH_CORRECTED: _death_corrected,
    ev.BODY_IDENTIFIED: _body_identified,
    ev.BODY_COLLECTED: _touch,
    ev.BODY_STORED: _touch,
    ev.CLAIM_NOTICE_PUBLISHED: lambda tx, event: _touch(tx, event, claim_notice_on=event.payload["published_on"]),
    ev.DISPOSAL_APPROVED: lambda tx, event: _touch(tx, event, disposal_approved_on=event.payload["approved_on"]),
    ev.BODY_CREMATED: _body_cremated,
    ev.ASHES_DISPOSED: _ashes_disposed,
    ev.BURIAL_RECORDED: _burial_recorded,
    ev.ASSISTANCE_GRANTED: _assistance_granted,
    ev.CEMETERY_OPENED: _cemetery_opened,
    ev.PLOT_ADDED: _plot_added,
    ev.PLOT_ALLOCATED: _plot_allocated,
    ev.PLOT_TERM_RENEWED: _plot_term_renewed,
    ev.DEATH_WITHDRAWN: _death_withdrawn,
    ev.DECLARATION_REVIEW_SETTLED: lambda tx, event: _touch(tx, event,
                                                            review_settled_for=event.payload["died_on"]),
    ev.COURT_DECLARATION_RECORDED: _declaration_recorded,
    ev.COURT_DECLARATION_REVOKED: _declaration_revoked,
    ev.SPOUSE_STATEMENT_FILED: _declaration_touched,
}
