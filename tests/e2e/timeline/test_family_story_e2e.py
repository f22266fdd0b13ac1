"""One family through the gateway (T-1 to T-3): a marriage, the husband's death at the funeral service, the
widow's remarriage at another office, a child whose imprisoned mother leaves it de facto unattended and who
becomes an orphan when she dies, and who runs away and is taken in by a relief station unidentified.

Funeral and vagrant aid are the real services; marriage and child welfare events are appended to their
stores as docs/events.md agrees them, and their outbox relays publish them.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.timeline.contract.feed import FeedPage
from shared.business_dates import local_today
from tests.e2e.timeline.support import append, new_id
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

FUNERAL = {"as_": "funeral_staff", "office": "FH-610502"}
RELIEF = {"as_": "relief_staff", "office": "RS-610500"}
POLICE = {"as_": "bureau", "bureau": "public_security", "headers": {"X-Purpose": "户籍核查".encode()}}
EDUCATION = {"as_": "bureau", "bureau": "education", "headers": {"X-Purpose": "学籍资助核定".encode()}}


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def timeline_of(api, person: str, count: int, **who) -> list[dict]:  # noqa: ANN001
    """The person's timeline once it holds `count` entries (the projector is asynchronous)."""
    def ready() -> list[dict] | None:
        answer = api.get(f"/v1/persons/{person}/timeline", **(who or {"as_": "admin"}))
        return answer.json()["entries"] if answer.status_code == 200 and len(answer.json()["entries"]) >= count \
            else None
    return wait_until(ready, timeout=30, what=f"{count} timeline entries")


def facts_of(api, person: str, as_of: dt.date | None = None, **who) -> dict:  # noqa: ANN001
    query = f"?as_of={as_of.isoformat()}" if as_of else ""
    answer = api.get(f"/v1/persons/{person}/facts{query}", **(who or {"as_": "admin"}))
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def family():
    today = local_today()
    return {
        "today": today,
        "husband": synthetic_id_number(born=dt.date(1980, 3, 1)),
        "wife": synthetic_id_number(born=dt.date(1982, 6, 1), sex="female"),
        "second_husband": synthetic_id_number(born=dt.date(1979, 1, 5)),
        "mother": synthetic_id_number(born=dt.date(1990, 2, 2), sex="female"),
        "child": synthetic_id_number(born=today.replace(year=today.year - 12)),
        "married_on": today - dt.timedelta(days=3000),
        "husband_died_on": today - dt.timedelta(days=5),
    }


def test_marriage_death_widowhood_and_remarriage_give_marital_status_as_of_each_date_T1_T2(api, stores, family):
    today, husband, wife, second = family["today"], family["husband"], family["wife"], family["second_husband"]
    first, second_registration = new_id(), new_id()
    append(stores["marriage"], f"registration-{first}", "marriage.MarriageRegistered", family["married_on"],
           [(husband, "party"), (wife, "party")], office="MR-610502", registration_id=first,
           registered_on=family["married_on"].isoformat(), cross_county=False, imported=False)
    died = api.post("/v1/funeral/deaths", headers=key(), json={
        "id_number": husband, "died_on": family["husband_died_on"].isoformat(), "place_division": "610502",
        "certificate_no": "F6105020001", "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"},
        **FUNERAL)
    assert died.status_code == 201, died.text
    append(stores["marriage"], f"registration-{first}", "marriage.MarriageEndedByDeath", family["husband_died_on"],
           [(husband, "deceased"), (wife, "survivor")], registration_id=first,
           died_on=family["husband_died_on"].isoformat(), death_id=died.json()["death_id"])
    append(stores["marriage"], f"registration-{second_registration}", "marriage.MarriageRegistered", today,
           [(wife, "party"), (second, "party")], office="MR-610503", registration_id=second_registration,
           registered_on=today.isoformat(), cross_county=True, imported=False)

    entries = timeline_of(api, wife, 3)
    assert [e["type"] for e in entries] == ["marriage.MarriageRegistered", "marriage.MarriageEndedByDeath",
                                            "marriage.MarriageRegistered"]
    assert [e["office"] for e in entries][::2] == ["MR-610502", "MR-610503"]
    assert entries[0]["title"] == "结婚登记 (marriage.MarriageRegistered)"
    assert entries[0]["refs"]["registration_id"] == first

    husband_entries = timeline_of(api, husband, 3)
    assert [e["type"] for e in husband_entries] == ["marriage.MarriageRegistered", "funeral.DeathRegistered",
                                                    "marriage.MarriageEndedByDeath"]
    assert husband_entries[1]["office"] == "FH-610502"
    assert facts_of(api, husband)["alive"] is False
    assert facts_of(api, husband)["died_on"] == family["husband_died_on"].isoformat()
    assert facts_of(api, husband, family["husband_died_on"] - dt.timedelta(days=1))["alive"] is True

    assert facts_of(api, wife, family["married_on"] - dt.timedelta(days=1))["marital_status"] == "unmarried"
    assert facts_of(api, wife, family["married_on"])["marital_status"] == "married"
    widowed = facts_of(api, wife, today - dt.timedelta(days=1))
    assert (widowed["marital_status"], widowed["marital_status_since"]) == (
        "widowed", family["husband_died_on"].isoformat())
    now = facts_of(api, wife)
    assert (now["marital_status"], now["registration_id"]) == ("married", second_registration)


