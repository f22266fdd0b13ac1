"""The persons and feed routes at the gateway, the timeline service replaced by a recording fake: who may
call them, what reaches the service (the caller's role and scopes, so that it filters), purpose for bureaus."""

from __future__ import annotations

import pytest

from services.gateway.auth import Principals
from shared.errors import Refusal
from tests.unit.gateway.fakes import RecordingService, route_client

TOKENS = {
    "education": "test-bureau-education-0123456789abcdef",
    "police": "test-bureau-police-0123456789abcdef0123",
    "clerk": "test-clerk-610502-0123456789abcdef0123",
    "oversight": "test-oversight-0123456789abcdef0123456",
}
PRINCIPALS = Principals.from_entries([
    {"token": TOKENS["education"], "name": "bureau.education", "role": "bureau", "bureau": "education",
     "scopes": ["protected:facts"]},
    {"token": TOKENS["police"], "name": "bureau.public_security", "role": "bureau", "bureau": "public_security",
     "scopes": ["status", "case"]},
    {"token": TOKENS["clerk"], "name": "clerk.MR-610502", "role": "marriage_clerk", "office": "MR-610502"},
    {"token": TOKENS["oversight"], "name": "oversight.city", "role": "oversight"},
])
PERSON = "610502199001010011"


def headers(who: str, purpose: str | None = None) -> dict[str, str]:
    found = {"Authorization": f"Bearer {TOKENS[who]}"}
    return {**found, "X-Purpose": purpose} if purpose else found


@pytest.fixture
def timeline():
    # The timeline answers person_timeline with the document as JSON text, the other methods with values.
    return RecordingService("timeline", lambda method, args: (
        '{"entries": []}' if method == "person_timeline" else {"method": method, "entries": []}))


def test_the_caller_role_and_scopes_reach_the_timeline_service_with_the_query_T3(timeline):
    client = route_client(PRINCIPALS, timeline)
    response = client.get(f"/v1/persons/{PERSON}/timeline?as_of=2024-01-01&service=funeral"
                          "&known_at=2025-01-01T00:00:00Z", headers=headers("police", "核查"))
    assert response.status_code == 200
    assert timeline.calls == [("person_timeline", (PERSON, "2024-01-01", "funeral",
                                                   {"role": "bureau", "scopes": ["status", "case"]},
                                                   "2025-01-01T00:00:00Z"))]


def test_a_bureau_without_a_stated_purpose_is_refused_before_the_service_is_asked_T3(timeline):
    client = route_client(PRINCIPALS, timeline)
    for path in (f"/v1/persons/{PERSON}/facts", f"/v1/persons/{PERSON}/timeline", "/v1/feed"):
        response = client.get(path, headers=headers("education"))
        assert response.status_code == 400 and response.json["code"] == "purpose_required"
    assert timeline.calls == []


def test_the_access_log_is_for_oversight_only_T3(timeline):
    client = route_client(PRINCIPALS, timeline)
    for who in ("police", "clerk"):
        assert client.get(f"/v1/persons/{PERSON}/access-log", headers=headers(who, "x")).status_code == 403
    assert client.get(f"/v1/persons/{PERSON}/timeline", headers=headers("oversight")).status_code == 403


def test_the_feed_passes_cursor_types_and_limit_on_T3(timeline):
    client = route_client(PRINCIPALS, timeline)
    response = client.get("/v1/feed?after=abc&types=funeral.*&limit=5", headers=headers("police", "通报"))
    assert response.status_code == 200
    method, args = timeline.calls[0]
    assert (method, args[:3]) == ("feed", ("abc", "funeral.*", "5"))




def test_the_timeline_document_goes_out_as_the_service_wrote_it_with_the_usual_headers_T1():
    document = '{"subject": "610502199001010011", "entries": [{"title": "死亡登记 (funeral.DeathRegistered)"}]}'
    timeline = RecordingService("timeline", lambda method, args: document)
    client = route_client(PRINCIPALS, timeline)
    response = client.get(f"/v1/persons/{PERSON}/timeline", headers=headers("clerk"))
    assert response.status_code == 200
    assert response.get_data(as_text=True) == document  # not parsed and serialised again
    assert response.content_type == "application/json"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_refusal_of_the_timeline_service_is_still_problem_json_T3():
    def refuse(method, args):
        raise Refusal("timeline_not_in_scope", "your scopes cover current facts only, not timelines", 403)

    client = route_client(PRINCIPALS, RecordingService("timeline", refuse))
    response = client.get(f"/v1/persons/{PERSON}/timeline", headers=headers("police", "核查"))
    assert response.status_code == 403 and response.content_type == "application/problem+json"
    assert response.json["code"] == "timeline_not_in_scope"
