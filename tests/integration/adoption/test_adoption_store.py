"""The adoption application on the real database: the read models kept in step with the events in one
transaction (the list route, A-5's count, A-10's latest assessment), idempotent retries, the gap-free
certificate numbers (K-4: a refusal takes none), the one adoption in force per child under a race, and the
verification codes (K-8)."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest

from services.adoption.application.adoption import AdoptionApplication
from services.adoption.application.unit_of_work import UnitOfWork
from shared.errors import NotFound, Refusal
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from tests.support.infrastructure import create_namespace, destroy_namespace
from tests.support.synthetic_ids import id_number_of

pytestmark = pytest.mark.integration

TODAY = dt.date(2026, 5, 6)
REGISTRAR = {"name": "adoption-registrar.MR-610502", "role": "adoption_registrar", "office": "MR-610502"}
OTHER = {"name": "adoption-registrar.MR-610528", "role": "adoption_registrar", "office": "MR-610528"}
OVERSIGHT = {"name": "oversight.city", "role": "oversight"}


@pytest.fixture(scope="module")
def app():
    namespace = create_namespace(("adoption",))
    db = namespace.database("adoption", max_size=10)
    yield AdoptionApplication(PostgresEventStore(db), Correlation("it-correlation", None, "tester"), lambda: TODAY)
    destroy_namespace(namespace)


_sequence = iter(range(100, 999))


def couple() -> list[dict]:
    return [{"id_number": id_number_of(dt.date(1980, 1, 1), sequence=next(_sequence), sex="male"), "name": "李明",
             "married": True},
            {"id_number": id_number_of(dt.date(1982, 3, 4), sequence=next(_sequence), sex="female"), "name": "王芳",
             "married": True}]


def child() -> dict:
    return {"id_number": id_number_of(dt.date(2022, 2, 2), sequence=next(_sequence), sex="female"), "name": "小宝"}


def assess(app, adopters, outcome="suitable", key=None):
    return app.record_assessment({"adopters": [{"id_number": a["id_number"], "name": a["name"]} for a in adopters],
                                  "outcome": outcome, "assessed_on": "2026-04-01", "assessor": "评估小组",
                                  "living_together": {"started_on": "2026-02-01", "ended_on": "2026-03-31"}},
                                 REGISTRAR, key)


def register(app, adopters, kid, key=None, **more):
    body = {"office": "MR-610502", "adopters": adopters, "child": kid, "statement_ref": "声明",
            "placing_party": {"kind": "parent", "id_number": id_number_of(dt.date(1995, 1, 1),
                                                                          sequence=next(_sequence), sex="female"),
                              "other_parent": "untraceable"},
            **more}
    return app.register_adoption(body, REGISTRAR, key)


def serial(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def test_a_registration_answers_its_certificate_and_code_and_a_retry_writes_nothing(app):
    adopters = couple()
    assess(app, adopters)
    first = register(app, adopters, kid := child(), key="adopt-1")
    again = register(app, adopters, kid, key="adopt-1")
    assert again["adoption_id"] == first["adoption_id"] and again["certificate"] == first["certificate"]
    assert first["certificates"][0]["verification_code"] and again["certificates"][0]["verification_code"] is None
    number, code = first["certificate"], first["certificates"][0]["verification_code"]
    assert app.verify_certificate(number, code) == {"valid": True, "kind": "adoption", "issued_on": "2026-05-06",
                                                   "revoked": False, "holder_id_number": adopters[0]["id_number"]}
    with pytest.raises(NotFound):
        app.verify_certificate(number, "WRONGCODE234")


def test_K_4_a_refused_registration_takes_no_number(app):
    adopters = couple()
    assess(app, adopters)
    before = register(app, adopters, child())["certificate"]
    with pytest.raises(Refusal) as refused:
        register(app, couple(), child())  # not assessed
    assert refused.value.code == "no_assessment"
    second = couple()
    assess(app, second)
    after = register(app, second, child())["certificate"]
    assert serial(after) == serial(before) + 1


def test_A_5_civregs_own_adoptions_count_toward_the_limit(app):
    adopters = [{**a, "children": 0} for a in couple()]
    assess(app, adopters)
    register(app, adopters, child())
    register(app, adopters, child())  # a second child: two in all
    with pytest.raises(Refusal) as refused:
        register(app, adopters, child())
    assert refused.value.code == "adoption_limit"


def test_A_10_the_latest_assessment_counts_and_unsuitable_needs_a_reason(app):
    adopters = couple()
    assess(app, adopters, "unsuitable")
    with pytest.raises(Refusal) as refused:
        register(app, adopters, child())
    assert refused.value.code == "unsuitable_reason_required"
    assert register(app, adopters, child(), unsuitable_reason="融合期后复评良好")["adoption_id"]


def test_A_12_one_adoption_in_force_per_child_even_when_two_offices_race(app):
    kid = child()
    pairs = [couple(), couple()]
    for adopters in pairs:
        assess(app, adopters)
    results: list[object] = []

    def attempt(adopters):
        try:
            results.append(register(app, adopters, kid))
        except Refusal as refusal:
            results.append(refusal)

    threads = [threading.Thread(target=attempt, args=(adopters,)) for adopters in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refusals = [r for r in results if isinstance(r, Refusal)]
    assert len(refusals) == 1 and refusals[0].code == "child_already_adopted"


def test_A_16_dissolution_by_agreement_issues_the_proof_and_the_list_follows(app):
    adopters = couple()
    assess(app, adopters)
    made = register(app, adopters, child())
    dissolved = app.dissolve_adoption(made["adoption_id"], {
        "by": "agreement", "dissolved_on": "2026-05-06", "document_ref": "解除收养协议 1",
        "household_division": "610502", "certificate_number": made["certificate"], "version": made["version"]},
        REGISTRAR, None)
    assert dissolved["status"] == "dissolved"
    (proof,) = dissolved["issued"]
    assert proof["number"].startswith("SJ610502-2026-") and proof["verification_code"]
    printed = app.print_certificate(proof["number"], proof["verification_code"], REGISTRAR, "https://civreg.example/v")
    assert printed["number"] == proof["number"]
    assert app.verify_certificate(made["certificate"], made["certificates"][0]["verification_code"])["valid"] is False
    listed = [i for i in app.list_registrations({}, REGISTRAR)["items"] if i["adoption_id"] == made["adoption_id"]]
    assert listed[0]["status"] == "dissolved" and listed[0]["version"] == dissolved["version"]


def test_A_17_a_revoked_registration_is_void_and_its_certificate_revoked(app):
    adopters = couple()
    assess(app, adopters)
    made = register(app, adopters, child())
    app.revoke_adoption(made["adoption_id"], {"by": "registry", "document_ref": "撤销决定 1",
                                              "revoked_on": "2026-05-06"}, REGISTRAR, None)
    check = app.verify_certificate(made["certificate"], made["certificates"][0]["verification_code"])
    assert check["valid"] is False and check["revoked"] is True


def test_the_list_is_paged_by_cursor_and_scoped_to_the_registrars_office(app):
    for _ in range(3):
        adopters = couple()
        assess(app, adopters)
        register(app, adopters, child())
    seen, cursor = [], None
    while True:
        page = app.list_registrations({"limit": 2, **({"cursor": cursor} if cursor else {})}, REGISTRAR)
        seen += [item["adoption_id"] for item in page["items"]]
        assert all(item["office"] == "MR-610502" and item["version"] >= 1 for item in page["items"])
        if not (cursor := page["next_cursor"]):
            break
    assert len(seen) == len(set(seen)) >= 3
    assert app.list_registrations({}, OTHER)["items"] == []
    with pytest.raises(Refusal) as refused:
        app.list_registrations({"office": "MR-610502"}, OTHER)
    assert refused.value.code == "forbidden_place"
    assert len(app.list_registrations({"limit": 500}, OVERSIGHT)["items"]) == len(seen)


def test_A_14_a_sealed_adoptions_origins_only_to_its_office_and_oversight(app):
    adopters = couple()
    assess(app, adopters)
    made = register(app, adopters, child(), sealed_at_request_of="adopters")
    mine = app.get_registration(made["adoption_id"], REGISTRAR)
    assert mine["sealed"] and mine["placing_party"]["kind"] == "parent" and mine["sealed_at_request_of"] == "adopters"
    assert app.get_registration(made["adoption_id"], OVERSIGHT)["placing_party"] is not None
    city = app.get_registration(made["adoption_id"], {"name": "adoption-registrar.city", "role": "adoption_registrar"})
    assert city["placing_party"] is None and "sealed_at_request_of" not in city
    with pytest.raises(NotFound):
        app.get_registration(made["adoption_id"], OTHER)


def test_A_11_a_foundling_notice_runs_is_read_and_a_claim_stops_the_adoption(app):
    kid = {**child(), "situation": "parents_unknown"}
    published = app.publish_notice({"office": "MR-610502", "child": {"id_number": kid["id_number"], "name": "无名"},
                                    "description": "在临渭区发现的女婴", "published_on": "2026-03-01"}, REGISTRAR, None)
    assert (published["status"], published["runs_until"]) == ("ended", "2026-04-30")
    assert app.get_notice(published["notice_id"], OVERSIGHT)["notice_id"] == published["notice_id"]
    adopters = couple()
    assess(app, adopters)
    institution = {"kind": "institution", "institution": "渭南市儿童福利院", "institution_division": "610502"}
    claimed = app.claim_foundling(published["notice_id"], {"claimed_on": "2026-03-20"}, REGISTRAR, None)
    assert claimed["status"] == "claimed" and claimed["version"] == 2
    with pytest.raises(Refusal) as refused:
        app.register_adoption({"office": "MR-610502", "adopters": adopters, "child": kid, "statement_ref": "声明",
                               "placing_party": institution}, REGISTRAR, None)
    assert refused.value.code == "child_not_adoptable"


def test_K_1_the_issuing_offices_registrar_prints_the_certificate_with_its_code(app):
    import base64

    adopters = couple()
    assess(app, adopters)
    made = register(app, adopters, kid := child())
    number, code = made["certificate"], made["certificates"][0]["verification_code"]
    url = f"https://civreg.example/v1/adoption/certificates/{number}/verification"
    printed = app.print_certificate(number, code, REGISTRAR, url)
    assert base64.b64decode(printed["pdf"]).startswith(b"%PDF")
    assert set(printed["subjects"]) == {adopters[0]["id_number"], adopters[1]["id_number"], kid["id_number"]}
    with pytest.raises(Refusal) as refused:
        app.print_certificate(number, code, OTHER, url)
    assert refused.value.code == "forbidden_place"
    with pytest.raises(NotFound):
        app.print_certificate(number, "WRONGCODE234", REGISTRAR, url)


def test_A_12_an_open_application_becomes_a_task_after_its_30_days_until_a_decision(app):
    adopters = couple()
    assess(app, adopters)
    kid = child()
    parties = [{"id_number": a["id_number"], "name": a["name"]} for a in adopters]
    received = app.receive_application({"office": "MR-610502", "child": kid, "adopters": parties,
                                        "received_on": "2026-03-01"}, REGISTRAR, None)
    assert (received["due_on"], received["overdue"], received["outcome"]) == ("2026-03-31", True, None)
    refused = app.receive_application({"office": "MR-610502", "child": child(), "adopters": parties,
                                       "received_on": "2026-04-20"}, REGISTRAR, None)

    def overdue(**query):
        return {t["application_id"]: t for t in app.tasks(query, REGISTRAR)["overdue_decisions"]}

    assert received["application_id"] in overdue() and refused["application_id"] not in overdue()
    assert received["application_id"] not in overdue(as_of="2026-03-31")  # due that day: not yet overdue
    assert overdue()[received["application_id"]]["days_overdue"] == (TODAY - dt.date(2026, 3, 31)).days
    assert received["application_id"] not in {t["application_id"] for t in app.tasks({}, OTHER)["overdue_decisions"]}
    assert received["application_id"] in {t["application_id"] for t in app.tasks({}, OVERSIGHT)["overdue_decisions"]}
    with pytest.raises(Refusal) as caught:
        app.tasks({"office": "MR-610502"}, OTHER)
    assert caught.value.code == "forbidden_place"

    made = register(app, adopters, kid, application_id=received["application_id"])
    decided = app.get_application(received["application_id"], REGISTRAR)
    assert (decided["outcome"], decided["decided_on"], decided["overdue"]) == ("registered", "2026-05-06", False)
    assert received["application_id"] not in overdue()
    with pytest.raises(Refusal) as caught:  # decided once
        register(app, couple(), child(), application_id=received["application_id"])
    assert caught.value.code in ("application_decided", "no_assessment")
    answer = app.refuse_application(refused["application_id"], {"codes": ["adopter_under_30"], "reason": "未满三十周岁",
                                                                "refused_on": "2026-05-06"}, REGISTRAR, None)
    assert answer["outcome"] == "refused"
    with pytest.raises(NotFound):
        app.get_application(received["application_id"], OTHER)
    assert made["adoption_id"]


def test_A_12_a_foundling_notice_running_is_not_counted_in_the_30_days(app):
    kid = child()
    app.publish_notice({"office": "MR-610502", "child": kid, "description": "女婴，约一岁",
                        "published_on": "2026-03-10"}, REGISTRAR, None)
    parties = [{"id_number": a["id_number"], "name": a["name"]} for a in couple()]
    received = app.receive_application({"office": "MR-610502", "child": kid, "received_on": "2026-03-01",
                                        "adopters": parties}, REGISTRAR, None)
    assert received["due_on"] == "2026-05-30" and received["overdue"] is False
    now = {t["application_id"] for t in app.tasks({}, REGISTRAR)["overdue_decisions"]}
    assert received["application_id"] not in now
    late = {t["application_id"] for t in app.tasks({"as_of": "2026-05-31"}, REGISTRAR)["overdue_decisions"]}
    assert received["application_id"] in late


def test_a10_two_registrars_reporting_one_assessment_at_once_one_wins_and_one_report_is_stored(app, monkeypatch):
    """Both load the assessment before either appends (a barrier on the load, the database real): the versioned
    append lets one report in; the other's append conflicts, is decided again on fresh state and refused
    (`assessment_reported`, 409) — or, had the client named the version, 409 `concurrency_conflict`."""
    adopters = couple()
    opened = app.record_assessment({
        "adopters": [{"id_number": a["id_number"], "name": a["name"]} for a in adopters], "assessor": "评估小组",
        "consented_on": "2026-03-01", "living_together": {"started_on": "2026-03-02", "ended_on": "2026-04-05"}},
        REGISTRAR, None)
    loaded, both_loaded = itertools.count(), threading.Barrier(2, timeout=20)
    load = UnitOfWork.assessment

    def load_then_wait(uow, assessment_id):
        state = load(uow, assessment_id)
        if next(loaded) < 2:  # the two first loads, one per registrar; a retry after a lost race goes on
            both_loaded.wait()
        return state

    monkeypatch.setattr(UnitOfWork, "assessment", load_then_wait)
    results: list[object] = []

    def report(outcome):
        try:
            results.append(app.report_assessment(opened["assessment_id"], {
                "outcome": outcome, "assessed_on": "2026-04-20", "report_ref": f"评估报告 {outcome}"}, REGISTRAR, None))
        except Refusal as refusal:
            results.append(refusal)

    threads = [threading.Thread(target=report, args=(outcome,)) for outcome in ("suitable", "unsuitable")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    refusals = [r for r in results if isinstance(r, Refusal)]
    assert len(results) == 2 and len(refusals) == 1, results
    assert (refusals[0].code, refusals[0].status) in {("assessment_reported", 409), ("concurrency_conflict", 409)}
    stream = app.store.read_stream(f"assessment-{opened['assessment_id']}")
    assert [e.type for e in stream].count("adoption.AssessmentRecorded") == 1