def test_child_welfare_status_relief_case_merge_and_scopes_T1_T2_T3(api, stores, family):
    today, mother, child = family["today"], family["mother"], family["child"]
    child_id = new_id()
    opened_on, confirmed_on = today - dt.timedelta(days=400), today - dt.timedelta(days=380)
    mother_died_on = today - dt.timedelta(days=20)
    stream = f"child-{child_id}"
    cw = stores["child_welfare"]
    append(cw, stream, "child_welfare.ChildFileOpened", opened_on, [(child, "child"), (mother, "parent")],
           child_id=child_id, household_division="610502", care="dispersed", applied_on=opened_on.isoformat(),
           source="application")
    append(cw, stream, "child_welfare.EligibilityConfirmed", confirmed_on, [(child, "child")], child_id=child_id,
           category="de_facto_unattended", decided_on=confirmed_on.isoformat(), allowance_from=f"{confirmed_on:%Y-%m}")
    died = api.post("/v1/funeral/deaths", headers=key(), json={
        "id_number": mother, "died_on": mother_died_on.isoformat(), "place_division": "610502",
        "certificate_no": "F6105020002", "issuer": "渭南监狱医院", "natural": True, "funeral_home": "FH-610502"},
        **FUNERAL)
    assert died.status_code == 201, died.text
    append(cw, stream, "child_welfare.ChildReclassified", mother_died_on, [(child, "child")], child_id=child_id,
           from_category="de_facto_unattended", to_category="orphan", effective_on=mother_died_on.isoformat())

    # The child runs away; a patrol brings it to the city relief station, unidentified; staff identify it.
    case = api.post("/v1/vagrant-aid/cases", headers=key(), json={
        "station": "RS-610500", "source": "patrol", "consent": True,
        "person": {"sex": "male", "estimated_age": 12}, "flags": ["minor"]}, **RELIEF)
    assert case.status_code == 201, case.text
    temporary = case.json()["subject_id"]
    assert temporary.startswith("TMP-")
    identified = api.post(f"/v1/vagrant-aid/cases/{case.json()['case_id']}/identification", headers=key(),
                          json={"id_number": child, "method": "police"}, **RELIEF)
    assert identified.status_code == 200, identified.text

    entries = timeline_of(api, child, 6)
    types = [e["type"] for e in entries]
    assert types[:4] == ["child_welfare.ChildFileOpened", "child_welfare.EligibilityConfirmed",
                         "child_welfare.ChildReclassified", "vagrant_aid.PersonTakenIn"]
    assert "vagrant_aid.PersonIdentified" in types
    taken_in = entries[3]
    assert taken_in["office"] == "RS-610500" and taken_in["refs"]["case_id"] == case.json()["case_id"]
    # Read by the temporary id, the merged person's timeline answers.
    by_temporary = api.get(f"/v1/persons/{temporary}/timeline", as_="admin").json()
    assert by_temporary["person"] == child and temporary in by_temporary["merged_ids"]

    assert facts_of(api, child, opened_on - dt.timedelta(days=1))["child_welfare"] is None
    assert facts_of(api, child, opened_on)["child_welfare"]["status"] == "applied"
    assert facts_of(api, child, confirmed_on)["child_welfare"]["status"] == "de_facto_unattended"
    now = facts_of(api, child)
    assert now["child_welfare"]["status"] == "orphan"
    assert now["open_relief_case"]["case_id"] == case.json()["case_id"]
    assert facts_of(api, mother)["alive"] is False

    # Education: child welfare facts only — no timeline, no other facts.
    education = facts_of(api, child, **EDUCATION)
    assert education["child_welfare"]["status"] == "orphan"
    assert not {"alive", "marital_status", "open_relief_case"} & education.keys()
    refused = api.get(f"/v1/persons/{child}/timeline", **EDUCATION)
    assert refused.status_code == 403 and refused.json()["code"] == "timeline_not_in_scope"

    # Public security: status and case classes — the relief case, never child welfare.
    police_entries = api.get(f"/v1/persons/{child}/timeline", **POLICE).json()["entries"]
    assert {e["service"] for e in police_entries} == {"vagrant_aid"}
    police_facts = facts_of(api, child, **POLICE)
    assert "child_welfare" not in police_facts and police_facts["open_relief_case"] is not None
    assert police_facts["alive"] is True

    # A bureau states its purpose or is refused; every read is in the access log, which oversight reads.
    no_purpose = api.get(f"/v1/persons/{child}/facts", as_="bureau", bureau="education")
    assert no_purpose.status_code == 400 and no_purpose.json()["code"] == "purpose_required"
    log = api.get(f"/v1/persons/{child}/access-log", as_="oversight")
    assert log.status_code == 200, log.text
    reads = [(e["principal"], e["action"], e["purpose"]) for e in log.json()["entries"]]
    assert ("bureau.education", "persons.facts", "学籍资助核定") in reads
    assert ("bureau.education", "persons.timeline", "学籍资助核定") in reads
    assert ("bureau.public_security", "persons.timeline", "户籍核查") in reads
    assert set(log.json()["entries"][0]) >= {"at", "principal", "role", "action", "purpose"}
    assert api.get(f"/v1/persons/{child}/access-log", **POLICE).status_code == 403


