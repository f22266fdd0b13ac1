"""A-10 assessment timing, pure: an assessment opens at the adopters' consent, its report is due within 60 days
of it with the living-together period (融合期) not counted, a report before the consent is refused, and the
tasks list the assessments whose report is late on a given day."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from services.adoption.application.views import assessment_view, late_assessments
from services.adoption.contract.commands import RecordAssessment, RecordLivingTogether, ReportAssessment
from services.adoption.domain.decide import decide_assessment, decide_record_living_together, decide_report_assessment
from services.adoption.domain.rules import assessment_due_A10, days_late_A10
from services.adoption.domain.state import fold_assessment
from shared.actor import Actor
from shared.errors import Refusal
from tests.unit.adoption.builders import FATHER, MOTHER, REGISTRAR, TODAY

ASSESSMENT_ID = "0b6f3a52-7c1e-4a8e-9f0d-2b7d5c3e1a90"
CONSENT = dt.date(2026, 1, 5)
ADOPTERS = [{"id_number": FATHER, "name": "李明"}, {"id_number": MOTHER, "name": "王芳"}]
LIVED = {"started_on": "2025-12-01", "ended_on": "2026-01-05"}  # 融合期 of 36 days, ended on the consent day


def opened(**changes) -> RecordAssessment:
    return RecordAssessment.model_validate({"adopters": ADOPTERS, "assessor": "渭南市收养评估小组",
                                            "consented_on": CONSENT.isoformat(), **changes})


def consented(**changes):
    return decide_assessment(opened(**changes), ASSESSMENT_ID, REGISTRAR, TODAY)


def refused(decide, *args) -> str:
    with pytest.raises(Refusal) as caught:
        decide(*args)
    return caught.value.code


# -- the due day -----------------------------------------------------------------------------------------------
def test_a10_the_report_is_due_60_days_after_consent():
    assert assessment_due_A10(CONSENT, None, TODAY) == dt.date(2026, 3, 6)


def test_a10_the_living_together_days_after_consent_are_not_counted():
    thirty_days = (dt.date(2026, 1, 20), dt.date(2026, 2, 18))
    assert assessment_due_A10(CONSENT, thirty_days, TODAY) == dt.date(2026, 3, 6) + dt.timedelta(days=30)


def test_a10_living_together_begun_before_consent_counts_only_from_the_day_after_it():
    assert assessment_due_A10(CONSENT, (dt.date(2026, 1, 1), dt.date(2026, 1, 10)), TODAY) == \
        dt.date(2026, 3, 6) + dt.timedelta(days=5)


def test_a10_living_together_still_running_stops_the_count_until_the_day_asked_about():
    running = (dt.date(2026, 2, 1), None)
    assert assessment_due_A10(CONSENT, running, dt.date(2026, 5, 1)) > dt.date(2026, 5, 1)


def test_a10_living_together_begun_after_the_due_day_does_not_excuse_the_delay():
    late_start = (dt.date(2026, 3, 10), dt.date(2026, 4, 10))
    assert assessment_due_A10(CONSENT, late_start, TODAY) == dt.date(2026, 3, 6)


# -- consent, report, living together ---------------------------------------------------------------------------
def test_a10_an_assessment_opened_at_consent_is_due_and_not_yet_reported():
    (draft,) = consented()
    assert draft.type == "adoption.AssessmentConsented"
    assert draft.subjects == ((FATHER, "adopter"), (MOTHER, "adopter"))
    view = assessment_view(fold_assessment([draft]), dt.date(2026, 2, 1))
    assert (view["outcome"], view["due_on"], view["late"], view["days_late"]) == (None, "2026-03-06", False, 0)
    waited = assessment_view(fold_assessment([draft]), dt.date(2026, 3, 9))
    assert (waited["late"], waited["days_late"]) == (True, 3)  # the count the task list shows for that day


def test_a10_a_report_before_the_consent_is_refused():
    assert refused(decide_assessment, opened(outcome="suitable", assessed_on="2026-01-04"), ASSESSMENT_ID,
                   REGISTRAR, TODAY) == "assessment_before_consent"
    assessment = fold_assessment(consented())
    report = ReportAssessment(outcome="suitable", assessed_on=dt.date(2026, 1, 4))
    assert refused(decide_report_assessment, assessment, report, REGISTRAR, TODAY) == "assessment_before_consent"


def test_a10_a_report_on_the_consent_day_or_after_is_recorded_once():
    history = consented()
    report = ReportAssessment.model_validate({
        "outcome": "unsuitable", "assessed_on": CONSENT.isoformat(), "report_ref": "评估报告 2026-3",
        "living_together": LIVED})
    history += decide_report_assessment(fold_assessment(history), report, REGISTRAR, TODAY)
    assessment = fold_assessment(history)
    assert (assessment.outcome, assessment.assessed_on, assessment.consented_on) == ("unsuitable", CONSENT, CONSENT)
    assert refused(decide_report_assessment, assessment, report, REGISTRAR, TODAY) == "assessment_reported"
    period = RecordLivingTogether(started_on=dt.date(2026, 1, 6))
    assert refused(decide_record_living_together, assessment, period, REGISTRAR, TODAY) == "assessment_reported"


def test_a10_a_report_in_one_step_carries_its_consent_and_one_without_consent_stays_as_before():
    draft, _ = decide_assessment(opened(outcome="suitable", assessed_on="2026-02-01", living_together=LIVED),
                                 ASSESSMENT_ID, REGISTRAR, TODAY)
    assert draft.type == "adoption.AssessmentRecorded" and draft.payload["consented_on"] == CONSENT.isoformat()
    plain, _ = decide_assessment(opened(outcome="suitable", assessed_on="2026-02-01", consented_on=None,
                                        living_together=LIVED), ASSESSMENT_ID, REGISTRAR, TODAY)
    assert "consented_on" not in plain.payload
    assert (assessment_view(fold_assessment([plain]), TODAY)["due_on"],
            assessment_view(fold_assessment([plain]), TODAY)["days_late"]) == (None, None)


def test_a10_a_report_late_after_the_living_together_excluded_is_marked_late():
    history = consented(living_together={"started_on": "2026-01-20", "ended_on": "2026-02-18"})
    on_time = ReportAssessment(outcome="suitable", assessed_on=dt.date(2026, 4, 5))
    late = ReportAssessment(outcome="suitable", assessed_on=dt.date(2026, 4, 6))
    assessment = fold_assessment(history)
    assert assessment_view(fold_assessment(
        history + decide_report_assessment(assessment, on_time, REGISTRAR, TODAY)), TODAY)["late"] is False
    reported_late = assessment_view(fold_assessment(
        history + decide_report_assessment(assessment, late, REGISTRAR, TODAY)), TODAY)
    assert (reported_late["late"], reported_late["days_late"]) == (True, 1)


def test_a10_a_later_living_together_record_replaces_the_earlier():
    history = consented(living_together={"started_on": "2026-01-20"})
    period = RecordLivingTogether(started_on=dt.date(2026, 1, 20), ended_on=dt.date(2026, 2, 28))
    history += decide_record_living_together(fold_assessment(history), period, REGISTRAR, TODAY)
    assert fold_assessment(history).living_together == (dt.date(2026, 1, 20), dt.date(2026, 2, 28))


def test_a10_another_offices_registrar_cannot_report_it_and_dates_are_not_in_the_future():
    assessment = fold_assessment(consented())
    other = Actor("r", "adoption_registrar", "MR-610528")
    report = ReportAssessment(outcome="suitable", assessed_on=TODAY)
    assert refused(decide_report_assessment, assessment, report, other, TODAY) == "forbidden_place"
    assert refused(decide_assessment, opened(consented_on=(TODAY + dt.timedelta(days=1)).isoformat()),
                   ASSESSMENT_ID, REGISTRAR, TODAY) == "business_date_in_future"


def test_a10_the_body_gives_the_report_whole_or_the_consent():
    with pytest.raises(ValidationError):
        opened(outcome="suitable")  # no report date
    with pytest.raises(ValidationError):
        opened(consented_on=None)  # neither report nor consent
    with pytest.raises(ValidationError):
        RecordLivingTogether(started_on=dt.date(2026, 2, 1), ended_on=dt.date(2026, 1, 31))


# -- the tasks ---------------------------------------------------------------------------------------------------
def awaiting(living: tuple[dt.date, dt.date | None] | None = None) -> dict:
    return {"assessment_id": ASSESSMENT_ID, "office": "MR-610502", "adopters": [FATHER, MOTHER],
            "consented_on": CONSENT, "living_together_from": living[0] if living else None,
            "living_together_to": living[1] if living else None, "version": 1}


def test_a10_tasks_list_an_assessment_unreported_after_its_day_as_of_the_day_asked():
    assert late_assessments([awaiting()], dt.date(2026, 3, 6)) == []
    (late,) = late_assessments([awaiting()], dt.date(2026, 3, 9))
    assert (late["due_on"], late["days_late"], late["adopters"]) == ("2026-03-06", 3, [FATHER, MOTHER])


def test_a10_tasks_do_not_list_one_whose_living_together_runs_or_pushed_the_day_back():
    assert late_assessments([awaiting((dt.date(2026, 2, 1), None))], dt.date(2026, 6, 1)) == []
    assert late_assessments([awaiting((dt.date(2026, 1, 20), dt.date(2026, 2, 18)))], dt.date(2026, 4, 5)) == []
    (late,) = late_assessments([awaiting((dt.date(2026, 1, 20), dt.date(2026, 2, 18)))], dt.date(2026, 4, 6))
    assert late["living_together"] == {"started_on": "2026-01-20", "ended_on": "2026-02-18"}


def test_a10_days_late_count_from_the_due_day_to_the_report_or_today_and_none_on_time():
    due = dt.date(2026, 3, 2)
    assert days_late_A10(due, None, dt.date(2026, 3, 2)) == 0  # the due day itself is in time
    assert days_late_A10(due, None, dt.date(2026, 3, 5)) == 3
    assert days_late_A10(due, dt.date(2026, 3, 4), dt.date(2026, 4, 1)) == 2  # reported: the report's day counts
    assert days_late_A10(due, dt.date(2026, 2, 1), dt.date(2026, 4, 1)) == 0
