"""V-6: family-search notice within 24 hours, DNA request within 7 working days, identification linking
the temporary id, settlement with a new ID number after three months."""

import datetime as dt

import pytest

from services.vagrant_aid.contract import commands as cmd
from services.vagrant_aid.domain import events as ev
from services.vagrant_aid.domain.deadlines import dna_due_on, family_search_due, settlement_from
from services.vagrant_aid.domain.decide import decide_identify, decide_record_family_search, decide_settle
from shared.business_dates import LOCAL_TIME_ZONE
from shared.errors import Refusal
from tests.unit.vagrant_aid.builders import (
    ADULT_MAN,
    ADULT_WOMAN,
    BOY_2015,
    TEMPORARY_ID,
    at,
    clock,
    identified_intake,
    intake,
    new_case,
    then,
)

ARRIVED = dt.date(2025, 6, 3)


def arrived_case(**person):
    return new_case(intake(arrived_at=at(ARRIVED, 9), person=person), on=ARRIVED)


def step(name: str, when: dt.datetime) -> cmd.RecordFamilySearch:
    return cmd.RecordFamilySearch.model_validate({"step": name, "detail": "x", "at": when.isoformat()})


def local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TIME_ZONE)


def test_family_search_notice_is_due_24_hours_after_arrival_V6():
    case = arrived_case()
    due = family_search_due(case, local(ARRIVED, 20), ARRIVED)
    assert due.notice_due_at == local(dt.date(2025, 6, 4), 9) and not due.notice_overdue
    assert family_search_due(case, local(dt.date(2025, 6, 4), 10), dt.date(2025, 6, 4)).notice_overdue


def test_a_notice_in_time_clears_the_overdue_mark_V6():
    case = arrived_case()
    case = then(case, decide_record_family_search(step("notice", local(ARRIVED, 15)), case, clock(ARRIVED, 16)))
    assert not family_search_due(case, local(dt.date(2025, 6, 9), 10), dt.date(2025, 6, 9)).notice_overdue


def test_dna_request_is_due_within_7_working_days_V6():
    assert dna_due_on(ARRIVED) == dt.date(2025, 6, 12)  # Tue 3 Jun + 7 working days
    # Arrival Fri 26 Sep 2025: the National Day holiday (1-8 Oct) and the working Sunday 28 Sep count.
    assert dna_due_on(dt.date(2025, 9, 26)) == dt.date(2025, 10, 13)
    case = arrived_case()
    assert not family_search_due(case, local(dt.date(2025, 6, 12), 23), dt.date(2025, 6, 12)).dna_overdue
    assert family_search_due(case, local(dt.date(2025, 6, 13), 8), dt.date(2025, 6, 13)).dna_overdue
    case = then(case, decide_record_family_search(step("dna_requested", local(dt.date(2025, 6, 5), 9)), case,
                                           clock(dt.date(2025, 6, 5))))
    assert case.dna_requested_on == dt.date(2025, 6, 5)
    assert not family_search_due(case, local(dt.date(2025, 6, 13), 8), dt.date(2025, 6, 13)).dna_overdue


def test_no_family_search_is_due_for_an_identified_person_V6():
    case = new_case(identified_intake(ADULT_MAN, arrived_at=at(ARRIVED)), on=ARRIVED)
    assert family_search_due(case, local(dt.date(2025, 7, 1), 9), dt.date(2025, 7, 1)) is None


def test_identification_links_the_temporary_id_to_the_id_number_V6():
    case = arrived_case()
    command = cmd.Identify.model_validate({"id_number": ADULT_MAN, "method": "dna"})
    [identified] = decide_identify(command, case, clock(dt.date(2025, 6, 9)))

    assert identified.type == ev.PERSON_IDENTIFIED
    assert list(identified.subjects) == [(TEMPORARY_ID, "temporary"), (ADULT_MAN, "identified")]
    assert identified.payload.items() >= {"temporary_id": TEMPORARY_ID, "id_number": ADULT_MAN, "method": "dna",
                                       "identified_on": "2025-06-09"}.items()
    case = then(case, [identified])
    assert case.subject_id == ADULT_MAN and case.identified and case.temporary_id == TEMPORARY_ID


def test_identification_of_a_child_refers_the_minor_V6_V7():
    case = arrived_case(estimated_age=19)
    command = cmd.Identify.model_validate({"id_number": BOY_2015, "method": "family"})
    drafts = decide_identify(command, case, clock(dt.date(2025, 6, 9)))
    assert [d.type for d in drafts] == [ev.PERSON_IDENTIFIED, ev.MINOR_REFERRED]
    assert list(drafts[1].subjects) == [(BOY_2015, "child")]


def test_identification_refused_when_sex_disagrees_or_already_identified_V6():
    case = arrived_case()
    with pytest.raises(Refusal) as disagrees:
        decide_identify(cmd.Identify.model_validate({"id_number": ADULT_WOMAN, "method": "dna"}), case, clock())
    assert disagrees.value.code == "id_number_disagrees"
    identified = new_case(identified_intake(ADULT_MAN))
    with pytest.raises(Refusal) as again:
        decide_identify(cmd.Identify.model_validate({"id_number": ADULT_MAN, "method": "dna"}), identified, clock())
    assert (again.value.code, again.value.status) == ("already_identified", 409)


def settle(case, on: dt.date, division: str = "610502"):
    command = cmd.Settle.model_validate({"id_number": ADULT_MAN, "household_division": division,
                                         "settled_on": on})
    return decide_settle(command, case, clock(on))


def test_settlement_after_three_months_gives_a_new_id_number_linked_to_the_temporary_id_V6():
    case = arrived_case()
    first_day = settlement_from(ARRIVED)
    assert first_day == dt.date(2025, 9, 4)  # 3 Sep is the last day of the three months
    [settled] = settle(case, first_day)

    assert settled.type == ev.PERSON_SETTLED
    assert list(settled.subjects) == [(TEMPORARY_ID, "temporary"), (ADULT_MAN, "settled")]
    assert settled.payload["household_division"] == "610502"
    case = then(case, [settled])
    assert case.subject_id == ADULT_MAN and not case.identified and case.settled_on == first_day


def test_settlement_within_three_months_is_refused_V6():
    with pytest.raises(Refusal) as refused:
        settle(arrived_case(), dt.date(2025, 9, 3))
    assert refused.value.code == "settlement_too_early"


def test_settlement_is_in_a_county_of_the_city_V6():
    for division in ("110101", "610500", "610521"):
        with pytest.raises(Refusal) as refused:
            settle(arrived_case(), dt.date(2025, 9, 10), division)
        assert refused.value.code == "invalid_household_division"
