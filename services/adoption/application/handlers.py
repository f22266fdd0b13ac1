"""The service's half of the command table (contract/table.py): one handler per command, named like it, run
by the shared runner (`shared.unit_of_work.Application`) as `handler(uow, *path, command, actor, today)` in one
transaction. A handler looks up what the rule needs, lets the pure decider decide, records and answers; a
retried command (same key) finds its events (`uow.replayed()`) and answers as the first time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg

from services.adoption.application.unit_of_work import UnitOfWork
from services.adoption.application.views import adoption_view, application_view, assessment_view, notice_view
from services.adoption.contract import commands as cmd
from services.adoption.contract.events import ChildPlaced
from services.adoption.contract.refusals import CHILD_ALREADY_ADOPTED
from services.adoption.domain import decide, parameters, rules
from services.adoption.domain.events import (
    Draft,
    adoption_stream,
    application_stream,
    assessment_stream,
    notice_stream,
    placement_stream,
)
from services.adoption.domain.state import Adoption, Application, Assessment, Notice, fold, fold_assessment
from shared import certificates as numbering
from shared.actor import Actor
from shared.envelope import Event
from shared.errors import Refusal
from shared.eventstore import NO_STREAM
from shared.unit_of_work import OnRecord, Outcome

ONE_ADOPTION_IN_FORCE = "one_adoption_in_force"


def record_assessment(uow: UnitOfWork, command: cmd.RecordAssessment, actor: Actor, today: dt.date) -> dict[str, Any]:
    """A-10."""
    if not (stored := uow.replayed()):
        assessment_id = uow.ids.resource("assessment")
        stored = uow.record(assessment_stream(assessment_id),
                            decide.decide_assessment(command, assessment_id, actor, today), NO_STREAM)
    return assessment_view(fold_assessment(stored), today)


# A command on one assessment: replay, load, decide, record, answer the assessment as it stands.
on_assessment: OnRecord[Assessment] = OnRecord(
    load=lambda uow, assessment_id: uow.assessment(assessment_id),
    stream=lambda assessment: assessment_stream(assessment.assessment_id),
    answer=lambda uow, outcome: assessment_view(uow.assessment(outcome.key), outcome.today))

report_assessment = on_assessment(decide.decide_report_assessment)
record_living_together = on_assessment(decide.decide_record_living_together)


def publish_notice(uow: UnitOfWork, command: cmd.PublishFoundlingNotice, actor: Actor,
                   today: dt.date) -> dict[str, Any]:
    """A-11."""
    if not (stored := uow.replayed()):
        notice_id = uow.ids.resource("notice")
        latest = uow.read.latest_notice(command.child.id_number)
        existing = uow.notice(latest) if latest else None
        stored = uow.record(notice_stream(notice_id),
                            decide.decide_notice(command, notice_id, existing, actor, today), NO_STREAM)
    return notice_view(uow.notice(stored[0].payload["notice_id"]), today)


# A command on one foundling notice: replay, load, decide, record, answer the notice as it stands.
on_notice: OnRecord[Notice] = OnRecord(
    load=lambda uow, notice_id: uow.notice(notice_id), stream=lambda notice: notice_stream(notice.notice_id),
    answer=lambda uow, outcome: notice_view(uow.notice(outcome.key), outcome.today))


def claim_foundling(uow: UnitOfWork, notice_id: str, command: cmd.ClaimFoundling, actor: Actor,
                    today: dt.date) -> dict[str, Any]:
    """A-11."""
    return on_notice.run(uow, notice_id, lambda notice: decide.decide_claim_foundling(command, notice, actor, today),
                         actor, today, command.version)


def take_number(uow: UnitOfWork, kind: str, office: str, on: dt.date) -> str:
    """K-2, K-4: the next 字号 of the office's sequence for this kind of document, in this transaction."""
    key = numbering.SerialKey.on(parameters.certificate_prefix(kind, on), rules.check_office_A1(office), on)
    return numbering.certificate_number(key, uow.read.take_serial(key))


def issue_codes(uow: UnitOfWork, copies: list[dict[str, Any]]) -> dict[str, str]:
    """K-8: a new code per copy, stored hashed in this transaction; number → code, answered once."""
    codes = {copy["number"]: numbering.new_code() for copy in copies}
    uow.read.store_codes([(c["number"], c["holder_id_number"],
                           numbering.code_hash(c["number"], c["holder_id_number"], codes[c["number"]]))
                          for c in copies])
    return codes


def _copies(certificates: list[dict[str, Any]], codes: dict[str, str] | None) -> list[dict[str, Any]]:
    return [{"number": c["number"], "holder_id_number": c["holder_id_number"],
             "verification_code": (codes or {}).get(c["number"])} for c in certificates]


