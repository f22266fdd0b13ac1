"""The adoption read models (migrations/0001_adoption_read_models.sql), written inline in the command's
transaction (`Inline.apply` for each appended event) and read by the handlers and the list route.

A-4/A-5, children counted: civreg knows the adoptions it registered itself (this service's `adoptions`, in
force); it has no register of births, so biological and step-children come from the adopters' signed
statement (A-9), cited by `statement_ref` and counted per adopter (`children`). No other service's data is
read: the count is this service's own record plus what the adopters signed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import psycopg

from services.adoption.contract import events as contract
from shared import certificates as numbering
from shared.envelope import Event


def adopters_key(id_numbers: Sequence[str]) -> str:
    return ",".join(sorted(id_numbers))


class Inline:
    """The inline read models as the unit of work sees them."""

    def __init__(self, tx: psycopg.Connection) -> None:
        self.tx = tx

    def apply(self, event: Event) -> None:
        match contract.CATALOGUE.read(event):
            case contract.AssessmentConsented() as e:
                self._assessment(e, event.stream_version)
            case contract.AssessmentRecorded() as e:
                self._assessment(e, event.stream_version)
            case contract.LivingTogetherRecorded() as e:
                self.tx.execute("UPDATE assessments SET living_together_from = %s, living_together_to = %s,"
                                " version = %s WHERE assessment_id = %s",
                                (e.started_on, e.ended_on, event.stream_version, e.assessment_id))
            case contract.FoundlingNoticePublished() as e:
                self.tx.execute("INSERT INTO notices VALUES (%s, %s, %s, NULL)",
                                (e.notice_id, e.child.id_number, e.published_on))
            case contract.FoundlingClaimed() as e:
                self.tx.execute("UPDATE notices SET claimed_on = %s WHERE notice_id = %s", (e.claimed_on, e.notice_id))
            case contract.AdoptionRegistered() as e:
                self.tx.execute(
                    "INSERT INTO adoptions VALUES (%s, %s, %s, %s, %s, %s, 'registered', %s, %s)",
                    (e.adoption_id, e.office, e.registered_on, e.child.id_number,
                     [a.id_number for a in e.adopters], e.sealed, e.certificates[0].number, event.stream_version))
                self._issue(e.adoption_id, e.certificates, e.registered_on)
                self._decide(e.application_id, e.registered_on, "registered")
            case contract.AdoptionDissolved() as e:
                self._end(e.adoption_id, "dissolved", e.invalidated, False, event.stream_version)
                self._issue(e.adoption_id, e.certificates, e.dissolved_on)
                self._decide(e.application_id, e.dissolved_on, "dissolved")
            case contract.AdoptionRevoked() as e:
                self._end(e.adoption_id, "void", e.invalidated, True, event.stream_version)
            case contract.ApplicationReceived() as e:
                self.tx.execute("INSERT INTO applications VALUES (%s, %s, %s, %s, %s, %s, NULL, NULL, %s)",
                                (e.application_id, e.office, e.kind, e.child.id_number, e.adoption_id, e.received_on,
                                 event.stream_version))
            case contract.ApplicationRefused() as e:
                self._decide(e.application_id, e.refused_on, "refused", event.stream_version)
            case contract.AdoptionSealed():
                self.tx.execute("UPDATE adoptions SET version = %s WHERE adoption_id = %s",
                                (event.stream_version, event.payload["adoption_id"]))

    def _assessment(self, e: contract.AssessmentConsented | contract.AssessmentRecorded, version: int) -> None:
        """A-10: the assessment opened at consent, or its report (on its own, or after the consent)."""
        report = isinstance(e, contract.AssessmentRecorded)
        self.tx.execute(
            "INSERT INTO assessments (assessment_id, adopters_key, outcome, assessed_on, office, adopters,"
            " consented_on, version) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (assessment_id) DO UPDATE"
            " SET outcome = excluded.outcome, assessed_on = excluded.assessed_on, version = excluded.version",
            (e.assessment_id, adopters_key([a.id_number for a in e.adopters]), e.outcome if report else None,
             e.assessed_on if report else None, e.office, [a.id_number for a in e.adopters], e.consented_on, version))

    def _decide(self, application_id: str | None, on: dt.date, outcome: str, version: int | None = None) -> None:
        """A-12: the application is decided by the registration, dissolution or refusal that names it."""
        if application_id is not None:
            self.tx.execute("UPDATE applications SET decided_on = %s, outcome = %s, version = COALESCE(%s, version)"
                            " WHERE application_id = %s", (on, outcome, version, application_id))

    def _issue(self, adoption_id: str, copies: Sequence[contract.Certificate], on: dt.date) -> None:
        for copy in copies:
            self.tx.execute("INSERT INTO certificates (number, adoption_id, kind, holder, issued_on)"
                            " VALUES (%s, %s, %s, %s, %s)", (copy.number, adoption_id, copy.kind,
                                                             copy.holder_id_number, on))

    def _end(self, adoption_id: str, status: str, invalidated: Sequence[str], revoked: bool, version: int) -> None:
        self.tx.execute("UPDATE adoptions SET status = %s, version = %s WHERE adoption_id = %s",
                        (status, version, adoption_id))
        # K-6: taken back or recovered; a revocation is what the verification calls `revoked` (K-9).
        self.tx.execute("UPDATE certificates SET valid = false, revoked = revoked OR %s"
                        " WHERE number = ANY(%s) OR (%s AND adoption_id = %s)",
                        (revoked, list(invalidated), revoked, adoption_id))

    # -- lookups for deciding --------------------------------------------------------------------------------
    def adopted_in_civreg(self, id_numbers: Sequence[str]) -> dict[str, int]:
        """A-4, A-5: per adopter, the adoptions in force civreg registered."""
        rows = self.tx.execute(
            "SELECT a, count(*) FROM adoptions, unnest(adopters) AS a WHERE status = 'registered'"
            " AND adopters && %s AND a = ANY(%s) GROUP BY a", (list(id_numbers), list(id_numbers))).fetchall()
        return {row[0]: int(row[1]) for row in rows}

    def latest_assessment(self, id_numbers: Sequence[str], on: dt.date) -> tuple[str, str] | None:
        """A-10: the latest assessment of exactly these adopters on or before `on`."""
        row = self.tx.execute(
            "SELECT assessment_id::text, outcome FROM assessments WHERE adopters_key = %s AND assessed_on <= %s"
            " ORDER BY assessed_on DESC, assessment_id LIMIT 1", (adopters_key(id_numbers), on)).fetchone()
        return (row[0], row[1]) if row else None

    def latest_notice(self, child: str) -> str | None:
        row = self.tx.execute("SELECT notice_id::text FROM notices WHERE child_id_number = %s"
                              " ORDER BY published_on DESC LIMIT 1", (child,)).fetchone()
        return row[0] if row else None

    def adoption_in_force(self, child: str) -> str | None:
        row = self.tx.execute("SELECT adoption_id::text FROM adoptions WHERE child_id_number = %s"
                              " AND status = 'registered'", (child,)).fetchone()
        return row[0] if row else None

    def application(self, application_id: str) -> dict[str, Any] | None:
        """A-12: the application a registration or dissolution names, as the decider checks it."""
        row = self.tx.execute("SELECT kind, office, child_id_number, decided_on IS NOT NULL FROM applications"
                              " WHERE application_id = %s FOR UPDATE", (application_id,)).fetchone()
        return dict(zip(("kind", "office", "child_id_number", "decided"), row, strict=True)) if row else None

    def application_status(self, application_id: str) -> dict[str, Any]:
        """A-12: the decision of an application and its child's notices (`[published_on, claimed_on]`)."""
        row = self.tx.execute(
            "SELECT decided_on, outcome, (SELECT coalesce(json_agg(json_build_array(published_on, claimed_on)), '[]')"
            " FROM notices n WHERE n.child_id_number = a.child_id_number) FROM applications a"
            " WHERE application_id = %s", (application_id,)).fetchone()
        return dict(zip(("decided_on", "outcome", "notices"), row, strict=True))

    # -- K-4, K-8 ----------------------------------------------------------------------------------------------
    def take_serial(self, key: numbering.SerialKey) -> int:
        return int(self.tx.execute(numbering.TAKE_SERIAL, (key.prefix, key.division, key.year)).fetchone()[0])

    def store_codes(self, copies: Sequence[tuple[str, str, str]]) -> None:
        with self.tx.cursor() as cursor:
            cursor.executemany(numbering.STORE_CODE, copies)

    def copies(self, number: str) -> list[tuple[str, str]]:
        return [(row[0], row[1]) for row in self.tx.execute(numbering.COPIES, (number,))]

    def certificate(self, number: str) -> dict[str, Any] | None:
        row = self.tx.execute("SELECT kind, issued_on, valid, revoked, adoption_id::text FROM certificates"
                              " WHERE number = %s", (number,)).fetchone()
        return dict(zip(("kind", "issued_on", "valid", "revoked", "adoption_id"), row, strict=True)) if row else None


