"""The funeral application on the real PostgreSQL: events and inline read models written together, refusals
writing nothing, concurrent registrations of one person, idempotent retries, and the procedures whose
dates lie weeks or years apart (F-3 terms, F-6 waiting period), with the clock set by the test."""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.envelope import Metadata, NewEvent, Subject
from shared.errors import Refusal
from shared.reference.disclosure import taken
from tests.support.event_samples import payload_of
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

STAFF = {"name": "funeral.FH-610502", "role": "funeral_staff", "office": "FH-610502"}
CEMETERY_STAFF = {"name": "cemetery.CEM-610502-1", "role": "funeral_staff", "office": "CEM-610502-1"}
ADMIN = {"name": "admin.city", "role": "admin", "office": None}
POLICE_CASE = "渭公刑字〔2025〕17号"


def death(id_number=None, died_on="2025-06-14", **changes):
    body = {"died_on": died_on, "place_division": "610502", "certificate_no": "F6105020001",
            "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502", **changes}
    if id_number is not None:
        body["id_number"] = id_number
    elif "unidentified" not in body:
        body["id_number"] = synthetic_id_number()
    return body


def counts(admin_db) -> tuple[int, ...]:
    with admin_db.connection() as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("events", "deaths", "person_deaths", "cremations", "counters"))


def refusal_of(action) -> Refusal:
    with pytest.raises(Refusal) as refused:
        action()
    return refused.value


# -- F-1 ------------------------------------------------------------------------------------------------------
def test_a_registration_appends_its_event_and_fills_the_read_models_in_one_go_F1(funeral, store, admin_db):
    person = synthetic_id_number()

    result = funeral.register_death(death(person), STAFF, None)

    [event] = store.read_stream(f"death-{result['death_id']}")
    assert (event.type, event.schema_version, event.subjects[0].id) == ("funeral.DeathRegistered", 1, person)
    assert (event.metadata.actor, event.metadata.office, event.metadata.correlation_id) == (
        "funeral.FH-610502", "FH-610502", "it-correlation")
    assert taken(funeral.person_death(person)) == (  # the answer, and the subjects it reports (issue 14)
        {"person_id": person, "deceased": True, "death_id": result["death_id"], "died_on": "2025-06-14",
         "subject_id": person, "temporary_id": None, "identified": True, "basis": "registered"}, (person,))
    assert funeral.person_death(synthetic_id_number())["deceased"] is False


def test_refused_registrations_write_nothing_F1(funeral, admin_db):
    person = synthetic_id_number()
    funeral.register_death(death(person), STAFF, None)
    before = counts(admin_db)

    assert refusal_of(lambda: funeral.register_death(death(person), STAFF, None)).code == "already_deceased"
    assert refusal_of(lambda: funeral.register_death(death("610502199001010012"), STAFF, None)).code == (
        "invalid_id_number")
    assert refusal_of(lambda: funeral.register_death(death(died_on="2025-06-17"), STAFF, None)).code == (
        "business_date_in_future")
    assert refusal_of(lambda: funeral.register_death(death(issuer="x" * 10_000), STAFF, None)).code == (
        "validation_failed")
    # an unidentified body at another funeral home: its temporary id would have been numbered — but is not
    other_home = death(unidentified={"police_case": POLICE_CASE}, funeral_home="FH-610503")
    assert refusal_of(lambda: funeral.register_death(other_home, STAFF, None)).code == "forbidden_place"
    assert counts(admin_db) == before


def test_an_admin_records_no_funeral_business_and_nothing_is_written_separation_of_duties(funeral, admin_db):
    """Issue 12: an admin administers accounts and reference data (cemeteries and plots), never business."""
    person = synthetic_id_number()
    registered = funeral.register_death(death(person), STAFF, None)
    before = counts(admin_db)

    for refused in (lambda: funeral.register_death(death(), ADMIN, None),
                    lambda: funeral.correct_death(registered["death_id"], {"reason": "typo", "died_on": "2025-06-13"},
                                                  ADMIN, None),
                    lambda: funeral.cremate({"death_id": registered["death_id"], "funeral_home": "FH-610502"},
                                            ADMIN, None)):
        assert (refusal_of(refused).code, refusal_of(refused).status) == ("forbidden_role", 403)
    assert counts(admin_db) == before


