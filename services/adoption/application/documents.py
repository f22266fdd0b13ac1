"""K-1: a copy of a 收养登记证 or 解除收养关系证明 as PDF, rendered by `shared.documents` from what the service
recorded, for the registrars of the issuing office.

As marriage's (docs/certificates.md, "Printing"): the code is stored hashed (K-8), so a copy is printed with the
code the issuing answer gave, and only with a code that verifies. A sealed adoption's certificate names the
adopters and the child only, as it always does; the printing is in the gateway's access log with them as
subjects.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from services.adoption.contract.refusals import FORBIDDEN_PLACE
from services.adoption.domain.state import Adoption
from shared.actor import Actor
from shared.documents import Certificate, CertificateKind, Office, Person, Verification, render_certificate
from shared.errors import NotFound, Refusal
from shared.reference.divisions import division
from shared.reference.idnumber import parse_id_number

_KINDS = {"adoption": CertificateKind.ADOPTION, "adoption_dissolution": CertificateKind.ADOPTION_DISSOLUTION}


def office_of(code: str, on: dt.date) -> Office:
    where = code.removeprefix("MR-")
    known = division(where, on)
    return Office(f"渭南市{known.name if known else where}民政局收养登记处", where)


def person(id_number: str, name: str) -> Person:
    number = parse_id_number(id_number, allow_first_generation=True)
    return Person(name, "男" if number.sex == "male" else "女", number.birth_date, number.value)


def print_copy(adoption: Adoption, copy: dict[str, Any], number: str, code: str, actor: Actor,
               verification_url: str) -> dict[str, Any]:
    """The copy's PDF (base64) and the persons it names; the issuing office's registrars only (A-1): the
    registering office's for the 收养登记证, the dissolving office's for the 解除收养关系证明 (A-16)."""
    kind = _KINDS.get(copy["kind"])
    issuer = (adoption.dissolution or {}).get("office", adoption.office) \
        if kind is CertificateKind.ADOPTION_DISSOLUTION else adoption.office
    if actor.role != "adoption_registrar" or actor.office != issuer:
        raise Refusal(FORBIDDEN_PLACE, f"registrars of {issuer} print its certificates", 403)
    if kind is None:
        raise NotFound("no certificate has this number and code")
    adopters = tuple(person(a.id_number, a.name) for a in adoption.adopters)
    issued_on = copy["issued_on"]
    pdf = render_certificate(Certificate(
        kind=kind, number=number, holder=adopters[0], parties=adopters,
        adoptee=person(adoption.child.id_number, adoption.child.name),
        registered_on=issued_on if kind is CertificateKind.ADOPTION_DISSOLUTION else adoption.registered_on,
        issued_on=issued_on, office=office_of(issuer, issued_on),
        verification=Verification(verification_url, code)))
    return {"number": number, "pdf": base64.b64encode(pdf).decode("ascii"),
            "subjects": [a.id_number for a in adoption.adopters] + [adoption.child.id_number]}
