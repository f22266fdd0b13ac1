"""A-10 living together (融合期), pure: the report assesses how the adopters and the child lived together, so
from 2021 it states the period, and that period has lasted 30 days or more (inclusive, counted up to the
report's date) when it is reported; the minimum is a dated parameter (none before 2021, when no assessment was
required, so an imported older report states none). A step-parent's adoption (A-8) needs no assessment at all."""

from __future__ import annotations

import datetime as dt

import pytest

from services.adoption.contract.commands import RecordAssessment, RecordLivingTogether, ReportAssessment
from services.adoption.domain import parameters
from services.adoption.domain.decide import (
    RegistrationFacts,
    decide_assessment,
    decide_record_living_together,
    decide_registration,
    decide_report_assessment,
)
from services.adoption.domain.rules import check_living_together_A10
from services.adoption.domain.state import fold_assessment
from shared.errors import Refusal
from tests.unit.adoption.builders import BIRTH_PARENT, MOTHER, NEW, REGISTRAR, TODAY, person, registration
from tests.unit.adoption.test_assessment_timing_A10 import ADOPTERS, ASSESSMENT_ID, opened


def refused(decide, *args) -> Refusal:
    with pytest.raises(Refusal) as caught:
        decide(*args)
    return caught.value


def test_a10_the_minimum_is_a_dated_parameter_30_days_from_2021():
    assert parameters.living_together_minimum_days(dt.date(2021, 1, 1)) == 30
    assert parameters.living_together_minimum_days(dt.date(2020, 12, 31)) == 0


def test_a10_a_report_in_one_step_after_29_days_together_is_refused_and_after_30_recorded():
    short = opened(outcome="suitable", assessed_on="2026-03-01",
                       living_together={"started_on": "2026-01-10", "ended_on": "2026-02-07"})  # 29 days

    refusal = refused(decide_assessment, short, ASSESSMENT_ID, REGISTRAR, TODAY)

    assert (refusal.code, refusal.status, refusal.errors[0]["loc"]) == (
        "living_together_too_short", 422, ["body", "living_together"])
    thirty = short.model_copy(update={"living_together": short.living_together.model_copy(
        update={"ended_on": dt.date(2026, 2, 8)})})
    assert [d.type for d in decide_assessment(thirty, ASSESSMENT_ID, REGISTRAR, TODAY)] == [
        "adoption.AssessmentRecorded", "adoption.LivingTogetherRecorded"]


def test_a10_the_days_lived_count_up_to_the_report_date_not_beyond():
    running = (dt.date(2026, 2, 1), None)
    with pytest.raises(Refusal):
        check_living_together_A10(running, dt.date(2026, 3, 1))  # 29 days: 1 February to 1 March, inclusive
    check_living_together_A10(running, dt.date(2026, 3, 2))
    ends_later = (dt.date(2026, 2, 1), dt.date(2026, 6, 1))
    with pytest.raises(Refusal):
        check_living_together_A10(ends_later, dt.date(2026, 2, 20))
    begins_after_the_report = (dt.date(2026, 4, 1), dt.date(2026, 5, 1))
    with pytest.raises(Refusal):
        check_living_together_A10(begins_after_the_report, dt.date(2026, 3, 20))


@pytest.mark.parametrize(("recorded", "code"), [
    ({"living_together": {"started_on": "2026-01-10", "ended_on": "2026-01-29"}}, "living_together_too_short"),
    ({}, "living_together_required"),  # from 2021: consent alone, no period at all
])
def test_a10_the_report_of_an_opened_assessment_is_judged_on_the_recorded_period(recorded, code):
    history = decide_assessment(opened(**recorded), ASSESSMENT_ID, REGISTRAR, TODAY)  # 20 days, or none
    report = ReportAssessment(outcome="suitable", assessed_on=dt.date(2026, 3, 1))

    assert refused(decide_report_assessment, fold_assessment(history), report, REGISTRAR, TODAY).code == code
    # a later record gives or replaces the period; then the report is recorded
    longer = RecordLivingTogether(started_on=dt.date(2026, 1, 10), ended_on=dt.date(2026, 2, 20))
    history += decide_record_living_together(fold_assessment(history), longer, REGISTRAR, TODAY)
    assert decide_report_assessment(fold_assessment(history), report, REGISTRAR, TODAY)[-1].type == \
        "adoption.AssessmentRecorded"


def test_a10_the_period_the_report_gives_replaces_the_recorded_one():
    history = decide_assessment(opened(living_together={"started_on": "2026-01-10", "ended_on": "2026-02-20"}),
                                ASSESSMENT_ID, REGISTRAR, TODAY)
    shorter = ReportAssessment.model_validate({"outcome": "suitable", "assessed_on": "2026-03-01", "living_together": {
        "started_on": "2026-02-10", "ended_on": "2026-02-20"}})
    assert refused(decide_report_assessment, fold_assessment(history), shorter, REGISTRAR, TODAY).code == \
        "living_together_too_short"


def test_a10_a_period_still_short_is_recorded_while_the_report_waits():
    history = decide_assessment(opened(), ASSESSMENT_ID, REGISTRAR, TODAY)
    running = RecordLivingTogether(started_on=dt.date(2026, 5, 1))
    assert [d.type for d in decide_record_living_together(fold_assessment(history), running, REGISTRAR, TODAY)] == [
        "adoption.LivingTogetherRecorded"]


def test_a10_from_2021_a_report_in_one_step_without_a_period_is_refused_at_the_period():
    bare = opened(outcome="suitable", assessed_on="2026-03-01")

    refusal = refused(decide_assessment, bare, ASSESSMENT_ID, REGISTRAR, TODAY)

    assert (refusal.code, refusal.status, refusal.errors[0]["loc"]) == (
        "living_together_required", 422, ["body", "living_together"])
    assert refused(decide_assessment, opened(outcome="suitable", assessed_on="2021-01-01", consented_on=None),
                   ASSESSMENT_ID, REGISTRAR, TODAY).code == "living_together_required"  # the first day it binds


def test_a10_a_report_dated_before_2021_imported_needs_no_period():
    old = RecordAssessment.model_validate({"adopters": ADOPTERS, "assessor": "评估小组", "outcome": "suitable",
                                           "assessed_on": "2020-12-31"})
    assert [d.type for d in decide_assessment(old, ASSESSMENT_ID, REGISTRAR, TODAY)] == ["adoption.AssessmentRecorded"]


def test_a10_before_2021_no_minimum_binds():
    old = RecordAssessment.model_validate({
        "adopters": ADOPTERS, "assessor": "评估小组", "outcome": "suitable", "assessed_on": "2020-06-10",
        "living_together": {"started_on": "2020-06-01", "ended_on": "2020-06-05"}})
    decide_assessment(old, ASSESSMENT_ID, REGISTRAR, TODAY)


def test_a10_a_step_parent_adoption_a8_needs_no_assessment_and_so_no_living_together():
    young = person(dt.date(1999, 1, 1), "male", 15)
    step = registration(adopters=[{"id_number": young, "name": "继父", "married": True},
                                  {"id_number": BIRTH_PARENT, "name": "张丽", "married": True}],
                        placing_party={"kind": "parent", "id_number": MOTHER}, relation="step_parent",
                        statement_ref=None, birth_parents_consent=True)
    [registered] = decide_registration(step, RegistrationFacts({}, None, None), NEW, REGISTRAR, TODAY)
    assert "assessment_id" not in registered.payload