def test_two_staff_registering_the_same_death_at_once_exactly_one_succeeds_F1(funeral, admin_db):
    person = synthetic_id_number()
    before = counts(admin_db)

    def register(n: int):
        try:
            return funeral.register_death(death(person), STAFF, f"race-{person}-{n}")
        except Refusal as refusal:
            return refusal

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(register, range(8)))

    winners = [o for o in outcomes if isinstance(o, dict)]
    losers = [o for o in outcomes if isinstance(o, Refusal)]
    assert len(winners) == 1
    assert {(r.code, r.status) for r in losers} == {("already_deceased", 409)} and len(losers) == 7
    assert counts(admin_db)[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_a_command_retried_with_its_idempotency_key_writes_once_and_answers_the_same_F1(funeral, admin_db):
    body = death()
    first = funeral.register_death(body, STAFF, "retry-1")
    before = counts(admin_db)

    again = funeral.register_death(body, STAFF, "retry-1")

    assert again == first
    assert counts(admin_db) == before
    # the same key of another principal is another command
    other = funeral.register_death(death(), {**STAFF, "name": "funeral.FH-610502.b"}, "retry-1")
    assert other["death_id"] != first["death_id"]


# -- F-2, F-6 ---------------------------------------------------------------------------------------------------
def test_cremation_certificates_are_issued_in_sequence_and_unique_F2(funeral, admin_db):
    first = funeral.register_death(death(), STAFF, None)
    second = funeral.register_death(death(), STAFF, None)
    third = funeral.register_death(death(), STAFF, None)

    issued = funeral.cremate({"death_id": first["death_id"], "funeral_home": "FH-610502"}, STAFF, None)
    pre_printed = funeral.cremate({"death_id": second["death_id"], "funeral_home": "FH-610502",
                                   "cremation_certificate": "HZ-2025-0099"}, STAFF, None)
    before = counts(admin_db)
    duplicate = refusal_of(lambda: funeral.cremate({"death_id": third["death_id"], "funeral_home": "FH-610502",
                                                    "cremation_certificate": "HZ-2025-0099"}, STAFF, None))

    assert issued["cremation_certificate"].startswith("CC-FH610502-2025-")
    assert pre_printed["cremation_certificate"] == "HZ-2025-0099"
    assert (duplicate.code, duplicate.status) == ("duplicate_cremation_certificate", 409)
    assert counts(admin_db) == before
    again = refusal_of(lambda: funeral.cremate({"death_id": first["death_id"], "funeral_home": "FH-610502"},
                                               STAFF, None))
    assert again.code == "already_cremated"
    unknown = refusal_of(lambda: funeral.cremate({"death_id": str(uuid.uuid4()), "funeral_home": "FH-610502"},
                                                 STAFF, None))
    assert (unknown.code, unknown.status) == ("death_not_registered", 404)


def test_an_unidentified_body_from_police_notice_to_identification_F6(funeral, clock, store):
    clock.today = dt.date(2025, 5, 1)
    registered = funeral.register_death(death(unidentified={"police_case": POLICE_CASE, "description": "male, ~60"},
                                              died_on="2025-04-30"), STAFF, None)
    death_id, temporary = registered["death_id"], registered["subject_id"]
    assert temporary.startswith("TMP-FH610502-") and registered["identified"] is False

    clock.today = dt.date(2025, 5, 2)
    funeral.publish_claim_notice(death_id, {"medium": "渭南日报"}, STAFF, None)
    funeral.approve_disposal(death_id, {"police_case": POLICE_CASE, "document_ref": "JQ-2025-17"}, STAFF, None)
    clock.today = dt.date(2025, 6, 3)  # day 30 after the notice is 1 June, a holiday: the period ends 3 June
    assert refusal_of(lambda: funeral.cremate({"death_id": death_id, "funeral_home": "FH-610502"}, STAFF, None)
                      ).code == "disposal_too_early"
    clock.today = dt.date(2025, 6, 4)
    cremation = funeral.cremate({"death_id": death_id, "funeral_home": "FH-610502"}, STAFF, None)
    assert cremation["ashes_number"].startswith("ASH-FH610502-")
    funeral.dispose_ashes(death_id, {"disposition": "deposit", "location": "寄存室 B-7"}, STAFF, None)

    person = synthetic_id_number()
    clock.today = dt.date(2025, 6, 16)
    funeral.identify_body(death_id, {"id_number": person, "method": "dna"}, STAFF, None)

    assert funeral.person_death(person)["death_id"] == death_id
    assert funeral.person_death(temporary)["death_id"] == death_id
    record = funeral.death(death_id)
    assert (record["subject_id"], record["temporary_id"], record["identified"]) == (person, temporary, True)
    assert [step["type"] for step in record["history"]] == [
        "funeral.DeathRegistered", "funeral.ClaimNoticePublished", "funeral.DisposalApproved",
        "funeral.BodyCremated", "funeral.AshesDisposed", "funeral.BodyIdentified"]


def test_temporary_ids_are_numbered_per_funeral_home_F6(funeral):
    unidentified = death(unidentified={"police_case": POLICE_CASE})
    first = funeral.register_death(unidentified, STAFF, None)["subject_id"]
    second = funeral.register_death(unidentified, STAFF, None)["subject_id"]

    assert first.startswith("TMP-FH610502-") and len(first) == len("TMP-FH610502-000001")
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1


# -- F-7 ------------------------------------------------------------------------------------------------------
def test_a_death_moved_to_the_right_person_moves_in_every_view_F7(funeral, store):
    wrong, right = synthetic_id_number(), synthetic_id_number()
    registered = funeral.register_death(death(wrong), STAFF, None)

    corrected = funeral.correct_death(registered["death_id"], {"reason": "wrong patient", "id_number": right},
                                      STAFF, None)

    assert corrected == {"death_id": registered["death_id"], "subject_id": right, "version": 2}
    assert funeral.person_death(wrong)["deceased"] is False
    assert funeral.person_death(right)["death_id"] == registered["death_id"]
    event = store.read_stream(f"death-{registered['death_id']}")[-1]
    assert [(s.id, s.role) for s in event.subjects] == [(right, "deceased"), (wrong, "wrongly_recorded")]
    # the wrongly recorded person can now have a death of their own registered
    assert funeral.register_death(death(wrong), STAFF, None)["subject_id"] == wrong


# -- F-3, F-4, F-5 and the queries ------------------------------------------------------------------------------
def test_terms_ending_within_90_days_are_tasks_until_renewed_F3(funeral, clock):
    clock.today = dt.date(2005, 6, 20)
    funeral.open_cemetery({"code": "CEM-610502-1", "name": "临渭区公益性公墓", "kind": "public_welfare"}, ADMIN, None)
    funeral.add_plots("CEM-610502-1", {"plots": [
        {"number": "A-1", "kind": "plot", "burial_type": "ashes", "area_m2": "0.8"},
        {"number": "A-2", "kind": "plot", "burial_type": "ashes", "area_m2": "1"},
        {"number": "N-1", "kind": "niche", "burial_type": "ashes_niche"},
        {"number": "T-1", "kind": "plot", "burial_type": "tree", "area_m2": "0.5"},
    ]}, ADMIN, None)
    registered = funeral.register_death(death(died_on="2005-06-18"), STAFF, None)
    funeral.cremate({"death_id": registered["death_id"], "funeral_home": "FH-610502"}, STAFF, None)
    burial = funeral.bury({"death_id": registered["death_id"], "cemetery": "CEM-610502-1", "plot": "A-1",
                           "burial_type": "ashes", "rights_holder": {"name": "张三"}}, CEMETERY_STAFF, None)
    assert burial["term_until"] == "2025-06-20"

    clock.today = dt.date(2025, 6, 16)
    [task] = funeral.expiring_terms()["tasks"]
    assert (task["plot_id"], task["days_left"], task["overdue"]) == ("CEM-610502-1.A-1", 4, False)
    assert funeral.expiring_terms("2025-03-21")["tasks"] == []  # 91 days before the end
    assert funeral.expiring_terms(None, "CEM-610503-1")["tasks"] == []
    assert refusal_of(lambda: funeral.expiring_terms(None, "x'; --")).code == "invalid_query"
    assert refusal_of(lambda: funeral.expiring_terms("soon")).code == "invalid_query"

    renewed = funeral.renew_term("CEM-610502-1.A-1", {}, CEMETERY_STAFF, None)
    assert renewed["term_until"] == "2045-06-20"
    assert funeral.expiring_terms()["tasks"] == []
    assert funeral.plot("CEM-610502-1.A-1")["term_until"] == "2045-06-20"


def test_occupancy_and_yearly_statistics_F3_F4_F5(funeral, clock):
    clock.today = dt.date(2025, 6, 16)
    occupancy_before = funeral.cemetery("CEM-610502-1")
    stats_before = funeral.statistics(2025)
    deaths = [funeral.register_death(death(), STAFF, None)["death_id"] for _ in range(4)]
    for death_id in deaths[:3]:
        funeral.cremate({"death_id": death_id, "funeral_home": "FH-610502"}, STAFF, None)
    funeral.bury({"death_id": deaths[0], "cemetery": "CEM-610502-1", "plot": "T-1", "burial_type": "tree",
                  "rights_holder": {"name": "张三"}}, CEMETERY_STAFF, None)
    funeral.bury({"death_id": deaths[1], "cemetery": "CEM-610502-1", "plot": "N-1", "burial_type": "ashes_niche",
                  "rights_holder": {"name": "李四"}}, CEMETERY_STAFF, None)
    funeral.bury({"death_id": deaths[2], "burial_type": "sea", "rights_holder": {"name": "王五"}}, STAFF, None)
    funeral.grant_assistance({"death_id": deaths[0], "category": "minimum_income", "items": ["cremation"],
                              "amount": "500"}, STAFF, None)
    funeral.grant_assistance({"death_id": deaths[1], "category": "orphan", "items": ["collection", "cremation"],
                              "amount": "650.50"}, STAFF, None)

    occupancy = funeral.cemetery("CEM-610502-1")
    stats = funeral.statistics(2025)

    assert occupancy["occupied"] == occupancy_before["occupied"] + 2
    assert occupancy["by_burial_type"]["tree"]["occupied"] == 1
    assert stats["deaths"] == stats_before["deaths"] + 4
    assert stats["cremations"] == stats_before["cremations"] + 3
    assert stats["eco_burials"] == stats_before["eco_burials"] + 2
    assert stats["burials"] == stats_before["burials"] + 3
    assert stats["cremation_rate"] == round(stats["cremations"] / stats["deaths"], 4)
    assert stats["eco_burial_share"] == round(stats["eco_burials"] / stats["burials"], 4)
    assert stats["assistance"]["by_category"]["orphan"]["amount"] == "650.50"
    assert stats["assistance"]["waivers"] == stats_before["assistance"]["waivers"] + 2


# -- reactions -----------------------------------------------------------------------------------------------
def relief_event(source, kind="died", subject=None, **payload):
    case_id = f"case-{uuid.uuid4().hex[:8]}"
    subject = subject or f"TMP-RS610500-{uuid.uuid4().hex[:6]}"
    body = {"case_id": case_id, "station": "RS-610500", "kind": kind, "exited_on": "2025-06-15",
            "died_on": "2025-06-15", "place_division": "610502", "natural": True, "certificate_no": "RS-D-1",
            "issuer": "渭南市救助站医务室", **payload}
    [event] = source.append(f"case-{case_id}", [NewEvent(
        type="vagrant_aid.PersonExited", occurred_on=dt.date(2025, 6, 15),
        subjects=(Subject(id=subject, role="person"),), payload=payload_of("vagrant_aid.PersonExited", **body),
        metadata=Metadata(actor="relief.RS-610500", office="RS-610500"))], 0)
    return event


def test_a_relief_station_death_opens_one_death_record_however_often_it_is_applied(funeral, store, station_store):
    event = relief_event(station_store)
    for _ in range(2):
        with store.db.transaction() as tx:
            funeral.react_to_relief_station(event, tx, "FH-610502")

    found = funeral.person_death(event.subjects[0].id)
    [registered] = store.read_stream(f"death-{found['death_id']}")
    assert (registered.payload["source"], registered.payload["relief_case_id"]) == (
        "relief_station", event.payload["case_id"])
    assert registered.payload["identified"] is False
    assert registered.metadata.causation_id == str(event.event_id)


def test_other_exits_and_deaths_already_registered_open_nothing(funeral, store, station_store, admin_db):
    person = synthetic_id_number()
    funeral.register_death(death(person), STAFF, None)
    before = counts(admin_db)
    for event in (relief_event(station_store, kind="escorted"), relief_event(station_store, subject=person)):
        with store.db.transaction() as tx:
            funeral.react_to_relief_station(event, tx, "FH-610502")

    assert counts(admin_db) == before
