"""The persons and feed routes at the gateway, the timeline service replaced by a recording fake: who may
call them, what reaches the service (the caller's role and scopes, so that it filters), purpose for bureaus."""

from __future__ import annotations

import pytest

from services.gateway.auth import Principals
from shared.errors import Refusal
from tests.unit.gateway.fakes import RecordingAccessLog, RecordingService, route_client

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
    # The timeline answers person_timeline with the document as JSON text and its digest, the other methods
    # with values.
    return RecordingService("timeline", lambda method, args: (
        {"digest": "d1", "document": '{"entries": []}'} if method == "person_timeline"
        else {"method": method, "entries": []}))


def test_the_caller_role_and_scopes_reach_the_timeline_service_with_the_query_T3(timeline):
    client = route_client(PRINCIPALS, timeline)
    response = client.get(f"/v1/persons/{PERSON}/timeline?as_of=2024-01-01&service=funeral"
                          "&known_at=2025-01-01T00:00:00Z", headers=headers("police", "核查"))
    assert response.status_code == 200
    assert timeline.calls == [("person_timeline", (PERSON, "2024-01-01", "funeral",
                                                   {"role": "bureau", "scopes": ["status", "case"]},
                                                   "2025-01-01T00:00:00Z", None))]


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
    timeline = RecordingService("timeline", lambda method, args: {"digest": "d1", "document": document})
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


class Timeline:
    """The timeline's side of a held document (application/queries.py, `timeline_answer`): the document this
    caller may see now and its digest; no text when the gateway offers that very digest."""

    def __init__(self) -> None:
        self.documents = {"clerk": (f'{{"subject": "{PERSON}", "entries": [1]}}', "d-clerk-1"),
                          "police": (f'{{"subject": "{PERSON}", "entries": [1, 2]}}', "d-police-1")}

    def __call__(self, method: str, args: tuple) -> dict:
        document, digest = self.documents["police" if args[3]["role"] == "bureau" else "clerk"]
        return {"digest": digest, "document": None if args[5] == digest else document}


def test_a_held_timeline_goes_out_again_only_when_the_service_says_it_is_this_callers_document_now_T1_T3():
    timeline = Timeline()
    service = RecordingService("timeline", timeline)
    access_log = RecordingAccessLog()
    client = route_client(PRINCIPALS, service, access_log)
    path = f"/v1/persons/{PERSON}/timeline"
    first = client.get(path, headers=headers("clerk"))
    again = client.get(path, headers=headers("clerk"))
    assert first.get_data(as_text=True) == again.get_data(as_text=True) == timeline.documents["clerk"][0]
    assert [args[5] for _, args in service.calls] == [None, "d-clerk-1"]  # the second was not sent again
    # Another caller's read is its own: the clerk's digest is never offered for it, and it gets its document.
    police = client.get(path, headers=headers("police", "核查"))
    assert police.get_data(as_text=True) == timeline.documents["police"][0]
    assert service.calls[-1][1][5] is None
    # The clerk's document changed (a new entry): the held one is offered, and the new one sent and served.
    timeline.documents["clerk"] = (f'{{"subject": "{PERSON}", "entries": [1, 3]}}', "d-clerk-2")
    changed = client.get(path, headers=headers("clerk"))
    assert service.calls[-1][1][5] == "d-clerk-1"
    assert changed.get_data(as_text=True) == timeline.documents["clerk"][0]
    assert client.get(path, headers=headers("clerk")).get_data(as_text=True) == timeline.documents["clerk"][0]
    # Every read is in the access log, held or not, with its purpose.
    rows = [(row.principal, row.subject, row.outcome, row.purpose) for row in access_log.entries]
    assert rows == [("clerk.MR-610502", PERSON, 200, None)] * 2 + [("bureau.public_security", PERSON, 200, "核查")] + \
        [("clerk.MR-610502", PERSON, 200, None)] * 2


def test_no_document_from_the_service_for_a_digest_the_gateway_did_not_offer_is_an_error_not_a_guess_T3():
    answers = iter([{"digest": "d1", "document": '{"entries": [1]}'}, {"digest": "d2", "document": None}])
    client = route_client(PRINCIPALS, RecordingService("timeline", lambda method, args: next(answers)))
    path = f"/v1/persons/{PERSON}/timeline"
    assert client.get(path, headers=headers("clerk")).status_code == 200
    response = client.get(path, headers=headers("clerk"))
    assert response.status_code == 500 and "entries" not in response.get_data(as_text=True)
