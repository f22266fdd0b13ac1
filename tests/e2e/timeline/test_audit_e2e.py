"""Issue 14 through HTTP alone: the access log names a person whatever spelling addressed them (and oversight
finds every such read), records bulk reads per person with what they covered, the client address, a bureau's
purpose code, case reference and percent-encoded purpose; `known_at` answers what the registry knew at a
moment beside `as_of`; and a caller without the `case` class learns nothing of relief cases from the
timeline's 404 or its `merged_ids`."""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse

import pytest

from shared.business_dates import local_today
from tests.e2e.timeline.support import append, new_id
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

RELIEF = {"as_": "relief_staff", "office": "RS-610500"}
CLERK = {"as_": "marriage_clerk", "office": "MR-610502"}
PURPOSE = "户籍核查 2026-17"


def police(**headers: str) -> dict:
    return {"as_": "bureau", "bureau": "public_security", "headers": {"X-Purpose": "check", **headers}}


def person_ending_in_x() -> str:
    while not (number := synthetic_id_number(born=dt.date(1970, 5, 4))).endswith("X"):
        pass
    return number


def married(stores, person: str, on: dt.date) -> str:  # noqa: ANN001
    registration = new_id()
    append(stores["marriage"], f"registration-{registration}", "marriage.MarriageRegistered", on,
           [(person, "party"), (synthetic_id_number(sex="female"), "party")], office="MR-610502",
           registration_id=registration, registered_on=on.isoformat(), cross_county=False, imported=False)
    return registration


def timeline(api, person: str, query: str = "", count: int = 1, **who) -> dict:  # noqa: ANN001
    def ready() -> dict | None:
        answer = api.get(f"/v1/persons/{urllib.parse.quote(person)}/timeline{query}", **(who or CLERK))
        return answer.json() if answer.status_code == 200 and len(answer.json()["entries"]) >= count else None
    return wait_until(ready, timeout=30, what=f"{count} timeline entries")


def history(api, person: str) -> list[dict]:  # noqa: ANN001
    answer = api.get(f"/v1/persons/{urllib.parse.quote(person)}/access-log", as_="oversight")
    assert answer.status_code == 200, answer.text
    return answer.json()["entries"]


def test_reads_by_any_spelling_are_recorded_under_the_canonical_subject_and_all_found(api, stores):
    person = person_ending_in_x()
    married(stores, person, local_today() - dt.timedelta(days=100))
    timeline(api, person)
    first_generation = person[:6] + person[8:17]  # the same person's 15-digit number

    spellings = [person[:-1] + "x", f"  {person} ", first_generation]
    answers = [api.get(f"/v1/persons/{urllib.parse.quote(s)}/timeline", **CLERK) for s in spellings]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert {a.json()["subject"] for a in answers} == {person}
    reads = [e for e in history(api, person) if e["action"] == "persons.timeline"]
    assert len(reads) >= 4  # the three spellings and the wait's own reads
    by_old_number = [e for e in history(api, first_generation) if e["action"] == "persons.timeline"]
    assert by_old_number == reads  # oversight may ask by any spelling too


def test_bureau_reads_record_the_client_purpose_code_case_and_a_percent_encoded_purpose(api, stores):
    person = synthetic_id_number()
    married(stores, person, local_today() - dt.timedelta(days=10))
    timeline(api, person)

    read = api.get(f"/v1/persons/{person}/facts", **police(**{
        "X-Purpose": urllib.parse.quote(PURPOSE), "X-Purpose-Code": "household_registration",
        "X-Case-Ref": "WN-GA-2026-0017"}))

    assert read.status_code == 200, read.text
    (row,) = [e for e in history(api, person) if e["action"] == "persons.facts"]
    assert (row["purpose"], row["purpose_code"], row["case_ref"]) == (PURPOSE, "household_registration",
                                                                      "WN-GA-2026-0017")
    assert row["client_ip"] == "127.0.0.1"


