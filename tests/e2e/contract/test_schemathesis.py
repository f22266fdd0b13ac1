"""Issue 11: schemathesis against the live stack — every operation of the OpenAPI document, exercised through
the real gateway and services (PostgreSQL, RabbitMQ) with a valid token of a role it allows. No answer may be
a 5xx, and none may break the schema its operation documents. Bounded: a few examples per operation."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from services.adoption.service import AdoptionService
from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.gateway.openapi import build_document
from services.gateway.routes import ROUTES
from services.marriage.service import MarriageService
from services.timeline.service import TimelineService
from services.vagrant_aid.service import VagrantAidService
from tests.support.stack import module_stack, principal_token

pytestmark = pytest.mark.integration

# The document the gateway serves at /openapi.json, built from the same route table.
SCHEMA = schemathesis.openapi.from_dict(build_document(ROUTES))
EXAMPLES_PER_OPERATION = 4
# A role that may call an operation, most capable first; bureaus last (they must state a purpose).
PREFERENCE = ("admin", "marriage_registrar", "marriage_clerk", "child_welfare_officer", "township_officer",
              "adoption_registrar", "funeral_staff", "relief_staff", "oversight", "bureau")
OFFICES = {"marriage_clerk": "MR-610502", "funeral_staff": "FH-610502", "relief_staff": "RS-610500",
           "adoption_registrar": "MR-610502"}

world, api = module_stack([MarriageService, FuneralService, ChildWelfareService, VagrantAidService,
                           TimelineService, AdoptionService])


def headers_for(roles: str | list[str]) -> dict[str, str]:
    if roles == "public":
        return {}
    role = next(role for role in PREFERENCE if role in roles)
    headers = {"Authorization": f"Bearer {principal_token(role, OFFICES.get(role))}"}
    if role == "bureau":
        headers["X-Purpose"] = "contract test"
    return headers


@SCHEMA.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_a_5xx_or_breaks_its_schema(case, api):
    headers = headers_for(case.operation.definition.raw["x-roles"])
    case.call_and_validate(base_url=api.base_url, session=api.session, headers=headers,
                           checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