def register_adoption(uow: UnitOfWork, command: cmd.RegisterAdoption, actor: Actor, today: dt.date) -> dict[str, Any]:
    """A-2 to A-14: the facts from the read models, the decision, the 收养登记证 with its code."""
    codes = None
    if not (stored := uow.replayed()):
        on = command.registered_on or today
        rules.check_acts_for_office_A1(actor, command.office)
        if existing := uow.read.adoption_in_force(command.child.id_number):
            raise Refusal(CHILD_ALREADY_ADOPTED, f"the child's adoption {existing} is in force", 409)
        adopters = [a.id_number for a in command.adopters]
        notice_id = uow.read.latest_notice(command.child.id_number)
        facts = decide.RegistrationFacts(uow.read.adopted_in_civreg(adopters),
                                         uow.read.latest_assessment(adopters, on),
                                         uow.notice(notice_id) if notice_id else None,
                                         uow.named_application(command.application_id))
        new = decide.NewAdoption(uow.ids.resource("adoption"), take_number(uow, "adoption", command.office, on),
                                 uow.ids.resource("placement"))
        drafts = decide.decide_registration(command, facts, new, actor, today)
        placed = [d for d in drafts if d.type == ChildPlaced.TYPE]  # on a stream of its own
        try:
            stored = uow.record(adoption_stream(new.adoption_id), [d for d in drafts if d not in placed], NO_STREAM)
        except psycopg.errors.UniqueViolation as exc:  # a simultaneous registration of the child won
            if exc.diag.constraint_name != ONE_ADOPTION_IN_FORCE:
                raise
            raise Refusal(CHILD_ALREADY_ADOPTED, "the child was registered for adoption a moment ago", 409) from None
        if placed:
            uow.record(placement_stream(new.placement_id), placed, NO_STREAM)
        codes = issue_codes(uow, stored[0].payload["certificates"])
    p = stored[0].payload
    return {"adoption_id": p["adoption_id"], "certificate": p["certificates"][0]["number"],
            "certificates": _copies(p["certificates"], codes), "registered_on": p["registered_on"],
            "sealed": p["sealed"], "warnings": decide.registration_warnings(command),
            "version": [e for e in stored if e.stream_id.startswith("adoption-")][-1].stream_version}


def _adoption_answer(uow: UnitOfWork, outcome: Outcome[tuple[list[Event], Adoption]]) -> dict[str, Any]:
    """The adoption after the command, with the codes of the copies it issued (answered once); on a retry, the
    adoption as the first run left it."""
    if outcome.state is None:
        history = uow.adoption(outcome.key)[0][: outcome.stored[-1].stream_version]
        return adoption_view(fold(history), outcome.actor)
    view = adoption_view(fold([*outcome.state[0], *outcome.stored]), outcome.actor)
    issued = [c for e in outcome.stored for c in e.payload.get("certificates", [])]
    if issued:
        view["issued"] = _copies(issued, issue_codes(uow, issued))
    return view


# A command on one adoption: replay, load, decide, record, answer the adoption.
on_adoption: OnRecord[tuple[list[Event], Adoption]] = OnRecord(
    load=lambda uow, adoption_id: uow.adoption(adoption_id), stream=lambda read: adoption_stream(read[1].adoption_id),
    version=lambda read: read[1].version, answer=_adoption_answer)


def _on_adoption(uow: UnitOfWork, adoption_id: str, version: int | None, actor: Actor, today: dt.date,
                 decide_with: Any) -> dict[str, Any]:
    return on_adoption.run(uow, adoption_id, lambda read: decide_with(read[1]), actor, today, version)


def dissolve_adoption(uow: UnitOfWork, adoption_id: str, command: cmd.DissolveAdoption, actor: Actor,
                      today: dt.date) -> dict[str, Any]:
    """A-16: by agreement the 解除收养关系证明 takes the next `SJ` number of the office; by court none."""
    def decide_with(adoption: Any) -> list[Any]:
        office = command.office or adoption.office  # by agreement, the household-registration registry
        rules.check_acts_for_office_A1(actor, office)
        rules.check_in_force_A16(adoption.status)
        number = take_number(uow, "adoption_dissolution", office, command.dissolved_on) \
            if command.by == "agreement" else None
        return decide.decide_dissolution(command, adoption, number, actor, today,
                                         uow.named_application(command.application_id))

    return _on_adoption(uow, adoption_id, command.version, actor, today, decide_with)


def revoke_adoption(uow: UnitOfWork, adoption_id: str, command: cmd.RevokeAdoption, actor: Actor,
                    today: dt.date) -> dict[str, Any]:
    """A-17."""
    return _on_adoption(uow, adoption_id, command.version, actor, today,
                        lambda adoption: decide.decide_revocation(command, adoption, actor, today))


def receive_application(uow: UnitOfWork, command: cmd.ReceiveApplication, actor: Actor,
                        today: dt.date) -> dict[str, Any]:
    """A-12: the application, due within 30 days from the day after receipt."""
    if not (stored := uow.replayed()):
        application_id = uow.ids.resource("application")
        adoption = uow.adoption(command.adoption_id)[1] if command.kind == "dissolution" and command.adoption_id \
            else None
        stored = uow.record(application_stream(application_id),
                            decide.decide_application(command, application_id, adoption, actor, today), NO_STREAM)
    return application_view(uow.application(stored[0].payload["application_id"]), uow.read, today)


# A command on one application: replay, load, decide, record, answer the application.
on_application: OnRecord[Application] = OnRecord(
    load=lambda uow, application_id: uow.application(application_id),
    stream=lambda application: application_stream(application.received.application_id),
    answer=lambda uow, outcome: application_view(uow.application(outcome.key), uow.read, outcome.today))


def refuse_application(uow: UnitOfWork, application_id: str, command: cmd.RefuseApplication, actor: Actor,
                       today: dt.date) -> dict[str, Any]:
    """A-12: refused with the rules' codes and the reason."""

    def refuse(application: Application) -> list[Draft]:
        decided = bool((uow.read.application(application_id) or {}).get("decided"))
        return decide.decide_application_refusal(command, application.received, decided, actor, today)

    return on_application.run(uow, application_id, refuse, actor, today, command.version)
