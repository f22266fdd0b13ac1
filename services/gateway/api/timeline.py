"""Persons and feed routes (api.md "Persons (timeline)", domain.md T-1 to T-3), answered by the timeline
service, and the access history, answered from the gateway's own access log.

Who may call what (access classes: services/timeline/access.yaml, docs/timeline.md):
* a person's timeline and facts, and the change feed: every role that reads personal data — registry
  clerks and registrars (marriage, adoption), child welfare officers, funeral and relief staff, bureaus (by scope, with
  `X-Purpose`, which the pipeline requires), admins; the timeline service filters the answer by the
  caller's role and scopes (a bureau with `:facts` scopes only gets facts: 403 on timelines and the feed);
* a person's access history: oversight only.
Every call is recorded in the access log with the person as subject and the stated purpose.
"""

from __future__ import annotations

from typing import Any

from services.gateway.problems import Problem
from services.gateway.routing import Call, JsonText, Reply, Route
from services.timeline.contract import queries, responses
from services.timeline.contract.feed import FeedPage

PREFIX = "/v1/persons"
READERS = {"marriage_clerk", "marriage_registrar", "adoption_registrar", "child_welfare_officer", "funeral_staff",
           "relief_staff", "bureau", "admin"}
# The feed is every person's events of the caller's classes: an adoption registrar reads persons one at a time
# for the case before them, never the city's adoptions as a stream.
FEED_READERS = READERS - {"adoption_registrar"}
OVERSIGHT = {"oversight"}


def _viewer(call: Call) -> dict[str, Any]:
    principal = call.principal
    assert principal is not None  # not a PUBLIC route
    return {"role": principal.role, "scopes": list(principal.scopes)}


def person_timeline(call: Call) -> Reply:
    """Every event about the person, in business-date order, as far as the caller may see (T-1, T-3)."""
    # The service answers with the document as JSON text; it goes out as it came (docs/timeline.md). When
    # the gateway holds the document of the same read, the service is offered its digest and sends the text
    # only if this caller's document is now a different one (held.py).
    viewer = _viewer(call)
    person, as_of, service, known_at = (call.params["person_id"], call.query.get("as_of"), call.query.get("service"),
                                        call.query.get("known_at"))
    documents = call.ports.held
    key = ("persons.timeline", person, as_of, service, known_at, viewer["role"], tuple(viewer["scopes"]))
    held = documents.get(key) if documents is not None else None
    answer = call.rpc("timeline").person_timeline(person, as_of, service, viewer, known_at,
                                                  held.digest if held is not None else None)
    if documents is None:
        return Reply(JsonText(answer["document"]))
    return Reply(documents.answer(key, held, answer))


def person_facts(call: Call) -> Reply:
    """Alive or deceased, marital status, child welfare status, open relief case — now or as of a date (T-2)."""
    return Reply(call.rpc("timeline").person_facts(call.params["person_id"], call.query.get("as_of"),
                                                   _viewer(call), call.query.get("known_at")))


def person_access_log(call: Call) -> Reply:
    """Who read or changed this person's data, in which role, for which purpose, when (T-3)."""
    access_log = call.ports.access_log
    if access_log is None:
        raise Problem(503, "service_unavailable", "the access log is not reachable")
    # Under the ID number and every temporary id linked to the person, whichever of them is asked for: the
    # links are the timeline's (a relief case identified as the person), and reads of the case made before
    # it was identified, or of the person by any linked id, are the person's history.
    ids = call.rpc("timeline").person_ids(call.params["person_id"], _viewer(call))
    return Reply({"subject": call.params["person_id"], "entries": access_log.history(*ids)})


def feed(call: Call) -> Reply:
    """The change feed other bureaus poll: events they may see after the cursor `after` (T-3)."""
    return Reply(call.rpc("timeline").feed(call.query.get("after"), call.query.get("types"),
                                           call.query.get("limit"), _viewer(call)))


ROUTES = [
    Route("GET", f"{PREFIX}/<person_id>/timeline", "persons.timeline", READERS, person_timeline,
          query=queries.TimelineQuery, subject="person_id", response=responses.Timeline),
    Route("GET", f"{PREFIX}/<person_id>/facts", "persons.facts", READERS, person_facts, query=queries.FactsQuery,
          subject="person_id", response=responses.Facts),
    Route("GET", f"{PREFIX}/<person_id>/access-log", "persons.access_log", OVERSIGHT, person_access_log,
          subject="person_id", response=responses.AccessLog),
    Route("GET", "/v1/feed", "persons.feed", FEED_READERS, feed, query=queries.FeedQuery,
          response=FeedPage),
]
