"""Certificates end to end, through HTTP alone (issue 16): gap-free 字号 per office under concurrency (K-4),
one number on both copies with a code each (K-3, K-8), the public verification and what it reveals (K-8,
K-9), the printable copy (K-1) and the blank stock's books and audit (K-5)."""

from __future__ import annotations

import http.client
import io
import json
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import pypdf
import pytest
import requests

from shared.business_dates import local_today
from tests.e2e.marriage.calls import (
    CLERK,
    OFFICES,
    REGISTRAR,
    REGISTRATIONS,
    clerk_of,
    couple,
    divorced_weeks_ago,
    registration,
)
from tests.support.problems import assert_problem
from tests.support.stack import Api

pytestmark = pytest.mark.integration

PER_OFFICE = 4
STOCK = "/v1/marriage/certificate-stock"


def verification(number: str) -> str:
    return f"/v1/marriage/certificates/{number}/verification"


def register(api, office="MR-610502", **changes):
    response = api.post(REGISTRATIONS, json=registration(*couple(), office=office, **changes), **clerk_of(office))
    assert response.status_code == 201, response.text
    return response.json()


def serials(numbers: list[str]) -> list[int]:
    return sorted(int(number[-6:]) for number in numbers)


def test_concurrent_registrations_at_eleven_offices_number_without_gaps_or_duplicates_K4(api):
    before = {office: api.get(f"{STOCK}/audit", params={"office": office}, **REGISTRAR).json() for office in OFFICES}
    jobs = [office for office in OFFICES for _ in range(PER_OFFICE)]

    def post(office: str) -> requests.Response:
        # a clerk's terminal per registration: own HTTP session, own idempotency key
        return Api(api.base_url).post(REGISTRATIONS, json=registration(*couple(), office=office),
                                      headers={"Idempotency-Key": str(uuid.uuid4())}, **clerk_of(office))

    with ThreadPoolExecutor(max_workers=len(OFFICES)) as pool:
        responses = list(pool.map(post, jobs))

    assert [r.status_code for r in responses] == [201] * len(jobs), [r.text for r in responses if r.status_code != 201]
    for office in OFFICES:
        numbers = [r.json()["certificates"][0]["number"] for r, o in zip(responses, jobs, strict=True) if o == office]
        taken = before[office]["sequences"][0]["last_serial"]
        assert serials(numbers) == list(range(taken + 1, taken + PER_OFFICE + 1))  # gap-free, no duplicate
        assert all(n.startswith(f"J{office[3:]}-") for n in numbers)
        audit = api.get(f"{STOCK}/audit", params={"office": office}, **REGISTRAR).json()
        assert (audit["sequences"][0]["gaps"], audit["sequences"][0]["duplicates"]) == ([], [])


def test_a_refused_registration_takes_no_serial_K4(api):
    first = register(api, "MR-610528")
    refused = api.post(REGISTRATIONS, json=registration(*couple(), office="MR-610528", declaration_signed=False),
                       **clerk_of("MR-610528"))
    second = register(api, "MR-610528")

    assert_problem(refused, 422, "missing_declaration")
    assert serials([second["certificates"][0]["number"]])[0] == serials([first["certificates"][0]["number"]])[0] + 1


def test_both_copies_carry_the_number_each_with_its_own_code_and_the_check_reveals_four_fields_K3_K8_K9(api):
    registered = register(api)
    husband, wife = registered["certificates"]

    assert husband["number"] == wife["number"] and husband["holder_id_number"] != wife["holder_id_number"]
    assert husband["verification_code"] != wife["verification_code"] and len(wife["verification_code"]) >= 10
    checked = api.get(verification(wife["number"]), params={"code": wife["verification_code"]})
    assert checked.status_code == 200
    assert checked.json() == {"valid": True, "kind": "marriage", "issued_on": checked.json()["issued_on"],
                              "revoked": False}
    misses = [api.get(verification(wife["number"])),
              api.get(verification(wife["number"]), params={"code": "23456789ABCD"}),
              api.get(verification("J610502-1999-999999"), params={"code": wife["verification_code"]})]
    assert [r.status_code for r in misses] == [404] * 3
    assert len({r.json()["code"] for r in misses}) == 1  # the same 404 whatever was wrong
    history = api.get(f"/v1/persons/{wife['holder_id_number']}/access-log", as_="oversight").json()["entries"]
    assert any(e["action"] == "marriage.verify_certificate" and e["role"] == "public" for e in history)


