"""Flows into the services that consume relief events (docs/events.md): a death in care opens the funeral
service's death record (V-8 → F-1/F-6); a minor's referral opens a child welfare file that the case's end
closes, and an identification showing an adult cancels (V-7, V-8).
"""

from __future__ import annotations

import datetime as dt

import pytest

from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.topology import subscriptions_of
from services.vagrant_aid.service import VagrantAidService
from tests.e2e.vagrant_aid.support import days_ago, intake, key, new_id_number, today
from tests.support.infrastructure import isolated_world
from tests.support.stack import running_stack
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

STAFF = {"as_": "relief_staff", "office": "RS-610500"}


def consumes(service: type, event_type: str) -> bool:
    return any(q.source == "vagrant_aid" and event_type in q.event_types for q in subscriptions_of(service))


@pytest.fixture(scope="module")
def flow():
    with isolated_world(("vagrant_aid", "funeral", "child_welfare", "gateway")) as made:
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



OFFICER = {"as_": "child_welfare_officer"}


def test_a_minors_referral_closes_when_family_collects_and_an_adults_is_cancelled_V7_V8(flow):
    flow_namespace, flow_vhost = flow
    assert consumes(ChildWelfareService, "vagrant_aid.PersonExited")
    with running_stack(flow_namespace, flow_vhost, [VagrantAidService, ChildWelfareService]) as api:
        def file_of(subject: str, status: str | None = None):
            def found() -> dict | None:
                answer = api.get(f"/v1/child-welfare/children/{subject}", **OFFICER)
                if answer.status_code != 200 or (status and answer.json()["status"] != status):
                    return None
                return answer.json()
            return wait_until(found, timeout=20, what=f"the child welfare file of {subject} ({status or 'any'})")

        child = api.post("/v1/vagrant-aid/cases", json=intake(person={"sex": "male", "estimated_age": 9},
                                                               consent=False), headers=key(), **STAFF).json()
        assert file_of(child["subject_id"])["source"] == "relief_referral"
        left = api.post(f"/v1/vagrant-aid/cases/{child['case_id']}/exit", json={
            "kind": "collected", "collected_by": "王大山", "relation": "father"}, headers=key(), **STAFF)
        assert left.status_code == 200, left.text
        closed = file_of(child["subject_id"], "terminated")
        assert (closed["termination"]["reason"], closed["history"][-1]["payload"]["relief_exit"]) == (
            "referral_closed", "collected")

        teen = api.post("/v1/vagrant-aid/cases", json=intake(person={"sex": "male", "estimated_age": 16},
                                                              consent=False), headers=key(), **STAFF).json()
        file_of(teen["subject_id"])
        adult = new_id_number(born=dt.date(1990, 3, 3))
        found = api.post(f"/v1/vagrant-aid/cases/{teen['case_id']}/identification",
                         json={"id_number": adult, "method": "police"}, headers=key(), **STAFF)
        assert found.status_code == 200, found.text
        assert file_of(teen["subject_id"], "terminated")["termination"]["reason"] == "referral_cancelled"
