"""V-5: a stay of normally at most 10 days; longer needs an extension filing; else the case is stranded."""

import datetime as dt

import pytest

from services.vagrant_aid.contract import commands as cmd
from services.vagrant_aid.domain.deadlines import is_stranded, normal_stay_last_day, stay_last_day
from services.vagrant_aid.domain.decide import decide_file_extension
from shared.errors import Refusal
from tests.unit.vagrant_aid.builders import TODAY, at, clock, exited, intake, new_case, then

ARRIVED = dt.date(2025, 6, 3)  # a Tuesday: day 10 is Friday 13 June


def extension(until: dt.date, **body) -> cmd.FileExtension:
    return cmd.FileExtension.model_validate({"until": until, "reason": "awaiting DNA result", **body})


def test_the_stay_runs_ten_days_after_the_arrival_day_V5():
    assert normal_stay_last_day(ARRIVED) == dt.date(2025, 6, 13)


def test_a_last_day_on_a_rest_day_moves_to_the_next_working_day_V5():
    # Arrival on Thursday 25 Sep 2025: day 10 is Sunday 5 Oct, in the National Day holiday (1-8 Oct).
    assert normal_stay_last_day(dt.date(2025, 9, 25)) == dt.date(2025, 10, 9)


def test_a_case_past_its_stay_without_an_extension_is_stranded_V5():
    case = new_case(intake(arrived_at=at(ARRIVED)), on=ARRIVED)
    assert not is_stranded(case, dt.date(2025, 6, 13))
    assert is_stranded(case, dt.date(2025, 6, 14))


def test_an_extension_filing_moves_the_last_day_and_the_case_is_not_stranded_V5():
    case = new_case(intake(arrived_at=at(ARRIVED)), on=ARRIVED)
    case = then(case, decide_file_extension(extension(dt.date(2025, 6, 30)), case, clock(dt.date(2025, 6, 12))))

    assert stay_last_day(case) == dt.date(2025, 6, 30)
    assert not is_stranded(case, dt.date(2025, 6, 20))
    assert is_stranded(case, dt.date(2025, 7, 1))


def test_an_extension_must_move_the_last_day_later_V5():
    case = new_case(intake(arrived_at=at(ARRIVED)), on=ARRIVED)
    with pytest.raises(Refusal) as refused:
        decide_file_extension(extension(dt.date(2025, 6, 13)), case, clock())
    assert refused.value.code == "extension_not_later"


def test_a_closed_case_is_never_stranded_V5():
    case = new_case(intake(arrived_at=at(ARRIVED)), on=ARRIVED)
    assert not is_stranded(exited(case, TODAY, kind="absconded"), dt.date(2025, 7, 1))