def checked_from(api: Api, address: str, path: str) -> http.client.HTTPResponse:
    """One GET from another client address (any 127.x address reaches the gateway on loopback)."""
    url = urllib.parse.urlsplit(api.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=(address, 0))
    connection.request("GET", path)
    return connection.getresponse()


def test_each_check_is_recorded_with_its_client_address_and_checks_are_limited_per_address_K8_K9(
        api, world, monkeypatch):
    monkeypatch.setenv("CIVREG_VERIFICATION_RATE_LIMIT", "4/3599")  # a window of this test's own
    copy = register(api)["certificates"][0]
    path = verification(copy["number"])

    answers = [api.get(path, params={"code": code}) for code in ("23456789ABCD", None, copy["verification_code"],
                                                                  "23456789ABCD", copy["verification_code"])]
    elsewhere = checked_from(api, "127.0.0.2", f"{path}?code={copy['verification_code']}")

    assert [a.status_code for a in answers] == [404, 404, 200, 404, 429]
    assert_problem(answers[-1], 429, "rate_limited")
    assert (elsewhere.status, json.loads(elsewhere.read())) == (200, answers[2].json())  # another address
    with world[0].admin("gateway").connection() as conn:
        rows = conn.execute("SELECT principal, outcome, client_ip, subjects, detail FROM access_log"
                            " WHERE action = 'marriage.verify_certificate' AND detail LIKE %s ORDER BY id",
                            (f"%{copy['number']}%",)).fetchall()
    holder = [copy["holder_id_number"]]
    # Every check that reached the service, found or not; the limited one is no check and writes nothing.
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("public", 404, "127.0.0.1", []), ("public", 404, "127.0.0.1", []), ("public", 200, "127.0.0.1", holder),
        ("public", 404, "127.0.0.1", []), ("public", 200, "127.0.0.2", holder)]
    assert not any(copy["verification_code"] in str(r) or "23456789ABCD" in str(r) for r in rows)  # no code kept
    history = api.get(f"/v1/persons/{copy['holder_id_number']}/access-log", as_="oversight").json()["entries"]
    assert [(e["role"], e["client_ip"]) for e in history if e["action"] == "marriage.verify_certificate"] == [
        ("public", "127.0.0.1"), ("public", "127.0.0.2")]


def test_a_revoked_registration_is_revealed_as_revoked_K9(api):
    registered = register(api)
    api.post(f"{REGISTRATIONS}/{registered['registration_id']}/revocation",
             json={"reason": "impersonation", "document_ref": "渭公(2025)18号"}, **REGISTRAR)
    copy = registered["certificates"][0]

    checked = api.get(verification(copy["number"]), params={"code": copy["verification_code"]}).json()

    assert (checked["valid"], checked["revoked"]) == (False, True)


def test_the_printable_copy_holds_chinese_text_its_number_and_the_printing_is_recorded_K1(api):
    registered = register(api)
    copy = registered["certificates"][1]

    printed = api.get(f"/v1/certificates/{copy['number']}.pdf", params={"code": copy["verification_code"]}, **CLERK)

    assert printed.status_code == 200 and printed.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(printed.content)).pages)
    assert "结婚证" in text and copy["number"] in text and copy["verification_code"] in text
    assert api.get(f"/v1/certificates/{copy['number']}.pdf", params={"code": "23456789ABCD"},
                   **CLERK).status_code == 404
    assert_problem(api.get(f"/v1/certificates/{copy['number']}.pdf", params={"code": copy["verification_code"]},
                           **clerk_of("MR-610528")), 403, "forbidden_place")
    history = api.get(f"/v1/persons/{copy['holder_id_number']}/access-log", as_="oversight").json()["entries"]
    assert any(e["action"] == "certificates.print" and e["outcome"] == 200 for e in history)


def test_blanks_received_issued_and_spoiled_balance_in_the_books_K5(api):
    office, series = "MR-610502", f"E{uuid.uuid4().int % 10**6}"
    registered = register(api, office)
    copy = registered["certificates"][0]
    before = api.get(STOCK, params={"office": office}, **CLERK).json()

    received = api.post(f"{STOCK}/receipts", json={"office": office, "series": series, "first": 1, "last": 10},
                        **CLERK)
    issued = api.post(f"{STOCK}/issues", json={"office": office, "number": f"{series}00000001",
                                              "certificate_number": copy["number"],
                                              "holder_id_number": copy["holder_id_number"]}, **CLERK)
    voided = api.post(f"{STOCK}/void", json={"office": office, "number": f"{series}00000002",
                                            "reason": "misprinted name"}, **CLERK)

    assert (received.status_code, issued.status_code, voided.status_code) == (201, 201, 201), issued.text
    assert_problem(api.post(f"{STOCK}/issues", json={"office": office, "number": f"{series}00000002",
                                                    "certificate_number": copy["number"],
                                                    "holder_id_number": copy["holder_id_number"]}, **CLERK),
                   409, "blank_not_on_hand")
    assert_problem(api.post(f"{STOCK}/receipts", json={"office": office, "series": series, "first": 5, "last": 12},
                            **CLERK), 409, "blank_already_received")
    books = api.get(STOCK, params={"office": office}, **CLERK).json()
    change = {key: books[key] - before[key] for key in ("received", "issued", "spoiled", "on_hand")}
    assert change == {"received": 10, "issued": 1, "spoiled": 1, "on_hand": 8}
    assert books["received"] == books["issued"] + books["spoiled"] + books["on_hand"]
    assert {"number": f"{series}00000002", "reason": "misprinted name"}.items() <= next(
        b for b in books["spoiled_blanks"] if b["number"] == f"{series}00000002").items()