def list_adoptions(conn: psycopg.Connection, office: str | None, first: dt.date | None, last: dt.date | None,
                   after: tuple[str, str] | None, limit: int, adoption_id: str | None = None) -> list[dict[str, Any]]:
    """api.md: adoptions by office and registration date, in (date, id) order after the cursor (or the one
    adoption `adoption_id`)."""
    rows = conn.execute(
        "SELECT adoption_id::text, office, status, registered_on, child_id_number, adopters, sealed, certificate,"
        " version FROM adoptions WHERE (%(office)s::text IS NULL OR office = %(office)s)"
        " AND (%(first)s::date IS NULL OR registered_on >= %(first)s)"
        " AND (%(last)s::date IS NULL OR registered_on <= %(last)s)"
        " AND (%(after_on)s::date IS NULL OR (registered_on, adoption_id) > (%(after_on)s::date, %(after_id)s::uuid))"
        " AND (%(only)s::uuid IS NULL OR adoption_id = %(only)s::uuid)"
        " ORDER BY registered_on, adoption_id LIMIT %(limit)s",
        {"office": office, "first": first, "last": last, "after_on": after[0] if after else None,
         "after_id": after[1] if after else None, "limit": limit, "only": adoption_id}).fetchall()
    keys = ("adoption_id", "office", "status", "registered_on", "child_id_number", "adopters", "sealed",
            "certificate", "version")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def awaiting_reports(conn: psycopg.Connection, office: str | None) -> list[dict[str, Any]]:
    """A-10: the assessments the adopters consented to that have no report yet (of the office, or all)."""
    rows = conn.execute(
        "SELECT assessment_id::text, office, adopters, consented_on, living_together_from, living_together_to,"
        " version FROM assessments WHERE assessed_on IS NULL AND consented_on IS NOT NULL"
        " AND (%(office)s::text IS NULL OR office = %(office)s) ORDER BY consented_on, assessment_id",
        {"office": office}).fetchall()
    keys = ("assessment_id", "office", "adopters", "consented_on", "living_together_from", "living_together_to",
            "version")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def open_applications(conn: psycopg.Connection, office: str | None) -> list[dict[str, Any]]:
    """A-12: the undecided applications (of the office, or all), with the foundling notices of their children
    (`[published_on, claimed_on]` of each, ISO dates: the service adds the days a notice runs)."""
    rows = conn.execute(
        "SELECT a.application_id::text, a.office, a.kind, a.child_id_number, a.adoption_id::text, a.received_on,"
        " a.version, coalesce(json_agg(json_build_array(n.published_on, n.claimed_on))"
        " FILTER (WHERE n.notice_id IS NOT NULL), '[]')"
        " FROM applications a LEFT JOIN notices n ON n.child_id_number = a.child_id_number"
        " WHERE a.decided_on IS NULL AND (%(office)s::text IS NULL OR a.office = %(office)s)"
        " GROUP BY a.application_id ORDER BY a.received_on, a.application_id", {"office": office}).fetchall()
    keys = ("application_id", "office", "kind", "child_id_number", "adoption_id", "received_on", "version", "notices")
    return [dict(zip(keys, row, strict=True)) for row in rows]
