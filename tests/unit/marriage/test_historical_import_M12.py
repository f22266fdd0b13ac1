"""M-12: paper-era records — checked on their own terms (15-digit numbers accepted here only), imported
marked as imported, conflicts reported and kept, a re-import recognised."""

from __future__ import annotations

import datetime as dt

import pytest

from services.marriage.domain import events as ev
from services.marriage.domain.imports import HistoricalRecord, check_record, decide_batch
from shared.errors import Refusal
from tests.unit.marriage.given import TODAY, person

FIRST_GENERATION_MAN = "610502650101011"  # 15 digits: born 1965-01-01, sequence 011 (odd: male)
BATCH = "batch-1"
MAN = person(dt.date(1968, 2, 3), "male")  # 28 in 1996
WOMAN = person(dt.date(1970, 5, 6), "female")  # 26 in 1996


def record(ref: str = "R-1", husband: str = MAN, wife: str = WOMAN, husband_certificate: str = "渭临-1996-001",
           wife_certificate: str = "渭临-1996-002", **changes) -> HistoricalRecord:
    return HistoricalRecord.model_validate({
        "record_ref": ref, "registered_on": "1996-10-01", "office": "MR-610502", "husband_id_number": husband,
        "husband_name": "王大明", "husband_certificate": husband_certificate.replace("渭临", "WL"),
        "wife_id_number": wife, "wife_name": "李大红", "wife_certificate": wife_certificate.replace("渭临", "WL"),
        **changes})


def checked(*records: HistoricalRecord) -> list:
    return [check_record(n, r, TODAY) for n, r in enumerate(records, start=1)]


def test_a_paper_record_is_imported_with_its_own_date_office_and_numbers_marked_imported_M12():
    decision = decide_batch(checked(record()), {}, {}, BATCH)

    [(registration_id, event)] = decision.registered
    assert (event.type, event.occurred_on) == (ev.MARRIAGE_REGISTERED, dt.date(1996, 10, 1))
    p = event.payload
    assert (p["imported"], p["record_ref"], p["batch_id"], p["registration_id"]) == (True, "R-1", BATCH,
                                                                                     registration_id)
    assert [c["number"] for c in p["certificates"]] == ["WL-1996-001", "WL-1996-002"]
    assert decision.results == [{"row": 1, "record_ref": "R-1", "status": "imported",
                                 "registration_id": registration_id}]


def test_fifteen_digit_first_generation_numbers_are_accepted_in_imports_and_stand_for_the_18_digit_one_M12():
    [item] = checked(record(husband=FIRST_GENERATION_MAN))

    assert (item.husband.value, item.husband.birth_date) == ("610502196501010110", dt.date(1965, 1, 1))
    [(_, event)] = decide_batch([item], {}, {}, BATCH).registered
    assert event.payload["parties"][0]["recorded_id_number"] == FIRST_GENERATION_MAN
    assert event.subjects[0] == ("610502196501010110", "party")


def test_a_person_twice_married_in_the_import_is_a_conflict_reported_not_dropped_M12():
    other_wife = person(dt.date(1970, 3, 3), "female")
    batch = checked(record("R-1"), record("R-2", wife=other_wife, husband_certificate="X-3", wife_certificate="X-4"))

    decision = decide_batch(batch, {}, {}, BATCH)

    assert [r["status"] for r in decision.results] == ["imported", "conflict"]
    assert decision.results[1]["code"] == "twice_married_in_import"
    [conflict] = decision.conflicts
    assert (conflict.type, conflict.payload["record_ref"], conflict.payload["reason"]) == (
        ev.HISTORICAL_RECORD_CONFLICTED, "R-2", "twice_married_in_import")


def test_a_party_married_by_an_earlier_record_or_a_taken_certificate_number_is_a_conflict_M12():
    married = decide_batch(checked(record()), {MAN: "earlier"}, {}, BATCH)
    taken = decide_batch(checked(record()), {}, {"WL-1996-001": "someone-else"}, BATCH)

    assert married.results[0]["code"] == "already_married"
    assert taken.results[0]["code"] == "certificate_number_taken"


def test_M12_a_certificate_number_repeated_in_the_import_or_half_held_is_a_conflict():
    """Each of the two numbers on its own: a wife's number used by an earlier record of the same batch, or
    one number held by this very record and the other by nobody (not a record imported before)."""
    other_man, other_woman = person(dt.date(1969, 1, 1), "male"), person(dt.date(1971, 1, 1), "female")
    repeated = decide_batch(checked(record("R-1"), record("R-2", husband=other_man, wife=other_woman,
                                                          husband_certificate="X-3",
                                                          wife_certificate="渭临-1996-002")), {}, {}, BATCH)
    [item] = checked(record())
    half = decide_batch([item], {}, {"WL-1996-002": item.registration_id}, BATCH)

    assert [r.get("code") for r in repeated.results] == [None, "certificate_number_taken"]
    assert [r["status"] for r in half.results] == ["conflict"]
    assert half.results[0]["code"] == "certificate_number_taken"


