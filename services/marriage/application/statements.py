"""K-7: POST /record-statements — a record-of-registration statement (or the no-record statement) of the
person's own registrations, with its own `ZM` serial of the issuing office and its own verification code,
printed through GET /v1/certificates/{number}.pdf?code= like a certificate copy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.marriage.application.registrations import certificates_answer, issue_codes, take_number
from services.marriage.application.unit_of_work import UnitOfWork
from services.marriage.contract.commands import IssueRecordStatement
from services.marriage.domain import events as ev
from services.marriage.domain import rules
from services.marriage.domain.certificates import RECORD_STATEMENT
from services.marriage.domain.statements import decide_record_statement, statement_lines
from shared.actor import Actor
from shared.eventstore.base import NO_STREAM


def statement_title(registrations: list[Any]) -> str:
    return "婚姻登记记录证明" if registrations else "无婚姻登记记录证明"


def issue_record_statement(uow: UnitOfWork, command: IssueRecordStatement, actor: Actor,
                           today: dt.date) -> dict[str, Any]:
    codes = None
    if not (stored := uow.replayed()):
        person = rules.check_id_number(command.id_number, today, "id_number").value
        on = command.issued_on or today
        lines = statement_lines(uow.read.person_copies(person))  # the person's own registrations only
        rules.check_acts_for_office(actor, rules.check_office(command.office))  # before a serial is taken
        number = take_number(uow, RECORD_STATEMENT, command.office, on)  # rolled back with a refusal (K-4)
        drafts = decide_record_statement(command, person, lines, actor, today, number)
        stored = uow.record(ev.statement_stream(number), drafts, NO_STREAM)
        codes = issue_codes(uow, [{"number": number, "id_number": person}])
    p = stored[-1].payload
    return {"number": p["number"], "title": statement_title(p["registrations"]), "id_number": p["id_number"],
            "destination": p["destination"], "registrations": p["registrations"], "issued_on": p["issued_on"],
            "certificates": certificates_answer([{"number": p["number"], "id_number": p["id_number"]}], codes),
            "version": stored[-1].stream_version}
