"""V-10: the watch list; an intake matching by ID number, or by name, sex and approximate age."""

import pytest

from services.vagrant_aid.contract import commands as cmd
from services.vagrant_aid.domain import events as ev
from services.vagrant_aid.domain.watchlist import decide_add_entry, entry_from, matched_by
from shared.errors import Refusal
from tests.unit.vagrant_aid.builders import ADULT_MAN, ADULT_WOMAN, clock, identified_intake, intake, new_case

CONTACT = {"name": "张小红", "relation": "女儿", "phone": "13900000000"}


def entry(**body):
    command = cmd.AddToWatchList.model_validate({"name": "张三", "condition": "dementia", "contacts": [CONTACT],
                                                 **body})
    [draft] = decide_add_entry(command, "e1", "RS-610500", clock())
    assert draft.type == ev.WATCH_LIST_ENTRY_ADDED
    return entry_from(draft.payload)


def test_an_entry_by_id_number_takes_sex_and_birth_from_the_number_V10():
    watched = entry(id_number=ADULT_MAN)
    assert (watched.sex, watched.birth_year, watched.contacts) == ("male", 1990, (CONTACT,))


def test_an_entry_without_id_number_needs_sex_and_birth_year_V10():
    with pytest.raises(Refusal) as refused:
        entry(sex="male")
    assert refused.value.code == "sex_and_birth_year_required"


def test_intake_matches_by_id_number_V10():
    assert matched_by(new_case(identified_intake(ADULT_MAN)), entry(id_number=ADULT_MAN)) == "id_number"
    assert matched_by(new_case(identified_intake(ADULT_WOMAN)), entry(id_number=ADULT_MAN)) is None


@pytest.mark.parametrize(("person", "matches"), [
    ({"name": "张三", "sex": "male", "estimated_age": 70}, True),  # entry born 1953: 72 in 2025
    ({"name": "张 三", "sex": "male", "estimated_age": 77}, True),  # spacing differs, within 5 years
    ({"name": "张三", "sex": "male", "estimated_age": 60}, False),  # too young
    ({"name": "张三", "sex": "female", "estimated_age": 72}, False),
    ({"name": "李三", "sex": "male", "estimated_age": 72}, False),
    ({"sex": "male", "estimated_age": 72}, False),  # no name given
])
def test_intake_matches_by_name_sex_and_approximate_age_V10(person, matches):
    watched = entry(sex="male", birth_year=1953)
    case = new_case(intake(person=person))
    assert (matched_by(case, watched) == "name_sex_age") is matches
