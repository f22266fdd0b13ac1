"""K-7: the record-of-registration statement (婚姻登记记录证明) and the no-record statement (无婚姻登记记录证明), pure.

Since 2015-09-21 (民函〔2015〕266号) an office issues one only for a notarisation to be used in Taiwan or one of
nine countries; everybody else learns a person's marital status by authorised exchange (T-3). A statement
lists the person's own registrations — kind, date, office and 字号 — as the office's records hold them on the
issue day, and carries its own serial (`ZM<division>-<year>-<serial>`, gap-free like the certificates, K-4)
and its own verification code (K-8). The person appears, or a proxy with a written authorisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from services.marriage.contract import events as contract
from services.marriage.contract.commands import STATEMENT_DESTINATIONS, STATEMENT_PURPOSES, IssueRecordStatement
from services.marriage.contract.refusals import STATEMENT_NOT_ALLOWED, STATEMENT_TOO_LONG
from services.marriage.domain import rules
from services.marriage.domain.events import Draft, parties
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference.refusals import VALIDATION_FAILED

STATEMENTS_LIMITED_FROM = dt.date(2015, 9, 21)  # 民函〔2015〕266号
# What each certificate prefix says on the statement (K-2); imported paper numbers are marriages (M-12).
LINE_KINDS = {"J": "结婚登记", "L": "离婚登记", "BJ": "补领结婚证", "BL": "补领离婚证"}


def line_kind(number: str, kind: str) -> str:
    prefix = number[:2] if number[:2] in ("BJ", "BL") else number[:1]
    if prefix in LINE_KINDS and number[len(prefix):len(prefix) + 1].isdigit():
        return LINE_KINDS[prefix]
    return "结婚登记" if kind == "marriage" else "离婚登记"


def statement_lines(copies: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The person's own copies ({number, kind, issued_on, office}) as the statement's dated list, oldest first,
    one line per number."""
    seen: dict[str, dict[str, Any]] = {}
    for copy in copies:
        issued_on = copy["issued_on"]
        seen.setdefault(copy["number"], {
            "kind": line_kind(copy["number"], copy["kind"]),
            "registered_on": issued_on.isoformat() if isinstance(issued_on, dt.date) else str(issued_on),
            "office": copy["office"] or "", "number": copy["number"]})
    return sorted(seen.values(), key=lambda line: (line["registered_on"], line["number"]))


def check_statement_allowed_K7(purpose: str, destination: str, on: dt.date) -> None:
    """K-7: only a notarisation for Taiwan or one of the nine countries (from 2015-09-21)."""
    if on < STATEMENTS_LIMITED_FROM:
        return
    if purpose not in STATEMENT_PURPOSES:
        raise rules.refusal(STATEMENT_NOT_ALLOWED, "a statement is issued only for a notarisation; other purposes "
                            "query the status by authorised exchange", field="purpose")
    if destination not in STATEMENT_DESTINATIONS:
        raise rules.refusal(STATEMENT_NOT_ALLOWED, "a statement is issued only for Taiwan and "
                            f"{', '.join(sorted(set(STATEMENT_DESTINATIONS) - {'TW'}))}", field="destination")


def decide_record_statement(command: IssueRecordStatement, person: str, lines: list[dict[str, Any]], actor: Actor,
                            today: dt.date, number: str) -> list[Draft]:
    """K-7: the statement of `person`'s own registrations (`lines`, from the office's records), or the no-record
    statement when there are none, under its own serial `number`."""
    rules.check_office(command.office)
    rules.check_acts_for_office(actor, command.office)
    on = command.issued_on or today
    rules.check_business_day(on, actor, today, "issued_on")
    check_statement_allowed_K7(command.purpose, command.destination, on)
    if command.proxy is not None and command.proxy.id_number == person:
        raise rules.refusal(VALIDATION_FAILED, "the proxy is someone other than the person", field="proxy")
    payload = {"number": number, "office": command.office, "id_number": person, "name": command.name,
               "purpose": command.purpose, "destination": command.destination,
               "proxy_id_number": command.proxy.id_number if command.proxy else None,
               "proxy_name": command.proxy.name if command.proxy else None,
               "registrations": lines, "issued_on": on.isoformat()}
    if len(lines) > MAX_LINES:
        raise Refusal(STATEMENT_TOO_LONG, f"a statement lists at most {MAX_LINES} registrations on its page", 409)
    return [Draft.of(contract.RecordStatementIssued(**payload), on, parties(person, role="holder"))]


MAX_LINES = 12  # one A4 page (shared/documents)
