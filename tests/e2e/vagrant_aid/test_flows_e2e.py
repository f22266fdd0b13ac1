"""Flows into the services that consume relief events (docs/events.md): a death in care opens the funeral
service's death record (V-8 → F-1/F-6).

The minor's referral to child welfare (V-7) is asserted on the wire in test_cases_e2e.py; its flow test
belongs with the child welfare service, which does not consume it yet.
"""

from __future__ import annotations

import pytest

from services.funeral.service import FuneralService
from services.topology import subscriptions_of
from services.vagrant_aid.service import VagrantAidService
from tests.e2e.vagrant_aid.support import days_ago, intake, key, today
from tests.support.infrastructure import isolated_world
from tests.support.stack import running_stack
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

STAFF = {"as_": "relief_staff", "office": "RS-610500"}


def consumes(service: type, event_type: str) -> bool:
    return any(q.source == "vagrant_aid" and event_type in q.event_types for q in subscriptions_of(service))


@pytest.fixture(scope="module")
def flow():
    with isolated_world(("vagrant_aid", "funeral", "gateway")) as made:
        yield made


def test_a_death_in_care_opens_the_death_record_at_the_funeral_service_V8(flow):
    flow_namespace, flow_vhost = flow
    assert consumes(FuneralService, "vagrant_aid.PersonExited")
    with running_stack(flow_namespace, flow_vhost, [VagrantAidService, FuneralService]) as api:
        case = api.post("/v1/vagrant-aid/cases", json=intake(arrived_at=days_ago(3)), headers=key(), **STAFF).json()
        died_on = today().isoformat()
        response = api.post(f"/v1/vagrant-aid/cases/{case['case_id']}/exit", json={
            "kind": "died", "died_on": died_on, "place_division": "610502", "natural": True,
            "certificate_no": "D-2025-0042", "issuer": "渭南市中心医院"}, **STAFF)
        assert response.status_code == 200, response.text

        def recorded() -> dict | None:
            answer = api.get(f"/v1/funeral/persons/{case['subject_id']}/death", **STAFF)
            return answer.json() if answer.status_code == 200 and answer.json().get("deceased") else None

        death = wait_until(recorded, timeout=20, what="the funeral service's death record")
        assert death["died_on"] == died_on