def test_a_blank_spoiled_without_a_receipt_shows_in_the_audit_K5(api):
    office = "MR-610581"
    number = f"U{uuid.uuid4().int % 10**6}00000001"
    assert api.post(f"{STOCK}/void", json={"office": office, "number": number, "reason": "damaged"},
                    **clerk_of(office)).status_code == 201

    audit = api.get(f"{STOCK}/audit", params={"office": office}, **REGISTRAR).json()
    books = api.get(STOCK, params={"office": office}, **REGISTRAR).json()

    assert number in audit["spoiled_unreceived"] and audit["clean"] is False
    assert books["balanced"] is False


def test_a_lost_divorce_certificate_is_reissued_with_a_BL_number_of_the_reissuing_office_K2_K6(api, world):
    man, woman, divorce = divorced_weeks_ago(world)
    office = "MR-610528"
    before = api.get(f"{STOCK}/audit", params={"office": office}, **REGISTRAR).json()
    taken = next(s for s in before["sequences"] if s["prefix"] == "BL")["last_serial"]
    path = f"/v1/marriage/divorces/{divorce['divorce_id']}/certificate-reissues"
    body = {"party_id_number": woman, "reason": "lost in a move"}

    assert_problem(api.post(path, json={**body, "party_id_number": couple()[0]}, **clerk_of(office)), 422,
                   "not_a_party")  # refused: takes no serial (K-4)
    assert_problem(api.post(path, json=body, headers={"If-Match": "99"}, **clerk_of(office)),
                   409, "concurrency_conflict")  # If-Match: the application's version, as on its other commands
    reissued = api.post(path, json=body, **clerk_of(office))
    assert reissued.status_code == 201, reissued.text
    answer = reissued.json()
    [copy] = answer["certificates"]
    assert copy["number"] == answer["certificate"] == f"BL610528-{local_today().year}-{taken + 1:06d}"
    assert (copy["holder_id_number"], answer["old_number"]) == (woman, divorce["certificates"][1]["number"])

    old = next(c for c in divorce["certificates"] if c["holder_id_number"] == woman)
    replaced = api.get(verification(old["number"]), params={"code": old["verification_code"]}).json()
    assert replaced["valid"] is False  # K-6: invalid from the reissue
    kept = next(c for c in divorce["certificates"] if c["holder_id_number"] == man)
    assert api.get(verification(kept["number"]), params={"code": kept["verification_code"]}).json()["valid"] is True
    new = api.get(verification(copy["number"]), params={"code": copy["verification_code"]}).json()
    assert (new["valid"], new["kind"]) == (True, "divorce")

    audit = api.get(f"{STOCK}/audit", params={"office": office}, **REGISTRAR).json()
    bl = next(s for s in audit["sequences"] if s["prefix"] == "BL")
    assert (bl["last_serial"], bl["gaps"], bl["duplicates"]) == (taken + 1, [], [])
    printed = api.get(f"/v1/certificates/{copy['number']}.pdf", params={"code": copy["verification_code"]},
                      **clerk_of(office))
    assert printed.status_code == 200, printed.text
    assert copy["number"] in "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(printed.content)).pages)


def test_no_divorce_no_reissue_K1(api):
    registered = register(api)
    assert_problem(api.post("/v1/marriage/divorces/00000000-0000-4000-8000-000000000000/certificate-reissues",
                            json={"party_id_number": registered["certificates"][0]["holder_id_number"],
                                  "reason": "lost"}, **CLERK), 404, "not_found")


STATEMENTS = "/v1/marriage/record-statements"


