"""Registrations on the real PostgreSQL: event and inline read models written together, refusals writing
only their refusal record (M-5), the citywide race (M-3), idempotent retries, certificates (M-7),
revocation and the dishonesty list (M-10), court outcomes (M-9), statistics."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.marriage.adapters.read_models import ReadModels
from services.marriage.application import registrations
from services.marriage.application.marriage import Marriage
from shared.errors import Refusal
from shared.nameko_ext.context import Correlation
from tests.integration.marriage.conftest import CLERK, REGISTRAR
from tests.integration.marriage.helpers import counts, couple, events_of, refusal_of, registration

pytestmark = pytest.mark.integration

OFFICES = ("MR-610502", "MR-610503", "MR-610522", "MR-610523", "MR-610524", "MR-610525", "MR-610526", "MR-610527",
           "MR-610528", "MR-610581", "MR-610582")


def clerk_of(office: str) -> dict:
    return {"name": f"clerk.{office}", "role": "marriage_clerk", "office": office}


def test_a_registration_appends_its_event_and_fills_the_read_models_together_M1_to_M6(marriage, store, admin_db):
    man, woman = couple()
    before = counts(admin_db)

    result = marriage.register_marriage(registration(man, woman), CLERK, None)

    [event] = store.read_stream(f"marriage-{result['registration_id']}")
    assert (event.type, event.metadata.actor, event.metadata.office) == (
        "marriage.MarriageRegistered", "clerk.MR-610502", "MR-610502")
    assert [(c["number"], c["holder_id_number"]) for c in result["certificates"]] == [
        (c["number"], c["id_number"]) for c in event.payload["certificates"]]
    assert all(c["verification_code"] and c["verification_code"] not in str(event) for c in result["certificates"])
    after = counts(admin_db)
    assert (after["events"] - before["events"], after["marriages"] - before["marriages"],
            after["current_marriages"] - before["current_marriages"],
            after["certificates"] - before["certificates"]) == (1, 1, 2, 2)
    assert marriage.person_status(man)["marital_status"] == "married"


def test_a_rule_refusal_writes_its_refusal_record_and_nothing_else_M5(marriage, admin_db):
    man, woman = couple()
    marriage.register_marriage(registration(man, woman), CLERK, None)
    _, other_woman = couple()
    before = counts(admin_db)

    refused = refusal_of(lambda: marriage.register_marriage(
        registration(man, other_woman, declaration_signed=False), CLERK, None))

    assert (refused.code, refused.status) == ("missing_declaration", 422)
    assert [e["msg"] for e in refused.errors] == ["missing_declaration", "already_married"]
    after = counts(admin_db)
    assert {k: after[k] - before[k] for k in after} == {"events": 1, "marriages": 0, "current_marriages": 0,
                                                        "certificates": 0, "refusals": 1, "divorces": 0}
    assert events_of(admin_db, "marriage.RegistrationRefused", other_woman) == 1


@pytest.mark.parametrize("body", [
    {"office": "MR-610502", "parties": "x"},
    registration("610502199001010012", "61050219900101002X"),
    registration("610502199001010011", "61050219900101002X", office="MR-610528"),
    registration("610502199001010011", "61050219900101002X", registered_on="2099-01-01"),
    registration("610502199001010011", "61050219900101002X", parties=[{"id_number": "1' OR '1'='1", "name": "x"}] * 2),
], ids=["wrong type", "invalid id", "another office", "future date", "sql fragment"])
def test_malformed_or_forbidden_commands_write_nothing_at_all(marriage, admin_db, body):
    before = counts(admin_db)

    refused = refusal_of(lambda: marriage.register_marriage(body, CLERK, None))

    assert refused.status in (403, 422)
    assert counts(admin_db) == before


def test_many_offices_registering_the_same_person_at_once_exactly_one_succeeds_every_time_M3(
        store, clock, admin_db):
    for _round in range(3):
        man = couple()[0]
        brides = [couple()[1] for _ in OFFICES]

        def register_at(n: int, man: str = man, brides: list[str] = brides) -> str:
            # a service worker of its own per office: its own application object, connection, transaction
            worker = Marriage(store, Correlation(f"race-{n}", None, "race"), clock)
            try:
                worker.register_marriage(registration(man, brides[n], office=OFFICES[n]), clerk_of(OFFICES[n]),
                                         str(uuid.uuid4()))
                return "registered"
            except Refusal as refused:
                return refused.code

        with ThreadPoolExecutor(max_workers=len(OFFICES)) as pool:
            outcomes = list(pool.map(register_at, range(len(OFFICES))))

        assert outcomes.count("registered") == 1, outcomes
        assert set(outcomes) == {"registered", "already_married"}
        assert events_of(admin_db, "marriage.MarriageRegistered", man) == 1
        assert events_of(admin_db, "marriage.RegistrationRefused", man) == len(OFFICES) - 1
        with admin_db.connection() as conn:
            assert conn.execute("SELECT count(*) FROM current_marriages WHERE person_id = %s",
                                (man,)).fetchone()[0] == 1


def test_a_retried_registration_with_the_same_idempotency_key_answers_the_first_result_once(marriage, admin_db):
    man, woman = couple()
    first = marriage.register_marriage(registration(man, woman), CLERK, "retry-1")
    before = counts(admin_db)

    again = marriage.register_marriage(registration(man, woman), CLERK, "retry-1")

    assert again["registration_id"] == first["registration_id"]
    # K-8: the code was answered once; the service's replay has only its hash, so answers none
    assert [c["number"] for c in again["certificates"]] == [c["number"] for c in first["certificates"]]
    assert [c["verification_code"] for c in again["certificates"]] == [None, None]
    assert counts(admin_db) == before


def test_a_retry_that_missed_the_first_run_in_its_replay_check_answers_it_once_and_writes_nothing(
        marriage, admin_db, monkeypatch):
    # The retry's replay check and facts were read before the first run committed; its append (with the read
    # models and the codes in the same statement) finds the stream begun, writes nothing, and the command is
    # decided again: the replay check answers it.
    man, woman = couple()
    first = marriage.register_marriage(registration(man, woman), CLERK, "retry-raced")
    before = counts(admin_db)
    checks = []
    facts_and_serial = ReadModels.facts_and_serial

    def missed_once_unmarried_then(read, id_numbers, key, unless_stored):  # noqa: ANN001, ANN202
        checks.append(unless_stored)
        if len(checks) > 1:
            return facts_and_serial(read, id_numbers, key, unless_stored)
        facts, serial = facts_and_serial(read, id_numbers, key, None)  # the replay check missed the first run
        return [dataclasses.replace(fact, married_in=None) for fact in facts], serial

    monkeypatch.setattr(ReadModels, "facts_and_serial", missed_once_unmarried_then)
    again = marriage.register_marriage(registration(man, woman), CLERK, "retry-raced")

    assert len(checks) == 2
    assert again["registration_id"] == first["registration_id"]
    assert [c["verification_code"] for c in again["certificates"]] == [None, None]
    assert counts(admin_db) == before
    with admin_db.connection() as conn:
        numbers = [c["number"] for c in first["certificates"]]
        assert conn.execute("SELECT count(*) FROM certificate_codes WHERE number = ANY(%s)",
                            (numbers,)).fetchone()[0] == 2


def test_a_retried_registration_takes_no_serial_K4(marriage, admin_db):
    # The replay check travels in the statement that takes the serial: a retry must not take one (and commit
    # it), or the office's numbers would have a gap.
    body = registration(*couple())
    first = marriage.register_marriage(body, CLERK, "retry-serial")
    before = last_serials(admin_db)

    again = marriage.register_marriage(body, CLERK, "retry-serial")

    assert again["registration_id"] == first["registration_id"]
    assert last_serials(admin_db) == before


def test_a_retry_the_rules_would_refuse_today_answers_its_first_run_and_writes_nothing(marriage, admin_db,
                                                                                        monkeypatch):
    # The rules are applied before the replay check now travels with the facts: a command stored by its first
    # run and refused on its retry (a later day, a changed calendar) must still be answered from that run.
    body = registration(*couple())
    first = marriage.register_marriage(body, CLERK, "retry-refused-now")
    before = counts(admin_db)

    def refused_now(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise Refusal("registration_date_out_of_range", "refused by the rules in force today", 422)

    monkeypatch.setattr(registrations, "prepare", refused_now)
    again = marriage.register_marriage(body, CLERK, "retry-refused-now")

    assert again["registration_id"] == first["registration_id"]
    assert counts(admin_db) == before
    assert refusal_of(lambda: marriage.register_marriage(registration(*couple()), CLERK, "never-stored")).code == (
        "registration_date_out_of_range")


def last_serials(admin_db) -> list[tuple]:  # noqa: ANN001
    with admin_db.connection() as conn:
        return conn.execute("SELECT prefix, division, year, last FROM certificate_serials ORDER BY 1, 2, 3").fetchall()


def test_a_retried_refused_registration_is_refused_again_and_recorded_once_M5(marriage, admin_db):
    man, woman = couple()
    body = registration(man, woman, declaration_signed=False)
    refusal_of(lambda: marriage.register_marriage(body, CLERK, "refused-1"))
    before = counts(admin_db)

    assert refusal_of(lambda: marriage.register_marriage(body, CLERK, "refused-1")).code == "missing_declaration"
    assert counts(admin_db) == before


def test_one_number_per_registration_and_a_reissue_invalidates_only_the_replaced_copy_K3_K6_M7(marriage):
    results = [marriage.register_marriage(registration(*couple(), office=office), clerk_of(office), None)
               for office in OFFICES[:4]]
    numbers = [r["certificates"][0]["number"] for r in results]
    assert len(set(numbers)) == len(numbers) and all(len({c["number"] for c in r["certificates"]}) == 1
                                                     for r in results)
    registration_id, [husband, wife] = results[0]["registration_id"], results[0]["certificates"]
    woman = wife["holder_id_number"]

    reissued = marriage.reissue_certificate(registration_id, {"party_id_number": woman, "reason": "lost"},
                                            clerk_of(OFFICES[0]), None)

    assert reissued["certificate"].startswith("BJ") and reissued["old_number"] == wife["number"]
    [copy] = reissued["certificates"]
    old_view = marriage.verify_certificate(wife["number"], wife["verification_code"])
    new_view = marriage.verify_certificate(copy["number"], copy["verification_code"])
    husbands = marriage.verify_certificate(husband["number"], husband["verification_code"])
    assert (old_view["valid"], new_view["valid"], husbands["valid"]) == (False, True, True)
    assert set(new_view) == {"valid", "kind", "issued_on", "revoked", "holder_id_number"}
    stale = refusal_of(lambda: marriage.reissue_certificate(
        registration_id, {"party_id_number": woman, "reason": "lost", "version": 1}, clerk_of(OFFICES[0]), None))
    assert stale.code == "concurrency_conflict"
    for number, code in (("J610502-1999-999999", husband["verification_code"]), (husband["number"], None),
                         (husband["number"], "23456789ABCD"), ("x' OR 1=1", "ABC")):
        with pytest.raises(Refusal) as unknown:
            marriage.verify_certificate(number, code)
        assert unknown.value.status == 404  # K-8: one answer for every miss


def test_a_revoked_registration_never_existed_and_the_fraudster_is_shown_at_later_applications_M10(marriage):
    man, woman = couple()
    registered = marriage.register_marriage(registration(man, woman), CLERK, None)

    marriage.revoke_registration(registered["registration_id"], {
        "reason": "impersonation", "document_ref": "渭公(2025)17号", "dishonest_id_number": woman}, REGISTRAR, None)

    assert marriage.person_status(man)["marital_status"] == "unmarried"
    copy = registered["certificates"][0]
    assert marriage.verify_certificate(copy["number"], copy["verification_code"])["revoked"] is True
    _, new_bride = couple()
    again = marriage.register_marriage(registration(man, new_bride), CLERK, None)  # he may marry: never married
    assert again["warnings"] == []
    new_groom, _ = couple()
    later = marriage.register_marriage(registration(new_groom, woman), CLERK, None)
    [warning] = later["warnings"]
    assert (warning["code"], warning["registration_id"], warning["document_ref"]) == (
        "dishonesty_list", registered["registration_id"], "渭公(2025)17号")
    assert woman not in str(warning)  # masked


def test_court_outcomes_end_or_erase_a_marriage_M9(marriage, clock):
    man, woman = couple()
    first = marriage.register_marriage(registration(man, woman), CLERK, None)
    outcome = {"kind": "divorce", "court": "渭南市临渭区人民法院", "document_ref": "(2025)陕0502民初1号",
               "effective_on": clock.today.isoformat()}

    marriage.record_court_outcome(first["registration_id"], outcome, REGISTRAR, None)

    assert marriage.person_status(woman)["marital_status"] == "divorced"
    second = marriage.register_marriage(registration(man, couple()[1]), CLERK, None)
    marriage.record_court_outcome(second["registration_id"], {**outcome, "kind": "void"}, REGISTRAR, None)
    assert marriage.person_status(man)["marital_status"] == "divorced"  # the void one never was: back to divorced
    assert refusal_of(lambda: marriage.record_court_outcome(second["registration_id"], outcome, REGISTRAR,
                                                            None)).code == "marriage_never_existed"


def test_statistics_count_registrations_refusals_by_reason_and_the_cross_county_share(store, clock):
    today = dt.date(2025, 7, 1)
    clock.today = today
    app = Marriage(store, Correlation("stats", None, "stats"), clock)
    app.register_marriage(registration(*couple(), office="MR-610581"), clerk_of("MR-610581"), None)
    app.register_marriage(registration(*couple(), office="MR-610582", registered_on="2025-07-01"),
                          clerk_of("MR-610582"), None)  # both parties of 610502: cross-county
    refusal_of(lambda: app.register_marriage(registration(*couple(), office="MR-610581", declaration_signed=False),
                                             clerk_of("MR-610581"), None))

    stats = app.statistics("2025-07-01", "2025-07-01")

    offices = {o["office"]: o for o in stats["offices"]}
    assert offices["MR-610581"]["registrations"] == 1 and offices["MR-610581"]["refusals_by_reason"] == {
        "missing_declaration": 1}
    assert offices["MR-610582"]["cross_county_share"] == 1.0
    assert stats["total"]["registrations"] == 2
    assert refusal_of(lambda: app.statistics("2025-07-02", "2025-07-01")).code == "invalid_query"


def test_a_spoiled_blank_is_voided_once_and_a_retry_answers_as_the_first_time_M7(marriage, store):
    number = f"J610502-2025-{uuid.uuid4().int % 10**6:06d}"
    body = {"office": "MR-610502", "number": number, "reason": "misprinted"}

    first = marriage.void_certificate_blank(body, CLERK, f"void-{number}")
    again = marriage.void_certificate_blank(body, CLERK, f"void-{number}")

    assert first == again == {"number": number, "voided_on": first["voided_on"], "version": 1}
    [event] = store.read_stream(f"blank-{number}")
    assert (event.type, event.payload["reason"]) == ("marriage.CertificateBlankVoided", "misprinted")
    refused = refusal_of(lambda: marriage.void_certificate_blank(body, CLERK, None))
    assert (refused.code, refused.status) == ("blank_already_voided", 409)
