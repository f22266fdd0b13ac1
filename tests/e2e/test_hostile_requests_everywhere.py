"""Hostile paths and queries against every service's read and command routes, through the real gateway:
a NUL byte, an impossible month, an absurd number — each is a 4xx problem+json, never a 500, and the
calls that concern a person are still audited.

PostgreSQL text cannot hold NUL, so a NUL that reached a query unchecked would fail inside a service or in
the audit write; this module is the guard for every route at once.
"""

from __future__ import annotations

import pytest

from services.adoption.service import AdoptionService
from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.timeline.service import TimelineService
from services.vagrant_aid.service import VagrantAidService
from tests.support.stack import module_stack

pytestmark = pytest.mark.integration

CLERK = {"as_": "marriage_clerk", "office": "MR-610502"}
OFFICER = {"as_": "child_welfare_officer"}

HOSTILE = [
    ("GET", "/v1/marriage/persons/%00/status", CLERK),
    ("GET", "/v1/marriage/persons/610502199001010011/status?as_of=%00", CLERK),
    ("GET", "/v1/marriage/registrations/%00", CLERK),
    ("GET", "/v1/marriage/divorces/%00", CLERK),
    ("GET", "/v1/marriage/certificates/%00/verification", {}),
    ("GET", "/v1/marriage/statistics?from=%00", CLERK),
    ("POST", "/v1/marriage/registrations/%00/revocation",
     {"as_": "marriage_registrar", "json": {"reason": "伪造证件", "document_ref": "公安-1"}}),
    ("POST", "/v1/marriage/appointments/%00/cancellation", {**CLERK, "json": {}}),
    ("GET", "/v1/child-welfare/children/%00", OFFICER),
    ("GET", "/v1/child-welfare/children/%00/allowances?from=%00", OFFICER),
    ("GET", "/v1/child-welfare/payroll?month=2025-13", OFFICER),
    ("POST", "/v1/child-welfare/children/%00/visits", {**OFFICER, "json": {"findings": "well"}}),
    ("GET", "/v1/funeral/persons/%00/death", {"as_": "funeral_staff", "office": "FH-610502"}),
    ("GET", "/v1/vagrant-aid/cases/%00", {"as_": "relief_staff", "office": "RS-610500"}),
    ("GET", "/v1/persons/%00/timeline", {"as_": "admin"}),
    ("GET", "/v1/persons/%00/facts?as_of=%00", {"as_": "admin"}),
    ("GET", "/v1/feed?after=%00&types=%00", {"as_": "admin"}),
    ("GET", "/v1/feed?limit=99999999999999999999", {"as_": "admin"}),
    ("GET", "/v1/adoption/registrations/%00", {"as_": "adoption_registrar", "office": "MR-610502"}),
    ("GET", "/v1/adoption/registrations?cursor=%00&from=%00&limit=0", {"as_": "oversight"}),
    ("GET", "/v1/adoption/certificates/%00/verification?code=%00", {}),
    ("POST", "/v1/adoption/registrations/%00/dissolution", {"as_": "adoption_registrar", "office": "MR-610502"}),
    ("GET", "/v1/adoption/applications/%00", {"as_": "adoption_registrar", "office": "MR-610502"}),
    ("GET", "/v1/adoption/tasks?as_of=2026-13-01&office=%00", {"as_": "oversight"}),
    ("POST", "/v1/adoption/applications/%00/refusal",
     {"as_": "adoption_registrar", "office": "MR-610502", "json": {"codes": ["no_assessment"], "reason": "无评估"}}),
    ("POST", "/v1/adoption/assessments/%00/report", {"as_": "adoption_registrar", "office": "MR-610502",
                                                      "json": {"outcome": "suitable", "assessed_on": "2026-01-05"}}),
    ("GET", "/v1/adoption/registrations?certificate=%00&code=%00",
     {"as_": "adoption_registrar", "office": "MR-610528"}),
]


world, api = module_stack([MarriageService, FuneralService, ChildWelfareService, VagrantAidService,
                           TimelineService, AdoptionService])


@pytest.mark.parametrize(("method", "path", "call"), HOSTILE, ids=[f"{m} {p}" for m, p, _ in HOSTILE])
def test_a_hostile_path_or_query_is_a_4xx_problem_never_a_500(api, method, path, call):
    response = api.request(method, path, **call)

    assert 400 <= response.status_code < 500, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"]


def test_a_read_with_a_hostile_id_is_audited_and_oversight_finds_it(api):
    assert api.get("/v1/persons/%00/timeline", as_="admin").status_code == 422

    history = api.get("/v1/persons/%00/access-log", as_="oversight")

    assert history.status_code == 200, history.text
    assert [(e["role"], e["action"], e["outcome"]) for e in history.json()["entries"]][-1:] == [
        ("admin", "persons.timeline", 422)]
