"""A-2 to A-11: a registration is refused with the rule's code, or decided into its events; no I/O."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from services.adoption.contract import events as contract
from services.adoption.domain.decide import RegistrationFacts, decide_registration
from services.adoption.domain.state import Notice
from shared.actor import Actor
from shared.errors import Refusal
from tests.unit.adoption.builders import (
    BIRTH_PARENT,
    CHILD,
    FATHER,
    MOTHER,
    NEW,
    OLDER_CHILD,
    REGISTRAR,
    SUITABLE,
    TODAY,
    person,
    registration,
)

TODDLER = person(dt.date(2018, 1, 1), "male", 19)


def refused(command, facts=SUITABLE, actor=REGISTRAR) -> Refusal:
    with pytest.raises(Refusal) as caught:
        decide_registration(command, facts, NEW, actor, TODAY)
    return caught.value


def single(id_number: str, name: str = "李明", **more) -> list[dict]:
    return [{"id_number": id_number, "name": name, "married": False, "children": 0, **more}]


def test_a_registration_that_meets_every_rule_is_one_event_with_the_certificate():
    (draft,) = decide_registration(registration(), SUITABLE, NEW, REGISTRAR, TODAY)
    event = contract.CATALOGUE.read(draft)
    assert isinstance(event, contract.AdoptionRegistered)
    assert event.certificates[0].number == "SY610502-2026-000001" and not event.sealed
    assert set(draft.subjects) == {(CHILD, "adoptee"), (FATHER, "adopter"), (MOTHER, "adopter"),
                                   (BIRTH_PARENT, "birth_parent")}


def test_A_1_a_registrar_of_another_office_is_refused():
    other = Actor("adoption-registrar.MR-610528", "adoption_registrar", "MR-610528")
    assert refused(registration(), actor=other).code == "forbidden_place"


def test_A_1_an_unknown_office_is_refused():
    actor = Actor("r", "adoption_registrar", "MR-999999")
    assert refused(registration(office="MR-999999"), actor=actor).code == "unknown_office"


def test_A_2_a_child_of_18_is_not_adoptable():
    adult = person(dt.date(2008, 5, 6), "female", 9)
    assert refused(registration(child={"id_number": adult, "name": "成年"})).code == "child_not_adoptable"


def test_A_2_before_2021_a_child_of_14_was_not_adoptable():
    child = person(dt.date(2006, 1, 1), "female", 9)
    command = registration(child={"id_number": child, "name": "少年"}, registered_on="2020-06-01",
                           child_consent=True)
    assert refused(command).code == "child_not_adoptable"


def test_A_3_a_parent_placing_gives_an_id_number():
    command = registration(placing_party={"kind": "parent", "name": "张丽"})
    assert refused(command).code == "placing_party_incomplete"


def test_A_3_an_orphan_is_not_placed_by_a_parent():
    command = registration(child={"id_number": CHILD, "name": "小宝", "situation": "orphan"})
    assert refused(command).code == "placing_party_mismatch"


def test_A_3_the_placing_party_cannot_adopt():
    command = registration(placing_party={"kind": "parent", "id_number": FATHER, "other_parent": "unknown"})
    assert refused(command).code == "adopter_is_placing_party"


def test_A_4_adopter_under_30_is_refused():
    young = person(dt.date(1997, 1, 1), "male", 11)
    command = registration(adopters=[{"id_number": young, "name": "青年", "married": True},
                                     {"id_number": MOTHER, "name": "王芳", "married": True}])
    assert refused(command).code == "adopter_under_30"


def test_A_4_the_signed_statement_is_cited():
    assert refused(registration(statement_ref=None)).code == "statement_required"


def test_A_5_adoption_limit_counts_the_statement_and_civregs_own_adoptions():
    stated = registration(adopters=[{"id_number": FATHER, "name": "李明", "married": True, "children": 1},
                                    {"id_number": MOTHER, "name": "王芳", "married": True, "children": 0}])
    decide_registration(stated, SUITABLE, NEW, REGISTRAR, TODAY)  # one child, then a second: allowed
    facts = dataclasses.replace(SUITABLE, adopted_in_civreg={FATHER: 1})
    assert refused(stated, facts).code == "adoption_limit"


def test_A_5_an_orphan_is_exempt_from_the_limit():
    command = registration(adopters=[{"id_number": FATHER, "name": "李明", "married": True, "children": 3},
                                     {"id_number": MOTHER, "name": "王芳", "married": True, "children": 3}],
                           child={"id_number": CHILD, "name": "小宝", "situation": "orphan"},
                           placing_party={"kind": "guardian", "id_number": BIRTH_PARENT})
    decide_registration(command, SUITABLE, NEW, REGISTRAR, TODAY)


def test_A_5_before_2021_an_adopter_with_a_child_could_not_adopt():
    command = registration(adopters=[{"id_number": FATHER, "name": "李明", "married": True, "children": 1},
                                     {"id_number": MOTHER, "name": "王芳", "married": True, "children": 0}],
                           child={"id_number": TODDLER, "name": "小宝"}, registered_on="2020-06-01")
    assert refused(command).code == "adoption_limit"


def test_A_6_a_married_person_adopts_with_the_spouse():
    command = registration(adopters=[{"id_number": FATHER, "name": "李明", "married": True}])
    assert refused(command).code == "spouse_must_join"


def test_A_6_age_gap_40_for_a_single_adopter_of_the_other_sex():
    girl = person(dt.date(2016, 3, 3), "female", 17)
    command = registration(adopters=single(FATHER), child={"id_number": girl, "name": "小红"}, child_consent=True)
    assert refused(command).code == "age_gap_40"


def test_A_6_age_gap_40_includes_exactly_40_years():
    adopter = person(dt.date(1982, 2, 2), "male", 13)
    decide_registration(registration(adopters=single(adopter)), RegistrationFacts({}, SUITABLE.assessment, None),
                        NEW, REGISTRAR, TODAY)


def test_A_6_a_single_adopter_of_the_same_sex_needs_no_gap():
    decide_registration(registration(adopters=single(MOTHER, "王芳")), SUITABLE, NEW, REGISTRAR, TODAY)


def test_A_7_child_consent_required_from_8():
    command = registration(child={"id_number": OLDER_CHILD, "name": "大宝"})
    assert refused(command).code == "child_consent_required"
    decide_registration(registration(child={"id_number": OLDER_CHILD, "name": "大宝"}, child_consent=True),
                        SUITABLE, NEW, REGISTRAR, TODAY)


def test_A_8_a_step_parent_needs_the_birth_parents_consent_but_no_assessment_or_age():
    young = person(dt.date(1999, 1, 1), "male", 15)
    command = registration(adopters=[{"id_number": young, "name": "继父", "married": True},
                                     {"id_number": BIRTH_PARENT, "name": "张丽", "married": True}],
                           placing_party={"kind": "parent", "id_number": MOTHER}, relation="step_parent",
                           statement_ref=None)
    no_assessment = RegistrationFacts({}, None, None)
    assert refused(command, no_assessment).code == "birth_parent_consent_required"
    decide_registration(command.model_copy(update={"birth_parents_consent": True}), no_assessment, NEW, REGISTRAR,
                        TODAY)


def test_A_8_a_collateral_relative_needs_no_age_gap():
    decide_registration(registration(adopters=single(FATHER), relation="collateral_relative"), SUITABLE, NEW,
                        REGISTRAR, TODAY)


def test_A_10_no_assessment_is_refused():
    assert refused(registration(), RegistrationFacts({}, None, None)).code == "no_assessment"


def test_A_10_an_unsuitable_assessment_needs_a_recorded_reason():
    facts = RegistrationFacts({}, ("0b6f3a52-7c1e-4a8e-9f0d-2b7d5c3e1a90", "unsuitable"), None)
    assert refused(registration(), facts).code == "unsuitable_reason_required"
    (draft,) = decide_registration(registration(unsuitable_reason="融合期表现良好，评估后情况改变"), facts, NEW,
                                   REGISTRAR, TODAY)
    assert draft.payload["unsuitable_reason"].startswith("融合期")


def test_A_10_before_2021_no_assessment_was_needed():
    decide_registration(registration(registered_on="2020-06-01", child={"id_number": TODDLER, "name": "小宝"}),
                        RegistrationFacts({}, None, None), NEW, REGISTRAR, TODAY)


FOUNDLING = {"id_number": CHILD, "name": "小宝", "situation": "parents_unknown"}
INSTITUTION = {"kind": "institution", "institution": "渭南市儿童福利院", "institution_division": "610502"}


def notice(published_on: dt.date, claimed_on: dt.date | None = None) -> Notice:
    return Notice("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "MR-610502", CHILD, published_on,
                  published_on + dt.timedelta(days=60), claimed_on)


def test_A_11_a_foundling_needs_a_notice():
    command = registration(child=FOUNDLING, placing_party=INSTITUTION)
    assert refused(command).code == "notice_required"


def test_A_11_notice_running_for_60_days():
    command = registration(child=FOUNDLING, placing_party=INSTITUTION)
    running = dataclasses.replace(SUITABLE, notice=notice(TODAY - dt.timedelta(days=59)))
    assert refused(command, running).code == "notice_running"
    ended = dataclasses.replace(SUITABLE, notice=notice(TODAY - dt.timedelta(days=60)))
    decide_registration(command, ended, NEW, REGISTRAR, TODAY)


def test_A_11_a_claimed_foundling_is_not_adoptable():
    command = registration(child=FOUNDLING, placing_party=INSTITUTION)
    claimed = dataclasses.replace(SUITABLE, notice=notice(TODAY - dt.timedelta(days=90), TODAY - dt.timedelta(days=70)))
    assert refused(command, claimed).code == "child_not_adoptable"


def test_a_registration_in_the_future_is_refused():
    assert refused(registration(registered_on="2026-05-07")).code == "business_date_in_future"


def test_an_admin_records_no_adoption():
    assert refused(registration(), actor=Actor("admin.city", "admin")).code == "forbidden_role"


def test_A_6_before_2021_the_age_gap_bound_only_a_single_man_adopting_a_girl():
    boy, girl = person(dt.date(2015, 3, 3), "male", 21), person(dt.date(2015, 3, 3), "female", 22)
    before = {"registered_on": "2019-06-01", "child_consent": None}
    decide_registration(registration(adopters=single(MOTHER, "王芳"), child={"id_number": boy, "name": "小明"},
                                     **before), RegistrationFacts({}, None, None), NEW, REGISTRAR, TODAY)
    command = registration(adopters=single(FATHER), child={"id_number": girl, "name": "小红"}, **before)
    assert refused(command, RegistrationFacts({}, None, None)).code == "age_gap_40"
    # since 2021 a single woman adopting a boy is bound too
    later = registration(adopters=single(MOTHER, "王芳"), child={"id_number": boy, "name": "小明"}, child_consent=True)
    assert refused(later).code == "age_gap_40"