def test_a_record_imported_before_is_recognised_and_written_again_nowhere_M12():
    [item] = checked(record())

    again = decide_batch([item], {MAN: item.registration_id, WOMAN: item.registration_id},
                         {"WL-1996-001": item.registration_id, "WL-1996-002": item.registration_id}, BATCH)

    assert again.results[0]["status"] == "already_imported"
    assert again.registered == [] and again.conflicts == []


@pytest.mark.parametrize(("changes", "code"), [
    ({"husband_id_number": WOMAN, "wife_id_number": MAN}, "not_one_man_one_woman"),
    ({"husband_id_number": "610502199001010012"}, "invalid_id_number"),
    ({"registered_on": "1965-01-01"}, "born_after_registration"),
    ({"registered_on": "2030-01-01"}, "business_date_in_future"),
    ({"wife_certificate": "WL-1996-001"}, "certificate_numbers_repeat"),
])
def test_records_that_cannot_be_what_they_say_are_invalid_M12(changes, code):
    with pytest.raises(Refusal) as refused:
        check_record(1, record().model_copy(update={k: (dt.date.fromisoformat(v) if k == "registered_on" else v)
                                                    for k, v in changes.items()}), TODAY)
    assert refused.value.code == code


# -- M-12 review flags: below the minimum ages of the record's own date -------------------------------------------
def test_M12_a_paper_record_below_the_ages_of_its_date_is_imported_with_a_review_flag_not_refused():
    young = person(dt.date(1977, 12, 1), "female")  # 18 on 1996-10-01: of age before 1981, not after
    [item] = checked(record(wife=young))
    assert item.review == ("below_legal_age",)
    decision = decide_batch([item], {}, {}, BATCH)
    [(_, event)] = decision.registered
    assert event.payload["review"] == ["below_legal_age"]
    assert decision.results[0]["status"] == "imported" and decision.results[0]["review"] == ["below_legal_age"]


def test_M12_before_1981_the_1950_ages_apply_to_paper_records():
    wife = person(dt.date(1961, 6, 1), "female")  # 19 on 1980-10-01
    husband = person(dt.date(1959, 6, 1), "male")  # 21
    [of_age] = checked(record(husband=husband, wife=wife, registered_on="1980-10-01"))
    assert of_age.review == ()
    [flagged] = checked(record(husband=husband, wife=wife, registered_on="1981-03-02"))
    assert flagged.review == ("below_legal_age",)


# -- M-12 paper divorces: an imported marriage is not always in force ---------------------------------------------
def test_M12_a_paper_divorce_is_imported_and_ends_the_marriage_on_its_day():
    decision = decide_batch(checked(record(divorced_on="2001-04-05", divorce_ref="渭离-2001-7")), {}, {}, BATCH)
    [(registration_id, registered)] = decision.registered
    [(divorced_id, divorce)] = decision.divorces
    assert divorced_id == registration_id
    assert (divorce.type, divorce.occurred_on, divorce.payload["registration_id"], divorce.payload["imported"],
            divorce.payload["divorce_ref"], divorce.payload["certificates"]) == (
        ev.DIVORCE_REGISTERED, dt.date(2001, 4, 5), registration_id, True, "渭离-2001-7", [])


def test_M12_a_person_divorced_on_paper_may_marry_again_in_the_same_import():
    other = person(dt.date(1971, 1, 1), "female", sequence=3)
    first = record(divorced_on="2001-04-05")
    second = record("R-2", wife=other, husband_certificate="WL-2003-001", wife_certificate="WL-2003-002",
                    registered_on="2003-03-03")
    decision = decide_batch(checked(first, second), {}, {}, BATCH)
    assert [r["status"] for r in decision.results] == ["imported", "imported"]
    overlapping = record("R-3", wife=other, husband_certificate="WL-2000-001", wife_certificate="WL-2000-002",
                         registered_on="2000-03-03")
    clash = decide_batch(checked(first, overlapping), {}, {}, BATCH)
    assert [r.get("code") for r in clash.results] == [None, "twice_married_in_import"]


def test_M12_a_divorced_paper_record_does_not_meet_a_current_marriage_and_cannot_end_before_it_began():
    decision = decide_batch(checked(record(divorced_on="2001-04-05")), {MAN: "a-later-marriage"}, {}, BATCH)
    assert decision.results[0]["status"] == "imported"
    with pytest.raises(Refusal) as refused:
        checked(record(divorced_on="1990-01-01"))
    assert refused.value.code == "divorce_before_registration"
