"""What the access log records of a call (issue 14), without I/O: the canonical spelling of a person's id,
every person an answer names, what a feed page covered, purpose codes, case references."""

import pytest

from services.gateway.access_log import (
    AccessRecord,
    case_ref_of,
    disclosed_subjects,
    feed_detail,
    purpose_codes,
    row_json,
)
from shared.reference.idnumber import InvalidIdNumber, canonical_subject, second_generation

PERSON = "61050219700504106X"


@pytest.mark.parametrize("spelling", [PERSON, PERSON.lower(), f"  {PERSON}\t", "610502700504106"])
def test_every_spelling_of_a_person_has_one_canonical_subject(spelling):
    assert canonical_subject(spelling) == PERSON


def test_a_first_generation_number_gains_the_century_and_its_check_character():
    assert second_generation("610502700504106") == PERSON
    with pytest.raises(InvalidIdNumber):
        second_generation("61050270050400")


def test_temporary_ids_and_malformed_input_are_only_stripped():
    assert canonical_subject(" TMP-RS610500-7 ") == "TMP-RS610500-7"
    assert canonical_subject("6105021970050400xx") == "6105021970050400xx"


def test_every_person_an_answer_names_is_disclosed_once_in_order():
    payroll = {"month": "2025-08", "office": "MR-610502", "lines": [
        {"child": {"id_number": PERSON, "name": "王**"}, "amount": 1200},
        {"child": {"id_number": "610502201001010011"}, "guardian": {"id_number": PERSON}},
        {"case": "TMP-RS610500-7", "registration_id": "R-12"}]}
    assert disclosed_subjects(payroll) == (PERSON, "610502201001010011", "TMP-RS610500-7")


def test_a_timeline_document_discloses_its_person_and_linked_ids_from_its_head():
    document = (f'{{"subject": "TMP-RS610500-7", "person": "{PERSON}", "merged_ids": ["TMP-RS610500-7"],'
                ' "as_of": null, "entries": []}')
    assert disclosed_subjects(document) == (PERSON, "TMP-RS610500-7")


def test_a_feed_page_says_which_positions_it_handed_out_per_source():
    def entry(source: str, position: int) -> dict:  # a CloudEvents feed entry (timeline/contract/feed.py)
        return {"source": f"urn:civreg:{source}", "data": {"position": position, "subjects": []}}

    page = {"entries": [entry("marriage", p) for p in (120, 121, 1119)] + [entry("funeral", 7)], "next": "x"}
    assert feed_detail(page) == "marriage positions 120-1119, funeral positions 7-7"
    assert feed_detail({"month": "2025-08"}) is None


def test_purpose_codes_are_the_vocabulary_of_access_yaml_and_case_refs_visible_ascii():
    assert {"household_registration", "statistics"} <= purpose_codes()
    assert case_ref_of(" WN-GA-2026-0017 ") == "WN-GA-2026-0017" and case_ref_of("") is None
    with pytest.raises(ValueError):
        case_ref_of("案件 17")


def test_a_row_carries_the_path_subject_in_its_indexed_set_once():
    row = row_json(AccessRecord("p", "bureau", "persons.facts", PERSON, None, 200, "c", subjects=(PERSON, "TMP-X-1")))
    assert row["subjects"] == [PERSON, "TMP-X-1"]


def test_only_strings_spelling_an_id_are_disclosed_whatever_their_length_prefix_or_nesting():
    # Strings are looked at by length and prefix before the pattern: every other string, however close, is not.
    body = {"a": "61050219700504106x", "b": ["610502700504106", ("TMP-RS610500-7",)], "c": "6105021970050410",
            "d": "61050219700504106XX", "e": "tmp-rs610500-7", "f": "TMP-", "g": 610502700504106, "h": None,
            "i": [True, 1.5, {"j": "TMP-x" + "y" * 60}], "k": "MR-610502-61050219700504106"}
    assert disclosed_subjects(body) == ("61050219700504106x", "610502700504106", "TMP-RS610500-7")
