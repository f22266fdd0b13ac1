"""`Adoption`: the application as the nameko entrypoints see it — plain JSON in, plain JSON out. Each command
of the table runs its handler (application/handlers.py) in the shared runner; the reads follow."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from services.adoption.adapters.read_models import Inline, list_adoptions
from services.adoption.application import documents, handlers
from services.adoption.application.unit_of_work import EventIds, UnitOfWork
from services.adoption.application.views import adoption_view, notice_view
from services.adoption.contract.queries import RegistrationQuery
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
        if who.role == "adoption_registrar" and who.office not in (None, adoption.office):
            raise NotFound("no such adoption")
        return adoption_view(fold(history), who)

    def get_notice(self, notice_id: str, actor: dict[str, Any]) -> dict[str, Any]:
        """A-11: a foundling notice (public in substance: it seeks the parents), to registrars and oversight."""
        self._reader(actor)
        with self.store.db.transaction() as tx:
            notice = UnitOfWork(self.store, tx, self.correlation.metadata(), EventIds(None)).notice(notice_id)
        return notice_view(notice, self.clock())

    def list_registrations(self, query: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
        """api.md: paged with `limit` and `cursor`, filtered to the caller's scope (a registrar's office)."""
        who = self._reader(actor)
        try:
            q = RegistrationQuery.model_validate(query or {})
        except ValidationError:
            raise Refusal(INVALID_QUERY, "office, from, to, limit, cursor", 422) from None
        office = q.office
        if who.role == "adoption_registrar" and who.office is not None:
            if office not in (None, who.office):
                raise Refusal(FORBIDDEN_PLACE, f"the caller reads only {who.office}", 403)
            office = who.office
        after = tuple(q.cursor.split("~", 1)) if q.cursor else None
        with self.store.db.connection() as conn:
            rows = list_adoptions(conn, office, q.from_, q.to, after, q.limit + 1)  # type: ignore[arg-type]
        items = [{**row, "registered_on": row["registered_on"].isoformat()} for row in rows[: q.limit]]
        last = items[-1] if len(rows) > q.limit else None
        return {"items": items, "next_cursor": f"{last['registered_on']}~{last['adoption_id']}" if last else None}

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
