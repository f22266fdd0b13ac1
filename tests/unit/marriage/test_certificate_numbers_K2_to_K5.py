"""K-2 to K-5, K-8, pure: the 字号's shape, one number on both copies, the serial's audit, verification codes
and their hashes, the blank stock's receipts, issues, voids and books."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from services.marriage.contract.commands import IssueCertificateBlank, ReceiveCertificateBlanks, VoidCertificateBlank
from services.marriage.domain import certificates as cert
from services.marriage.domain import events as ev
from shared import certificates as shared_certificates
from shared.documents.model import VERIFICATION_CODE
from shared.errors import Refusal
from tests.unit.marriage.given import CLERK, MAN, OFFICE, OTHER_CLERK, TODAY, WOMAN, register

NUMBER = "J610502-2025-000001"


def test_numbers_are_prefix_issuing_division_business_year_and_six_digit_serial_K2():
    assert cert.certificate_number(cert.SerialKey.of("J", "MR-610528", dt.date(2025, 6, 16)), 123) == (
        "J610528-2025-000123")
    assert cert.certificate_number(cert.SerialKey.of("L", OFFICE, dt.date(2026, 1, 2)), 9) == "L610502-2026-000009"
    assert cert.certificate_number(cert.SerialKey.of("BJ", OFFICE, TODAY), 999_999) == "BJ610502-2025-999999"
    assert all(cert.NUMBER.match(n) for n in ("J610502-2025-000001", "BL610502-2025-000002"))


def test_a_sequence_ends_at_its_six_digits_rather_than_reusing_a_number_K4():
    with pytest.raises(Refusal) as refused:
        cert.certificate_number(cert.SerialKey.of("J", OFFICE, TODAY), 1_000_000)
    assert refused.value.code == "serials_exhausted"


def test_a_backdated_entry_takes_the_sequence_of_its_business_year_K4():
    assert cert.SerialKey.of("J", OFFICE, dt.date(2025, 12, 31)) != cert.SerialKey.of("J", OFFICE, dt.date(2026, 1, 1))


def test_both_copies_of_a_registration_carry_its_one_number_K3():
    [event] = register()
    assert {c["number"] for c in event.payload["certificates"]} == {"J610502-2025-000001"}
    assert [c["id_number"] for c in event.payload["certificates"]] == [MAN, WOMAN]


def test_codes_are_random_long_enough_and_free_of_look_alikes_K8():
    codes = {cert.new_code() for _ in range(200)}

    assert len(codes) == 200  # drawn by `secrets`, never repeated in practice
    assert all(len(code) >= 10 and VERIFICATION_CODE.match(code) for code in codes)
    assert not any(re.search(r"[01ILO]", code) for code in codes)


def test_a_code_maps_every_character_from_as_many_random_bytes_and_discards_the_rest_K8(monkeypatch):
    # 62 draws of 16 bytes: every byte value below 8 × 31 three times over, 12 to a draw, each draw with four of
    # the 8 values above it among them. Each of the 31 characters must come from exactly 8 values (24 times),
    # and the values above must be discarded rather than folded onto the first characters.
    accepted = [b % 248 for b in range(62 * 12)]
    draws = [bytes([*accepted[12 * n:12 * n + 6], 248 + n % 8, 255, *accepted[12 * n + 6:12 * n + 12], 250, 252])
             for n in range(62)]
    asked = []

    def token_bytes(count):
        asked.append(count)
        return draws.pop(0)

    monkeypatch.setattr(shared_certificates.secrets, "token_bytes", token_bytes)
    drawn = "".join(cert.new_code() for _ in range(62))

    assert asked == [16] * 62  # one system call a code
    assert drawn == "".join(shared_certificates.CODE_ALPHABET[b % 31] for b in accepted)
    assert {drawn.count(c) for c in shared_certificates.CODE_ALPHABET} == {24}


def test_a_draw_of_too_many_discarded_bytes_draws_again_K8(monkeypatch):
    draws = [bytes([255, 250, 248] * 5 + [0]), bytes(range(40, 56))]  # one usable byte, then sixteen
    monkeypatch.setattr(shared_certificates.secrets, "token_bytes", lambda count: draws.pop(0))

    assert cert.new_code() == "".join(shared_certificates.CODE_ALPHABET[b % 31] for b in [0, *range(40, 51)])
    assert draws == []


def test_codes_are_uniform_over_the_alphabet_K8():
    # The real draw: a chi-square test of 37,200 characters over the 31 (30 degrees of freedom). Uniform codes
    # exceed the bound by chance less than once in a million runs (its 99.9999th percentile is about 83).
    codes = [cert.new_code() for _ in range(3100)]
    expected = 3100 * shared_certificates.CODE_LENGTH / 31
    counts = {c: 0 for c in shared_certificates.CODE_ALPHABET}
    for code in codes:
        for c in code:
            counts[c] += 1
    chi_square = sum((n - expected) ** 2 / expected for n in counts.values())

    assert chi_square < 83


def test_a_code_matches_only_its_own_copy_and_only_its_hash_is_kept_K8():
    code, other = cert.new_code(), cert.new_code()
    copies = [(MAN, cert.code_hash(NUMBER, MAN, code)), (WOMAN, cert.code_hash(NUMBER, WOMAN, other))]

    assert cert.matching_copy(NUMBER, code, copies) == MAN
    assert cert.matching_copy(NUMBER, other, copies) == WOMAN
    assert code not in copies[0][1] and len(copies[0][1]) == 64
    for wrong in (None, "", code.lower(), code[:-1] + ("2" if code[-1] != "2" else "3"), 12, "x" * 10_000):
        assert cert.matching_copy(NUMBER, wrong, copies) is None
    assert cert.matching_copy("J610502-2025-000002", code, copies) is None  # bound to the number


def test_the_audit_finds_missing_serials_and_numbers_held_twice_K4():
    assert cert.serial_gaps([1, 2, 4, 7]) == [3, 5, 6]
    assert cert.serial_gaps([]) == [] and cert.serial_gaps([1, 2, 3]) == []
    assert cert.duplicates(["J1", "J2", "J1", "J3", "J2"]) == ["J1", "J2"]


RECEIPT = ReceiveCertificateBlanks(office=OFFICE, series="JH", first=1, last=100)


def test_a_receipt_records_a_range_of_blanks_once_K5():
    [event] = cert.decide_receipt(RECEIPT, CLERK, TODAY, "r-1", [])

    assert event.type == ev.CERTIFICATE_BLANKS_RECEIVED and event.subjects == ()
    assert cert.blank_numbers("JH", 1, 3) == ["JH00000001", "JH00000002", "JH00000003"]
    with pytest.raises(Refusal) as twice:
        cert.decide_receipt(RECEIPT, CLERK, TODAY, "r-2", ["JH00000007"])
    assert (twice.value.code, twice.value.status) == ("blank_already_received", 409)
    with pytest.raises(Refusal) as backwards:
        cert.decide_receipt(RECEIPT.model_copy(update={"first": 5, "last": 4}), CLERK, TODAY, "r-3", [])
    assert backwards.value.code == "invalid_blank_range"
    with pytest.raises(Refusal) as elsewhere:
        cert.decide_receipt(RECEIPT, OTHER_CLERK, TODAY, "r-4", [])
    assert elsewhere.value.code == "forbidden_place"


ISSUE = IssueCertificateBlank(office=OFFICE, number="JH00000001", certificate_number=NUMBER, holder_id_number=WOMAN)


def test_a_copy_is_printed_only_on_a_blank_on_hand_of_the_office_K5():
    [event] = cert.decide_issue([], "on_hand", OFFICE, ISSUE, WOMAN, [MAN, WOMAN], CLERK, TODAY)

    assert event.type == ev.CERTIFICATE_BLANK_ISSUED and event.subjects == ((WOMAN, "holder"),)
    for status, office in (("issued", OFFICE), ("spoiled", OFFICE), (None, None), ("on_hand", "MR-610528")):
        with pytest.raises(Refusal) as refused:
            cert.decide_issue([], status, office, ISSUE, WOMAN, [MAN, WOMAN], CLERK, TODAY)
        assert (refused.value.code, refused.value.status) == ("blank_not_on_hand", 409)
    with pytest.raises(Refusal) as no_copy:
        cert.decide_issue([], "on_hand", OFFICE, ISSUE, WOMAN, [], CLERK, TODAY)
    assert no_copy.value.code == "certificate_not_found"


def test_a_blank_a_copy_was_printed_on_is_never_spoiled_afterwards_K5():
    issued = cert.decide_issue([], "on_hand", OFFICE, ISSUE, WOMAN, [MAN, WOMAN], CLERK, TODAY)
    void = VoidCertificateBlank(office=OFFICE, number="JH00000001", reason="misprint")

    with pytest.raises(Refusal) as refused:
        cert.decide_void_blank(issued, void, CLERK, TODAY)
    assert refused.value.code == "blank_already_used"


def test_the_books_balance_received_against_issued_spoiled_and_on_hand_K5():
    assert cert.books({"received": 10, "issued": 6, "spoiled": 1, "on_hand": 3})["balanced"] is True
    assert cert.books({"received": 10, "issued": 6, "spoiled": 1, "on_hand": 2})["balanced"] is False
    unreceived = cert.books({"received": 10, "issued": 6, "spoiled": 1, "on_hand": 3, "spoiled_unreceived": 1})
    assert unreceived["balanced"] is False and unreceived["spoiled_unreceived"] == 1