@pytest.mark.parametrize(("path", "code"), [
    ("/v1/persons/610502'%20OR%201=1--/timeline", "invalid_subject"),
    ("/v1/persons/" + "9" * 5_000 + "/facts", "invalid_subject"),
    ("/v1/persons/TMP-%01%1B%7F/timeline", "invalid_subject"),
    ("/v1/persons/610502199001010011/facts?as_of=2024-02-30", "invalid_query"),
    ("/v1/persons/610502199001010011/timeline?as_of=yesterday", "invalid_query"),
    ("/v1/persons/610502199001010011/timeline?service=funeral;DROP", "invalid_query"),
    ("/v1/feed?after=not-a-cursor", "invalid_cursor"),
    ("/v1/feed?types=funeral.%27;DROP%20TABLE", "invalid_query"),
    ("/v1/feed?limit=1000000", "invalid_query"),
])
def test_hostile_queries_are_refused_with_their_code_never_a_500_T3(api, path, code):
    answer = api.get(path, as_="admin")
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.json()["code"] == code


def test_a_person_no_event_concerns_is_not_found_and_health_reports_no_projector_lag(api):
    answer = api.get("/v1/persons/610502190001010016/timeline", as_="admin")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    wait_until(lambda: api.get("/health").json().get("projector_lag_events") == 0, timeout=30,
               what="the projector caught up")


def test_bureaus_poll_the_change_feed_with_a_cursor_and_see_only_their_classes_T3(api, stores, family):
    def poll(after: str | None = None, **who) -> tuple[list[dict], str]:  # noqa: ANN003
        seen, cursor = [], after
        while True:
            query = f"?limit=5&after={cursor}" if cursor else "?limit=5"
            page = api.get(f"/v1/feed{query}", **who)
            assert page.status_code == 200, page.text
            seen += page.json()["entries"]
            if not page.json()["entries"]:
                return seen, page.json()["next"]
            cursor = page.json()["next"]

    police, cursor = poll(**POLICE)
    assert police and {e["source"] for e in police} <= {f"urn:civreg:{s}" for s in ("funeral", "vagrant_aid",
                                                                                     "marriage")}
    FeedPage.model_validate({"entries": police, "next": cursor})  # CloudEvents 1.0 entries, the cursor beside
    assert {(e["specversion"], e["datacontenttype"]) for e in police} == {("1.0", "application/json")}
    assert all(e["subject"] and e["subject"] not in str(e["data"]["subjects"]) for e in police)  # a record, no person
    keys = [(e["source"], e["data"]["position"]) for e in police]
    assert len(keys) == len(set(keys))
    assert any(e["type"] == "funeral.DeathRegistered" for e in police)
    assert api.get("/v1/feed", **EDUCATION).json()["code"] == "feed_not_in_scope"

    registration = new_id()
    append(stores["marriage"], f"registration-{registration}", "marriage.MarriageRegistered", family["today"],
           [(synthetic_id_number(), "party"), (synthetic_id_number(sex="female"), "party")], office="MR-610522",
           registration_id=registration, registered_on=family["today"].isoformat())
    append(stores["child_welfare"], f"child-{new_id()}", "child_welfare.ChildFileOpened", family["today"],
           [(synthetic_id_number(), "child")], child_id=new_id(), applied_on=family["today"].isoformat())
    newer = wait_until(lambda: poll(cursor, **POLICE)[0], timeout=30, what="the new registration in the feed")
    assert [e["data"]["refs"]["registration_id"] for e in newer] == [registration]
    shown = newer[0]["data"]
    assert shown["title"] == "结婚登记 (marriage.MarriageRegistered)" and shown["office"] == "MR-610522"
