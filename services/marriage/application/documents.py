"""K-1: a copy of a marriage or divorce certificate as PDF, rendered by `shared.documents` from what the
service recorded, for staff of the issuing service.

The code is stored hashed (K-8), so the service cannot put it in the QR code on its own: the copy is printed
with the code the issuing answer gave (docs/certificates.md, "Printing"). The code must match the copy, so a
copy can only be printed by whoever holds its code — staff at issue time — and is printed with a code that
verifies. The printing is recorded in the gateway's access log with both parties as subjects.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import psycopg

from services.marriage.adapters.read_models import ReadModels
from services.marriage.contract.commands import STATEMENT_DESTINATIONS
from services.marriage.domain import rules
from services.marriage.domain.certificates import matching_copy
from shared.actor import Actor
from shared.documents import (
    Certificate,
    CertificateKind,
    Office,
    Person,
    RecordedRegistration,
    RecordStatement,
    Verification,
    render_certificate,
    render_record_statement,
)
from shared.errors import NotFound
from shared.reference.divisions import division
from shared.reference.idnumber import parse_id_number

_KINDS = {"marriage": CertificateKind.MARRIAGE, "divorce": CertificateKind.DIVORCE}


def office_of(code: str, on: dt.date) -> Office:
    where = rules.office_division(code)
    known = division(where, on)
    return Office(f"渭南市{known.name if known else where}民政局婚姻登记处", where)


def person(party: dict[str, Any]) -> Person:
    number = parse_id_number(party["id_number"], allow_first_generation=True)
    return Person(party.get("name") or "", "男" if number.sex == "male" else "女", number.birth_date, number.value)


def print_copy(conn: psycopg.Connection, number: str, code: object, actor: Actor,
               verification_url: str) -> dict[str, Any]:
    """The copy's PDF (base64) and the persons it names, for the access log. Same 404 as the public check
    for an unknown number or a code that is not the copy's."""
    read = ReadModels(conn)
    holder = matching_copy(number, code, read.copies(number))
    if holder and (statement := read.statement(number)) is not None:
        return print_statement(number, statement, code, actor, verification_url)
    found = read.copy(number, holder) if holder else None
    if found is None or found["kind"] not in _KINDS:
        raise NotFound("no certificate has this number and code")
    rules.check_acts_for_office(actor, found["office"])
    row = conn.execute("SELECT parties, registered_on FROM marriages WHERE registration_id = %s",
                       (found["registration_id"],)).fetchone()
    persons = tuple(person(p) for p in row[0])
    assert isinstance(code, str)
    issued_on = found["issued_on"]
    registered_on = row[1]
    if found["kind"] == "divorce":  # the divorce's date, also on a reissued (BL) copy
        divorced = conn.execute("SELECT registered_on FROM divorces WHERE registration_id = %s"
                                " AND status = 'registered'", (found["registration_id"],)).fetchone()
        registered_on = divorced[0] if divorced and divorced[0] else issued_on
    pdf = render_certificate(Certificate(
        kind=_KINDS[found["kind"]], number=number, holder=next(p for p in persons if p.id_number == holder),
        parties=persons, registered_on=registered_on, issued_on=issued_on,
        office=office_of(found["office"], issued_on), verification=Verification(verification_url, code)))
    return {"number": number, "pdf": base64.b64encode(pdf).decode("ascii"),
            "subjects": [p.id_number for p in persons]}


def print_statement(number: str, statement: dict[str, Any], code: object, actor: Actor,
                    verification_url: str) -> dict[str, Any]:
    """K-7: the statement as issued (its dated list as recorded on its day), for staff of the issuing office."""
    rules.check_acts_for_office(actor, statement["office"])
    assert isinstance(code, str)
    issued_on = statement["issued_on"]
    lines = tuple(RecordedRegistration(line["kind"], dt.date.fromisoformat(line["registered_on"]),
                                       office_of(line["office"], issued_on).name if line["office"] else "",
                                       line["number"]) for line in statement["registrations"])
    destination = STATEMENT_DESTINATIONS.get(statement["destination"], statement["destination"])
    pdf = render_record_statement(RecordStatement(
        person=person({"id_number": statement["id_number"], "name": statement["name"]}), registrations=lines,
        purpose=f"用于办理赴{destination}公证", number=number, issued_on=issued_on,
        office=office_of(statement["office"], issued_on), verification=Verification(verification_url, code)))
    return {"number": number, "pdf": base64.b64encode(pdf).decode("ascii"), "subjects": [statement["id_number"]]}