def test_a_record_statement_lists_the_persons_own_registrations_with_its_own_serial_and_code_K7(api):
    registered = register(api)
    woman = registered["certificates"][1]["holder_id_number"]
    before = api.get(f"{STOCK}/audit", params={"office": "MR-610502"}, **REGISTRAR).json()
    taken = next(s for s in before["sequences"] if s["prefix"] == "ZM")["last_serial"]
    body = {"office": "MR-610502", "id_number": woman.lower(), "name": "李小红", "purpose": "notarisation",
            "destination": "DE"}

    assert_problem(api.post(STATEMENTS, json={**body, "destination": "US"}, **CLERK), 422, "statement_not_allowed")
    assert_problem(api.post(STATEMENTS, json={**body, "purpose": "visa"}, **CLERK), 422, "statement_not_allowed")
    assert_problem(api.post(STATEMENTS, json=body, **clerk_of("MR-610528")), 403, "forbidden_place")
    issued = api.post(STATEMENTS, json=body, **CLERK)

    assert issued.status_code == 201, issued.text
    statement = issued.json()
    assert statement["number"] == f"ZM610502-{local_today().year}-{taken + 1:06d}"  # refusals took no serial
    assert statement["title"] == "婚姻登记记录证明" and statement["id_number"] == woman
    assert [line["number"] for line in statement["registrations"]] == [registered["certificates"][1]["number"]]
    [copy] = statement["certificates"]
    check = api.get(verification(statement["number"]), params={"code": copy["verification_code"]}).json()
    assert check == {"valid": True, "kind": "record_statement", "issued_on": statement["issued_on"], "revoked": False}
    printed = api.get(f"/v1/certificates/{statement['number']}.pdf", params={"code": copy["verification_code"]},
                      **CLERK)
    assert printed.status_code == 200, printed.text
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(printed.content)).pages)
    assert "婚姻登记记录证明" in text and statement["number"] in text and "德国" in text
    history = api.get(f"/v1/persons/{woman}/access-log", as_="oversight").json()["entries"]
    assert any(e["action"] == "certificates.print" for e in history)
    audit = api.get(f"{STOCK}/audit", params={"office": "MR-610502"}, **REGISTRAR).json()
    zm = next(s for s in audit["sequences"] if s["prefix"] == "ZM")
    assert (zm["last_serial"], zm["gaps"], zm["duplicates"]) == (taken + 1, [], [])


def test_a_person_never_registered_gets_the_no_record_statement_K7(api):
    person = couple()[1]
    issued = api.post(STATEMENTS, json={"office": "MR-610502", "id_number": person, "name": "张小花",
                                        "purpose": "notarisation", "destination": "TW",
                                        "proxy": {"id_number": couple()[0], "name": "张大山"}}, **CLERK)
    assert issued.status_code == 201, issued.text
    statement = issued.json()
    assert (statement["title"], statement["registrations"]) == ("无婚姻登记记录证明", [])
    [copy] = statement["certificates"]
    check = api.get(verification(statement["number"]), params={"code": copy["verification_code"]}).json()
    assert check["kind"] == "no_record_statement"
    printed = api.get(f"/v1/certificates/{statement['number']}.pdf", params={"code": copy["verification_code"]},
                      **CLERK)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(printed.content)).pages)
    assert "无婚姻登记记录证明" in text and "台湾" in text


def test_reading_a_divorce_records_both_parties_as_the_service_reports_them_issue_14(api):
    registered = register(api)
    man, woman = (c["holder_id_number"] for c in registered["certificates"])
    applied = api.post("/v1/marriage/divorces", json={
        "office": "MR-610502", "registration_id": registered["registration_id"],
        "agreement": {"children": "none", "property": "split", "debts": "none"}}, **CLERK)
    assert applied.status_code == 201, applied.text

    read = api.get(f"/v1/marriage/divorces/{applied.json()['divorce_id']}", **CLERK)
    listed = api.get("/v1/marriage/divorces", params={"office": "MR-610502", "state": "cooling_off", "limit": 500},
                     **CLERK)

    assert read.status_code == 200 and man not in read.text and "_disclosed" not in read.text
    assert applied.json()["divorce_id"] in listed.text and man not in listed.text and "_disclosed" not in listed.text
    for person in (man, woman.lower()):  # any spelling finds the canonical subject's history
        history = api.get(f"/v1/persons/{person}/access-log", as_="oversight").json()["entries"]
        assert any(e["action"] == "marriage.read_divorce" for e in history)
        # The workbench's list of divorces in their cooling-off period names the couple's divorce: included.
        (included,) = [e for e in history if e["action"] == "marriage.list_divorces"]
        assert "state=cooling_off" in included["detail"]