@pytest.mark.parametrize(("headers", "code"), [
    ({"X-Purpose-Code": "curiosity"}, "invalid_purpose_code"),
    ({"X-Case-Ref": "with space"}, "invalid_case_ref"),
    ({"X-Purpose": "%E6%A1"}, "invalid_purpose"),  # a cut UTF-8 sequence
])
def test_a_purpose_code_outside_the_vocabulary_or_a_bad_case_ref_is_400(api, headers, code):
    answer = api.get(f"/v1/persons/{synthetic_id_number()}/facts", **police(**headers))
    assert answer.status_code == 400 and answer.json()["code"] == code


def test_a_feed_page_is_in_the_history_of_every_person_it_named_with_the_positions(api, stores):
    person = synthetic_id_number()
    married(stores, person, local_today() - dt.timedelta(days=5))
    timeline(api, person)

    def page_naming_person() -> dict | None:
        cursor, seen = None, 0
        while seen < 50:
            answer = api.get("/v1/feed?limit=1000" + (f"&after={cursor}" if cursor else ""),
                             **police(**{"X-Purpose-Code": "statistics"})).json()
            if any(s["id"] == person for e in answer["entries"] for s in e["data"]["subjects"]):
                return answer
            if not answer["entries"]:
                return None
            cursor, seen = answer["next"], seen + 1
        return None

    assert wait_until(page_naming_person, timeout=30, what="a feed page naming the person")
    (row,) = [e for e in history(api, person) if e["action"] == "persons.feed"][-1:]
    assert row["principal"].startswith("bureau") and row["purpose_code"] == "statistics"
    assert "marriage positions" in row["detail"]


def test_known_at_shows_what_the_registry_knew_beside_what_was_true_as_of(api, stores):
    """A late registration: a marriage of last year recorded only now. As of last year's date it is true;
    known at a moment before it was recorded, the registry knew nothing of it."""
    person = synthetic_id_number()
    early = local_today() - dt.timedelta(days=400)
    married(stores, person, local_today() - dt.timedelta(days=800))  # an earlier, timely record
    timeline(api, person)
    time.sleep(0.05)
    before_late = dt.datetime.now(dt.UTC).isoformat()
    time.sleep(0.05)
    married(stores, person, early)  # recorded late: it happened 400 days ago
    now = timeline(api, person, count=2)
    assert len(now["entries"]) == 2

    as_of = timeline(api, person, f"?as_of={early.isoformat()}", count=2)
    known = api.get(f"/v1/persons/{person}/timeline?known_at={urllib.parse.quote(before_late)}", **CLERK).json()
    both = api.get(f"/v1/persons/{person}/timeline?as_of={early.isoformat()}"
                   f"&known_at={urllib.parse.quote(before_late)}", **CLERK).json()

    assert len(as_of["entries"]) == 2  # true on that date: both marriages had been registered by then
    assert len(known["entries"]) == 1 and known["known_at"] == before_late
    assert len(both["entries"]) == 1
    facts_then = api.get(f"/v1/persons/{person}/facts?known_at={urllib.parse.quote(before_late)}", **CLERK)
    assert facts_then.status_code == 200 and facts_then.json()["known_at"] == before_late
    before_anything = api.get(f"/v1/persons/{person}/timeline?known_at=2000-01-01T00:00:00Z", **CLERK)
    assert before_anything.status_code == 404
    refused = api.get(f"/v1/persons/{person}/timeline?known_at=yesterday", **CLERK)
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_query"


