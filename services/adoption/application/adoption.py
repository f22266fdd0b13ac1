"""`Adoption`: the application as the nameko entrypoints see it — plain JSON in, plain JSON out. Each command
of the table runs its handler (application/handlers.py) in the shared runner; the reads follow."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from services.adoption.adapters.read_models import Inline, awaiting_reports, list_adoptions, open_applications
from services.adoption.application import documents, handlers
from services.adoption.application.unit_of_work import EventIds, UnitOfWork
from services.adoption.application.views import (
    adoption_view,
    application_view,
    assessment_view,
    decision_due,
    late_assessments,
    notice_view,
)
from services.adoption.contract.queries import RegistrationQuery, TasksQuery
from services.adoption.contract.refusals import FORBIDDEN_PLACE
from services.adoption.contract.table import COMMANDS
from services.adoption.domain.state import fold
from shared import certificates as numbering
from shared.actor import Actor
from shared.errors import NotFound, Refusal
from shared.reference.refusals import FORBIDDEN, INVALID_QUERY
from shared.unit_of_work import Application, deciders

NUMBER = re.compile(r"[A-Z]{1,4}[0-9]{6}-[0-9]{4}-[0-9]{6}")  # K-2; anything else names no certificate
READERS = frozenset({"adoption_registrar", "oversight"})


class AdoptionApplication(Application):
    UNIT_OF_WORK = UnitOfWork
    EVENT_IDS = EventIds
    COMMANDS = COMMANDS
    DECIDERS = deciders(COMMANDS, handlers)

    def _reader(self, actor: Any) -> Actor:
        who = Actor.from_rpc(actor)
        if who.role not in READERS:
            raise Refusal(FORBIDDEN, "adoption registrars and oversight read adoptions", 403)
        return who

    def get_registration(self, adoption_id: str, actor: dict[str, Any]) -> dict[str, Any]:
        """A-14: a registrar reads the adoptions of its own office (a registrar bound to no office: the city's);
        another office's is 404, as if there were none."""
        who = self._reader(actor)
        with self.store.db.transaction() as tx:
            uow = UnitOfWork(self.store, tx, self.correlation.metadata(), EventIds(None))
            history, adoption = uow.adoption(adoption_id)
        dissolved_at = (adoption.dissolution or {}).get("office")
        if who.role == "adoption_registrar" and who.office not in (None, adoption.office, dissolved_at):
            raise NotFound("no such adoption")  # the office that dissolved it reads it too
        return adoption_view(fold(history), who)

    def get_notice(self, notice_id: str, actor: dict[str, Any]) -> dict[str, Any]:
        """A-11: a foundling notice (public in substance: it seeks the parents), to registrars and oversight."""
        self._reader(actor)
        with self.store.db.transaction() as tx:
            notice = UnitOfWork(self.store, tx, self.correlation.metadata(), EventIds(None)).notice(notice_id)
        return notice_view(notice, self.clock())

    def _scope(self, who: Actor, office: str | None) -> str | None:
        """A registrar bound to an office reads that office's (another `office`: 403); others every office."""
        if who.role == "adoption_registrar" and who.office is not None:
            if office not in (None, who.office):
                raise Refusal(FORBIDDEN_PLACE, f"the caller reads only {who.office}", 403)
            return who.office
        return office

    def get_application(self, application_id: str, actor: dict[str, Any]) -> dict[str, Any]:
        """A-12: an application, its due day and decision; a registrar reads its own office's."""
        who = self._reader(actor)
        with self.store.db.transaction() as tx:
            uow = UnitOfWork(self.store, tx, self.correlation.metadata(), EventIds(None))
            application = uow.application(application_id)
            if who.role == "adoption_registrar" and who.office not in (None, application.received.office):
                raise NotFound("no such application")
            return application_view(application, uow.read, self.clock())

    def get_assessment(self, assessment_id: str, actor: dict[str, Any]) -> dict[str, Any]:
        """A-10: an assessment, its report's due day and how late it is as of today; a registrar reads its own
        office's (a late one found in the task list, to record its living-together period or report)."""
        who = self._reader(actor)
        with self.store.db.transaction() as tx:
            uow = UnitOfWork(self.store, tx, self.correlation.metadata(), EventIds(None))
            assessment = uow.assessment(assessment_id)
        if who.role == "adoption_registrar" and who.office not in (None, assessment.office):
            raise NotFound("no such assessment")
        return assessment_view(assessment, self.clock())

    def tasks(self, query: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
        """A-12: the applications undecided past their 30 days (a foundling notice's days not counted); A-10: the
        assessments not reported by their day (60 days from consent, the living-together days not counted) — as
        of `as_of` (default today), for the registrars of the office (a registrar without office and oversight:
        every office)."""
        who = self._reader(actor)
        try:
            q = TasksQuery.model_validate(query or {})
        except ValidationError:
            raise Refusal(INVALID_QUERY, "as_of, office", 422) from None
        today = q.as_of or self.clock()
        office = self._scope(who, q.office)
        with self.store.db.connection() as conn:
            rows = open_applications(conn, office)
            awaiting = awaiting_reports(conn, office)
        overdue = []
        for row in rows:
            due = decision_due(row["received_on"], row["notices"])
            if due < today:
                overdue.append({"application_id": row["application_id"], "office": row["office"], "kind": row["kind"],
                                "child_id_number": row["child_id_number"], "adoption_id": row["adoption_id"],
                                "received_on": row["received_on"].isoformat(), "due_on": due.isoformat(),
                                "days_overdue": (today - due).days, "version": row["version"]})
        return {"as_of": today.isoformat(), "overdue_decisions": overdue, "late_assessments": late_assessments(
            awaiting, today)}

    def list_registrations(self, query: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
        """api.md: paged with `limit` and `cursor`, filtered to the caller's scope (a registrar's office)."""
        who = self._reader(actor)
        try:
            q = RegistrationQuery.model_validate(query or {})
        except ValidationError:
            raise Refusal(INVALID_QUERY, "office, from, to, limit, cursor", 422) from None
        if q.certificate is not None:
            return self._presented(q.certificate, q.code)
        office = self._scope(who, q.office)
        after = tuple(q.cursor.split("~", 1)) if q.cursor else None
        with self.store.db.connection() as conn:
            rows = list_adoptions(conn, office, q.from_, q.to, after, q.limit + 1)  # type: ignore[arg-type]
        items = [{**row, "registered_on": row["registered_on"].isoformat()} for row in rows[: q.limit]]
        last = items[-1] if len(rows) > q.limit else None
        return {"items": items, "next_cursor": f"{last['registered_on']}~{last['adoption_id']}" if last else None}

    def _presented(self, number: str, code: str | None) -> dict[str, Any]:
        """A-16: the adoption of a 收养登记证 presented in person, for a registrar of any office (a dissolution by
        agreement is registered at the adoptee's household registry): number and code both needed, else the same
        404 as the verification (K-8), so numbers cannot be enumerated."""
        copy, _ = self._copy(number, code)
        if copy["kind"] != "adoption":
            raise NotFound("no such certificate")
        with self.store.db.connection() as conn:
            rows = list_adoptions(conn, None, None, None, None, 1, adoption_id=copy["adoption_id"])
        return {"items": [{**row, "registered_on": row["registered_on"].isoformat()} for row in rows],
                "next_cursor": None}

    def _copy(self, number: Any, code: Any) -> tuple[dict[str, Any], str]:
        """K-8: the copy and its holder; an unknown number, a wrong or missing code: the same 404."""
        with self.store.db.transaction() as tx:
            read = Inline(tx)
            copy = read.certificate(number) if isinstance(number, str) and NUMBER.fullmatch(number) else None
            holder = numbering.matching_copy(number, code, read.copies(number)) if copy else None
        if copy is None or holder is None:
            raise NotFound("no such certificate")
        return copy, holder

    def verify_certificate(self, number: str, code: Any) -> dict[str, Any]:
        """K-8, K-9: number and code both needed; the answer says nothing about the persons."""
        copy, holder = self._copy(number, code)
        return {"valid": copy["valid"], "kind": copy["kind"], "issued_on": copy["issued_on"].isoformat(),
                "revoked": copy["revoked"], "holder_id_number": holder}

    def print_certificate(self, number: str, code: Any, actor: dict[str, Any], url: str) -> dict[str, Any]:
        """K-1: the copy as PDF, with the code that verifies it, for the issuing office's registrars."""
        copy, _ = self._copy(number, code)
        with self.store.db.transaction() as tx:
            _, adoption = UnitOfWork(self.store, tx, self.correlation.metadata(), EventIds(None)).adoption(
                copy["adoption_id"])
        return documents.print_copy(adoption, copy, number, code, Actor.from_rpc(actor), url)

