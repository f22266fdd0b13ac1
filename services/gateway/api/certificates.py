"""`GET /v1/certificates/{number}.pdf?code=` (api.md release 2, K-1): one route prints every certificate civreg
issues — the 结婚证 and 离婚证 with their reissues and the 婚姻登记记录证明 (marriage), the 收养登记证 and the
解除收养关系证明 (adoption).

The number's prefix (K-2) names the issuing service: adoption's prefixes are configurable
(`services/adoption/rule_parameters.yaml`, `SY` and `SJ` by default), every other number is marriage's. Only the
issuing service's staff may print (the service then checks the office); the QR code carries that service's
public verification URL; the printing is in the access history of the persons the copy names
(`certificates.print`).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from services.adoption.contract import table as adoption
from services.gateway.api.common import parsed_query
from services.gateway.problems import Problem
from services.gateway.routing import Call, Reply, Route
from services.marriage.contract import queries
from services.marriage.contract import table as marriage
from shared.reference.refusals import FORBIDDEN


@dataclass(frozen=True)
class Issuer:
    """A service that issues certificates: who of its staff may print them, where they are verified."""

    service: str
    roles: frozenset[str]
    verification: str  # the public check's path prefix, `…/certificates/{number}/verification`


MARRIAGE = Issuer("marriage", frozenset({"marriage_clerk", "marriage_registrar"}), marriage.PREFIX)
ADOPTION = Issuer("adoption", adoption.REGISTRARS, adoption.PREFIX)
_PREFIX = re.compile(r"[A-Z]*")


def issuer_of(number: str) -> Issuer:
    """K-2: the service whose documents carry this number's prefix."""
    prefix = _PREFIX.match(number)
    return ADOPTION if prefix and prefix.group() in adoption.certificate_prefixes() else MARRIAGE


def print_certificate(call: Call) -> Reply:
    """The printable certificate (K-1) as PDF, with its verification URL and code in the QR code, for the staff
    of the issuing office."""
    number = call.params["number"]
    issuer = issuer_of(number)
    principal = call.principal
    assert principal is not None  # not a PUBLIC route
    if principal.role not in issuer.roles:  # e.g. a marriage clerk and an adoption's number
        raise Problem(403, FORBIDDEN, f"role {principal.role} does not print {issuer.service} certificates")
    code = parsed_query(call, queries.PrintQuery)["code"]
    url = f"{call.request.host_url.rstrip('/')}{issuer.verification}/certificates/{number}/verification"
    printed = call.rpc(issuer.service).print_certificate(number, code, call.actor(), url)
    return Reply(base64.b64decode(printed["pdf"]), content_type="application/pdf",
                 headers={"Content-Disposition": f'inline; filename="{printed["number"]}.pdf"'},
                 subjects=tuple(printed["subjects"]), detail=f"printed {printed['number']}")


ROUTES = [
    Route("GET", "/v1/certificates/<number>.pdf", "certificates.print", MARRIAGE.roles | ADOPTION.roles,
          print_certificate, query=queries.PrintQuery, media_type="application/pdf"),
]
