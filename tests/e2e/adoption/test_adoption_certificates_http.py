"""K-1 for adoption, through HTTP alone: the common `GET /v1/certificates/{number}.pdf` prints the 收养登记证 and
the 解除收养关系证明 (their prefixes route the number to the adoption service), only for the issuing office's
registrars, and the printing is in the persons' access history as marriage's is."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pypdf
import pytest

from tests.e2e.adoption.test_adoption_http import AD, REGISTRAR, assessed, couple, register
from tests.support.problems import assert_problem
from tests.support.synthetic_ids import id_number_of, synthetic_id_number

pytestmark = pytest.mark.integration


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def printed(api, copy: dict, **who):
    return api.get(f"/v1/certificates/{copy['number']}.pdf", params={"code": copy["verification_code"]},
                   **(who or REGISTRAR))


def test_the_adoption_certificate_and_the_dissolution_proof_print_at_the_common_route_K1(api, today):
    adopters = couple()
    assessed(api, adopters, today)
    child = {"id_number": id_number_of(dt.date(2021, 6, 6), sequence=uuid.uuid4().int % 400), "name": "王小宝"}
    made = register(api, adopters, child, today,
                    placing_party={"kind": "parent", "id_number": synthetic_id_number(sex="female"),
                                   "other_parent": "untraceable"})
    assert made.status_code == 201, made.text
    copy = made.json()["certificates"][0]

    certificate = printed(api, copy)

    assert certificate.status_code == 200, certificate.text
    assert certificate.headers["Content-Type"] == "application/pdf"
    text = pdf_text(certificate.content)
    assert "收养登记证" in text and copy["number"] in text and "王小宝" in text
    assert printed(api, {**copy, "verification_code": "23456789ABCD"}).status_code == 404
    assert_problem(printed(api, copy, as_="adoption_registrar", office="MR-610528"), 403, "forbidden_place")
    assert_problem(printed(api, copy, as_="marriage_clerk", office="MR-610502"), 403, "forbidden")
    history = api.get(f"/v1/persons/{child['id_number']}/access-log", as_="oversight").json()["entries"]
    assert any(e["action"] == "certificates.print" and e["outcome"] == 200 for e in history)

    dissolved = api.post(f"{AD}/registrations/{made.json()['adoption_id']}/dissolution",
                         json={"by": "agreement", "dissolved_on": today.isoformat(), "document_ref": "解除协议 1",
                               "household_division": "610502", "certificate_number": copy["number"],
                               "version": made.json()["version"]}, **REGISTRAR)
    assert dissolved.status_code == 200, dissolved.text
    (proof,) = dissolved.json()["issued"]
    assert proof["number"].startswith(f"SJ610502-{today.year}-")

    document = printed(api, proof)

    assert document.status_code == 200, document.text
    text = pdf_text(document.content)
    assert "解除收养关系证明" in text and proof["number"] in text
    # the proof is checked publicly as any certificate is (K-8, K-9); the 收养登记证 was taken back (K-6)
    check = f"{AD}/certificates/{{}}/verification"
    assert api.get(check.format(proof["number"]), params={"code": proof["verification_code"]}).json() == {
        "valid": True, "kind": "adoption_dissolution", "issued_on": today.isoformat(), "revoked": False}
    assert api.get(check.format(proof["number"]), params={"code": copy["verification_code"]}).status_code == 404
    assert api.get(check.format(copy["number"]), params={"code": copy["verification_code"]}).json() == {
        "valid": False, "kind": "adoption", "issued_on": today.isoformat(), "revoked": False}


def test_the_public_check_of_an_adoption_certificate_needs_its_code_and_reveals_four_fields_K8_K9(api, today):
    adopters = couple()
    assessed(api, adopters, today)
    child = {"id_number": id_number_of(dt.date(2020, 2, 2), sequence=uuid.uuid4().int % 400), "name": "李小宝"}
    made = register(api, adopters, child, today,
                    placing_party={"kind": "parent", "id_number": synthetic_id_number(sex="female"),
                                   "other_parent": "untraceable"})
    assert made.status_code == 201, made.text
    copy = made.json()["certificates"][0]
    path = f"{AD}/certificates/{copy['number']}/verification"

    found = api.get(path, params={"code": copy["verification_code"]})
    misses = [api.get(path), api.get(path, params={"code": "23456789ABCD"}),
              api.get(f"{AD}/certificates/SY610502-1999-999999/verification",
                      params={"code": copy["verification_code"]})]

    assert found.status_code == 200
    assert found.json() == {"valid": True, "kind": found.json()["kind"], "issued_on": today.isoformat(),
                            "revoked": False}
    assert [m.status_code for m in misses] == [404] * 3
    assert len({(m.json()["code"], m.json()["title"]) for m in misses}) == 1  # the same 404 whatever was wrong
    history = api.get(f"/v1/persons/{copy['holder_id_number']}/access-log", as_="oversight").json()["entries"]
    assert [(e["role"], e["outcome"], e["client_ip"]) for e in history
            if e["action"] == "adoption.verify_certificate"] == [("public", 200, "127.0.0.1")]