def test_relief_cases_are_not_revealed_to_callers_without_the_case_class(api, stores):
    case = api.post("/v1/vagrant-aid/cases", json={
        "station": "RS-610500", "source": "patrol", "consent": True,
        "person": {"sex": "male", "estimated_age": 40}}, **RELIEF)
    assert case.status_code == 201, case.text
    temporary = case.json()["subject_id"]
    read_before = api.get(f"/v1/vagrant-aid/cases/{case.json()['case_id']}", **RELIEF)
    assert read_before.status_code == 200 and temporary in read_before.text  # the case names no ID number yet
    person = synthetic_id_number()
    identified = api.post(f"/v1/vagrant-aid/cases/{case.json()['case_id']}/identification",
                          json={"id_number": person, "method": "police"}, **RELIEF)
    assert identified.status_code == 200, identified.text
    by_case_reader = timeline(api, person, count=2, **RELIEF)
    assert temporary in by_case_reader["merged_ids"]

    # A registry clerk (status only): the same 404 as for an unknown person, by either id …
    unknown = api.get(f"/v1/persons/{synthetic_id_number()}/timeline", **CLERK)
    for subject in (temporary, person):
        hidden = api.get(f"/v1/persons/{subject}/timeline", **CLERK)
        assert (hidden.status_code, hidden.json()["code"]) == (unknown.status_code, unknown.json()["code"]) == (
            404, "not_found")
    # … and where the person has entries the clerk may see, no temporary ids.
    married(stores, person, local_today() - dt.timedelta(days=3))
    seen_by_clerk = timeline(api, person, count=1, **CLERK)
    assert seen_by_clerk["merged_ids"] == [] and len(seen_by_clerk["entries"]) == 1
    # Addressed by the temporary id, the person the clerk may see is still the 404 of an unknown id: a 200
    # would tell the clerk that this relief case is that person.
    for route in ("timeline", "facts"):
        by_case_id = api.get(f"/v1/persons/{temporary}/{route}", **CLERK)
        assert (by_case_id.status_code, by_case_id.json()["code"]) == (404, "not_found"), route
        assert api.get(f"/v1/persons/{person}/{route}", **CLERK).status_code == 200
    by_temporary_id = api.get(f"/v1/persons/{temporary}/timeline", **RELIEF)
    assert by_temporary_id.status_code == 200 and by_temporary_id.json()["person"] == person
    # The access history is the person's under either id: the case read before it was identified (which named
    # only the temporary id) and the clerk's reads by the ID number are found by both.
    for asked_by in (person, temporary):
        rows = history(api, asked_by)
        assert any(e["action"] == "vagrant_aid.get_case" for e in rows), asked_by  # read only before
        assert any(e["action"] == "persons.timeline" and e["role"] == "marriage_clerk" and e["outcome"] == 200
                   for e in rows), asked_by
        assert any(e["action"] == "persons.timeline" and e["role"] == "relief_staff" for e in rows), asked_by
    def reads(asked_by: str) -> list[dict]:
        return [e for e in history(api, asked_by) if e["action"] != "persons.access_log"]
    assert reads(person) == reads(temporary)


def test_an_adoption_registrars_reads_of_a_person_are_in_the_access_log_and_the_feed_is_not_theirs(api, stores):
    """A-6 through HTTP: the registrar reads an adopter's marriage (status) and standing; oversight finds each
    read under the registrar's role. The change feed (every person's events) is not the registrar's."""
    registrar = {"as_": "adoption_registrar", "office": "MR-610502"}
    adopter = synthetic_id_number(sex="male")
    married(stores, adopter, local_today() - dt.timedelta(days=30))
    seen = timeline(api, adopter, **registrar)
    assert [e["type"] for e in seen["entries"]] == ["marriage.MarriageRegistered"]
    facts = api.get(f"/v1/persons/{adopter}/facts", **registrar)
    assert facts.status_code == 200 and facts.json()["marital_status"] == "married", facts.text
    assert "open_relief_case" not in facts.json()  # no `case` class
    feed = api.get("/v1/feed", **registrar)
    assert (feed.status_code, feed.json()["code"]) == (403, "forbidden")
    rows = [e for e in history(api, adopter) if e["role"] == "adoption_registrar"]
    # The wait's own reads before the marriage reached the timeline (404) are in it too.
    assert {(e["action"], e["outcome"]) for e in rows} >= {("persons.timeline", 200), ("persons.facts", 200)}
    assert all(e["principal"] == "adoption-registrar.MR-610502" for e in rows)
