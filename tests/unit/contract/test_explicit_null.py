"""Issue 11: an explicit `null` in a body means the same in every service — the field left out — so each
service applies its own default to both (vagrant_aid used to receive the `null`, the others did not)."""

from __future__ import annotations

import json

import pytest

from tests.unit.gateway.fakes import RecordingService, bearer, principals, route_client

ID = "00000000-0000-4000-8000-000000000001"
# service, who, path, body, the optional field sent as null
COMMANDS = [
    ("marriage", "clerk", f"/v1/marriage/appointments/{ID}/cancellation", {}, "cancelled_on"),
    ("funeral", "funeral", f"/v1/funeral/deaths/{ID}/collection", {}, "collected_on"),
    ("child_welfare", "officer", f"/v1/child-welfare/children/{ID}/visits", {"findings": "well"}, "visited_on"),
    ("vagrant_aid", "city", f"/v1/vagrant-aid/cases/{ID}/settlement",
     {"id_number": "610502199001010011", "household_division": "610502"}, "settled_on"),
]


@pytest.mark.parametrize(("service_name", "who", "path", "body", "field"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_an_explicit_null_reaches_the_service_as_a_field_left_out(service_name, who, path, body, field):
    service = RecordingService(service_name, lambda method, args: {"version": 1})
    client = route_client(principals(who), service)

    keys = ("explicit-null-1", "explicit-null-2")  # each request its own key: the second is no replay
    for sent, key in zip((body, {**body, field: None}), keys, strict=True):
        response = client.post(path, data=json.dumps(sent), content_type="application/json",
                               headers={**bearer(who), "Idempotency-Key": key})
        assert response.status_code < 300, response.get_json()
    [(_, first), (_, second)] = service.calls
    assert [arg for arg in first if arg != keys[0]] == [arg for arg in second if arg != keys[1]]
    [forwarded] = [arg for arg in first if isinstance(arg, dict) and "role" not in arg]  # the body, not the actor
    assert forwarded == body
