"""A-10 assessments, A-11 foundling notices, K-2 the adoption documents' prefixes: pure deciders."""

from __future__ import annotations

import datetime as dt

import pytest

from services.adoption.contract.commands import ClaimFoundling, PublishFoundlingNotice, RecordAssessment
from services.adoption.domain import parameters
from services.adoption.domain.decide import decide_assessment, decide_claim_foundling, decide_notice
from services.adoption.domain.state import fold_notice
from shared import certificates as numbering
from shared.actor import Actor
from shared.errors import Refusal
from tests.unit.adoption.builders import CHILD, FATHER, MOTHER, REGISTRAR, TODAY

NOTICE_ID = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def test_A_10_an_assessment_names_its_adopters_as_subjects():
    command = RecordAssessment(adopters=[{"id_number": FATHER, "name": "李明"}, {"id_number": MOTHER, "name": "王芳"}],
                               outcome="unsuitable", assessed_on=TODAY, assessor="第三方评估机构",
                               living_together={"started_on": TODAY - dt.timedelta(days=40), "ended_on": TODAY})
    draft, _ = decide_assessment(command, "0b6f3a52-7c1e-4a8e-9f0d-2b7d5c3e1a90", REGISTRAR, TODAY)
    assert draft.subjects == ((FATHER, "adopter"), (MOTHER, "adopter"))
    assert draft.payload["office"] == "MR-610502" and draft.payload["outcome"] == "unsuitable"


def notice_command(**changes) -> PublishFoundlingNotice:
    return PublishFoundlingNotice.model_validate({"office": "MR-610502", "child": {"id_number": CHILD, "name": "无名"},
                                                  "description": "2026年在临渭区发现的女婴", **changes})


def test_A_11_the_notice_runs_60_days_and_describes_only_the_child():
    (draft,) = decide_notice(notice_command(), NOTICE_ID, None, REGISTRAR, TODAY)
    assert draft.payload["runs_until"] == (TODAY + dt.timedelta(days=60)).isoformat()
    assert draft.subjects == ((CHILD, "child"),)


def test_A_11_a_second_notice_while_one_runs_is_refused_and_a_claim_stops_it():
    (published,) = decide_notice(notice_command(), NOTICE_ID, None, REGISTRAR, TODAY)
    notice = fold_notice([published])
    with pytest.raises(Refusal) as caught:
        decide_notice(notice_command(), NOTICE_ID, notice, REGISTRAR, TODAY)
    assert caught.value.code == "notice_exists"
    (claimed,) = decide_claim_foundling(ClaimFoundling(), notice, REGISTRAR, TODAY)
    assert fold_notice([published, claimed]).status(TODAY) == "claimed"
    with pytest.raises(Refusal) as again:
        decide_claim_foundling(ClaimFoundling(), fold_notice([published, claimed]), REGISTRAR, TODAY)
    assert again.value.code == "notice_claimed"


def test_A_1_another_offices_registrar_cannot_claim_the_notice():
    notice = fold_notice(decide_notice(notice_command(), NOTICE_ID, None, REGISTRAR, TODAY))
    with pytest.raises(Refusal) as caught:
        decide_claim_foundling(ClaimFoundling(), notice, Actor("r", "adoption_registrar", "MR-610528"), TODAY)
    assert caught.value.code == "forbidden_place"


def test_K_2_adoption_documents_are_numbered_in_the_shape_of_marriages_with_configurable_prefixes():
    prefix = parameters.certificate_prefix("adoption", TODAY)
    key = numbering.SerialKey.on(prefix, "610502", TODAY)
    assert numbering.certificate_number(key, 1) == "SY610502-2026-000001"
    assert parameters.certificate_prefix("adoption_dissolution", TODAY) == "SJ"
    with pytest.raises(Refusal):
        numbering.certificate_number(key, 1_000_000)
