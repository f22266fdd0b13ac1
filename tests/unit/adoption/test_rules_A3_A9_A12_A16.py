"""A-3 (parents place jointly, the dead parent's parents' priority, the orphan's supporters' consent), A-9 (the
documents as references), A-12 (applications decided within 30 days, a notice's days not counted) and A-16
(dissolution at the household-registration registry, the birth relations reviving): pure, no I/O."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from services.adoption.contract import events as contract
from services.adoption.contract.commands import DissolveAdoption, ReceiveApplication, RefuseApplication
from services.adoption.contract.facts import parents_by_adoption
from services.adoption.domain import rules
from services.adoption.domain.decide import (
    decide_application,
    decide_application_refusal,
    decide_dissolution,
    decide_registration,
)
from services.adoption.domain.state import fold
from shared.actor import Actor
from shared.errors import Refusal
from tests.unit.adoption.builders import (
    BIRTH_PARENT,
    CHILD,
    FATHER,
    MOTHER,
    NEW,
    REGISTRAR,
    SUITABLE,
    TODAY,
    person,
    registration,
)

OTHER_PARENT = person(dt.date(1994, 4, 4), "male", 11)
PROOF = "SJ610502-2026-000001"
AGREED = {"by": "agreement", "dissolved_on": TODAY, "document_ref": "解除收养协议 2026-003",
          "household_division": "610502", "certificate_number": "SY610502-2026-000001"}
COUNTY_REGISTRAR = Actor("adoption-registrar.MR-610528", "adoption_registrar", "MR-610528")


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call(*args, **kwargs)
    return caught.value


def register(facts=SUITABLE, **changes):
    return decide_registration(registration(**changes), facts, NEW, REGISTRAR, TODAY)


def placed_by(**placing) -> dict:
    return {"kind": "parent", "id_number": BIRTH_PARENT, "name": "张丽", **placing}


def registered(**changes):
    history = [d for d in register(**changes) if d.type != contract.ChildPlaced.TYPE]
    return fold(history), history


# -- A-3 ----------------------------------------------------------------------------------------------------------
def test_A_3_birth_parents_place_jointly_or_say_why_the_other_cannot():
    assert refused(register, placing_party=placed_by()).code == "other_parent_required"
    assert refused(register, placing_party=placed_by(other_parent="joins")).code == "placing_party_incomplete"
    assert refused(register, placing_party=placed_by(other_parent="joins", other_parent_id_number=BIRTH_PARENT)
                   ).code == "placing_party_incomplete"
    (draft,) = register(placing_party=placed_by(other_parent="joins", other_parent_id_number=OTHER_PARENT))
    assert {(OTHER_PARENT, "birth_parent"), (BIRTH_PARENT, "birth_parent")} <= set(draft.subjects)
    assert draft.payload["placing_party"]["other_parent_id_number"] == OTHER_PARENT
    for cannot in ("unknown", "untraceable"):
        assert register(placing_party=placed_by(other_parent=cannot))


def test_A_3_the_other_parent_who_joins_cannot_adopt():
    placing = placed_by(id_number=BIRTH_PARENT, other_parent="joins", other_parent_id_number=FATHER)
    assert refused(register, placing_party=placing).code == "adopter_is_placing_party"


def test_A_3_a_widowed_parent_placing_needs_the_dead_parents_parents_answer_1108():
    widowed = placed_by(other_parent="deceased")
    assert refused(register, placing_party=widowed).code == "grandparents_priority_unrecorded"
    exercised = {**widowed, "grandparents_priority": {"outcome": "exercised"}}
    assert refused(register, placing_party=exercised).code == "grandparents_raise_child"
    waived = {**widowed, "grandparents_priority": {"outcome": "waived", "document_ref": "放弃优先抚养声明 2026-2"}}
    (draft,) = register(placing_party=waived)
    assert draft.payload["placing_party"]["grandparents_priority"] == {"outcome": "waived",
                                                                       "document_ref": "放弃优先抚养声明 2026-2"}


def test_A_3_a_guardian_places_an_orphan_only_with_the_supporters_consent_1096():
    orphan = {"id_number": CHILD, "name": "小宝", "situation": "orphan"}
    guardian = {"kind": "guardian", "id_number": BIRTH_PARENT, "name": "王大爷"}
    assert refused(register, child=orphan, placing_party={**guardian, "support_consent": False}
                   ).code == "support_consent_required"
    (draft,) = register(child=orphan, placing_party={**guardian, "support_consent": True})
    assert draft.payload["placing_party"]["support_consent"] is True


# -- A-9 ----------------------------------------------------------------------------------------------------------
def test_A_9_documents_are_references_carried_on_the_registration():
    assert refused(register, statement_ref=None).code == "statement_required"
    widowed = placed_by(other_parent="deceased", grandparents_priority={"outcome": "none_living",
                                                                        "document_ref": "死亡证明 2019-88"})
    (draft,) = register(placing_party=widowed)
    assert draft.payload["statement_ref"] == "声明 2026-017"
    assert draft.payload["assessment_id"] == SUITABLE.assessment[0]
    assert draft.payload["placing_party"]["grandparents_priority"]["document_ref"] == "死亡证明 2019-88"


def test_A_9_the_documents_the_case_needs_that_are_not_cited_are_a_warning():
    from services.adoption.domain.decide import registration_warnings

    bare = registration(placing_party=placed_by(other_parent="unknown"))
    (warning,) = registration_warnings(bare)
    assert warning["code"] == "documents_missing" and warning["kinds"] == ["health_certificate", "difficulty_proof"]
    cited = [{"kind": kind, "issuer": "渭南市中心医院", "number": f"{kind}-1", "issued_on": "2026-04-01"}
             for kind in ("health_certificate", "difficulty_proof")]
    complete = registration(placing_party=placed_by(other_parent="unknown"), documents=cited)
    assert registration_warnings(complete) == []
    (draft,) = register(placing_party=placed_by(other_parent="unknown"), documents=cited)
    assert [d["kind"] for d in draft.payload["documents"]] == ["health_certificate", "difficulty_proof"]
    assert rules.documents_missing_A9([], "parents_unknown", True, "institution", "none") == [
        "health_certificate", "finding_report", "intake_record", "disability_proof"]
    assert rules.documents_missing_A9(["declaration_judgment"], "orphan", False, "guardian", "none") == [
        "health_certificate"]  # a parent declared dead (§6) proves the orphan
    assert rules.documents_missing_A9([], "parents_in_difficulty", False, "parent", "step_parent") == []
    assert rules.documents_missing_A9([], "parents_in_difficulty", False, "parent", "collateral_relative") == [
        "health_certificate", "kinship_proof"]


# -- A-12 ---------------------------------------------------------------------------------------------------------
def test_A_12_due_on_the_30th_day_counted_from_the_day_after_receipt():
    assert rules.decision_due_A12(dt.date(2026, 3, 1), []) == dt.date(2026, 3, 31)
    assert rules.decision_due_A12(dt.date(2026, 1, 31), []) == dt.date(2026, 3, 2)


def test_A_12_a_running_foundling_notice_is_not_counted_A11():
    notice = rules.notice_periods_A11([(dt.date(2026, 3, 10), None)])
    assert notice == [(dt.date(2026, 3, 10), dt.date(2026, 5, 9))]
    assert rules.decision_due_A12(dt.date(2026, 3, 1), notice) == dt.date(2026, 3, 31) + dt.timedelta(days=60)
    before = rules.notice_periods_A11([(dt.date(2026, 1, 1), None)])  # ran out before the receipt
    assert rules.decision_due_A12(dt.date(2026, 3, 20), before) == dt.date(2026, 4, 19)
    claimed = rules.notice_periods_A11([(dt.date(2026, 3, 10), dt.date(2026, 3, 20))])  # a claim ends it
    assert rules.decision_due_A12(dt.date(2026, 3, 1), claimed) == dt.date(2026, 4, 10)


def application(**changes) -> ReceiveApplication:
    return ReceiveApplication.model_validate({
        "office": "MR-610502", "child": {"id_number": CHILD, "name": "小宝"},
        "adopters": [{"id_number": FATHER, "name": "李明"}, {"id_number": MOTHER, "name": "王芳"}],
        "received_on": "2026-04-01", **changes})


def test_A_12_an_application_is_received_at_the_registrars_office():
    (draft,) = decide_application(application(), "a1b2c3d4-0000-4000-8000-000000000001", None, REGISTRAR, TODAY)
    assert draft.payload["received_on"] == "2026-04-01" and draft.payload["kind"] == "registration"
    assert refused(decide_application, application(), "x", None, COUNTY_REGISTRAR, TODAY).code == "forbidden_place"
    assert refused(decide_application, application(received_on="2026-06-01"), "x", None, REGISTRAR, TODAY
                   ).code == "business_date_in_future"
    adoption, _ = registered()
    other_child = application(kind="dissolution", child={"id_number": FATHER, "name": "李明"},
                              adoption_id=adoption.adoption_id)
    assert refused(decide_application, other_child, "x", adoption, REGISTRAR, TODAY).code == "application_mismatch"
    (dissolving,) = decide_application(application(kind="dissolution", adoption_id=adoption.adoption_id), "x",
                                       adoption, REGISTRAR, TODAY)
    assert dissolving.payload["adoption_id"] == adoption.adoption_id


def test_A_12_a_registration_decides_the_application_it_names():
    open_one = {"kind": "registration", "office": "MR-610502", "child_id_number": CHILD, "decided": False}
    facts = dataclasses.replace(SUITABLE, application=open_one)
    (draft,) = register(facts, application_id="a1b2c3d4-0000-4000-8000-000000000001")
    assert draft.payload["application_id"] == "a1b2c3d4-0000-4000-8000-000000000001"
    decided = dataclasses.replace(SUITABLE, application={**open_one, "decided": True})
    assert refused(register, decided).status == 409
    for other in ({"kind": "dissolution"}, {"office": "MR-610528"}, {"child_id_number": FATHER}):
        assert refused(register, dataclasses.replace(SUITABLE, application={**open_one, **other})
                       ).code == "application_mismatch"


def test_A_12_a_refusal_names_the_rules_codes_only_once():
    (received,) = decide_application(application(), "a1b2c3d4-0000-4000-8000-000000000001", None, REGISTRAR, TODAY)
    event = contract.CATALOGUE.read(received)
    refusal = RefuseApplication(codes=["adopter_under_30", "no_assessment"], reason="收养人未满三十周岁",
                                refused_on=TODAY)
    (draft,) = decide_application_refusal(refusal, event, False, REGISTRAR, TODAY)
    assert draft.payload["codes"] == ["adopter_under_30", "no_assessment"]
    assert refused(decide_application_refusal, refusal, event, True, REGISTRAR, TODAY).status == 409
    wrong = RefuseApplication(codes=["already_married"], reason="不符合条件", refused_on=TODAY)
    assert refused(decide_application_refusal, wrong, event, False, REGISTRAR, TODAY).code == "unknown_refusal_code"
    early = RefuseApplication(codes=["no_assessment"], reason="无评估", refused_on=dt.date(2026, 3, 1))
    assert refused(decide_application_refusal, early, event, False, REGISTRAR, TODAY
                   ).code == "date_before_registration"


# -- A-16 ---------------------------------------------------------------------------------------------------------
def dissolve(adoption, actor=REGISTRAR, proof=PROOF, **body):
    return decide_dissolution(DissolveAdoption.model_validate({**AGREED, **body}), adoption, proof, actor, TODAY)


def test_A_16_by_agreement_at_the_adoptees_household_registration_registry():
    adoption, _ = registered()
    assert refused(dissolve, adoption, household_division=None).code == "household_division_required"
    assert refused(dissolve, adoption, household_division="610528").code == "not_in_jurisdiction"
    # the registering office's registrar cannot act for the household office
    assert refused(dissolve, adoption, office="MR-610528", household_division="610528").code == "forbidden_place"
    (draft,) = dissolve(adoption, COUNTY_REGISTRAR, "SJ610528-2026-000001", office="MR-610528",
                        household_division="610528")
    assert draft.payload["office"] == "MR-610528" and draft.payload["household_division"] == "610528"
    # a court's dissolution is recorded from the judgment, wherever the registry (as M-9)
    (court,) = dissolve(adoption, COUNTY_REGISTRAR, None, by="court", office="MR-610528",
                        document_ref="(2026)陕0528民初7号", household_division=None, certificate_number=None)
    assert "household_division" not in court.payload and court.payload["certificates"] == []


def test_A_16_by_agreement_in_person_with_the_agreement_and_the_certificate_taken_back():
    adoption, _ = registered()
    assert refused(dissolve, adoption, document_ref=None).code == "agreement_required"
    assert refused(dissolve, adoption, certificate_number=None).code == "certificate_mismatch"
    assert refused(dissolve, adoption, certificate_number="SY610502-2026-000009").code == "certificate_mismatch"


def test_A_16_a_minors_birth_relations_revive_by_law_and_the_timeline_shows_them():
    adoption, history = registered()
    assert refused(dissolve, adoption, birth_relations_restored=False).code == "birth_relations_revive"
    (draft,) = dissolve(adoption)
    assert draft.payload["adoptee_minor"] is True and draft.payload["birth_relations_revived"] is True
    assert (BIRTH_PARENT, "birth_parent") in draft.subjects
    assert parents_by_adoption({CHILD}, [*history, draft]) == [
        {"id_number": BIRTH_PARENT, "relation": "birth", "since": TODAY, "revived_by": adoption.adoption_id}]
    # a later adoption ends them again
    again = [d for d in decide_registration(registration(), SUITABLE, dataclasses.replace(
        NEW, adoption_id="6d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"), REGISTRAR, TODAY)]
    assert [p["relation"] for p in parents_by_adoption({CHILD}, [*history, draft, *again])] == ["adoptive"] * 2


def test_A_16_an_adults_birth_relations_revive_only_as_agreed_1117():
    teen = person(dt.date(2006, 1, 1), "female", 13)
    adoption, history = registered(child={"id_number": teen, "name": "小红"}, child_consent=True,
                                   registered_on="2021-06-01")
    assert refused(dissolve, adoption).code == "birth_relations_agreement_required"
    (kept_apart,) = dissolve(adoption, birth_relations_restored=False)
    assert kept_apart.payload["adoptee_minor"] is False and kept_apart.payload["birth_relations_revived"] is False
    assert kept_apart.payload["birth_parents"] == []
    assert parents_by_adoption({teen}, [*history, kept_apart]) == []
    (restored,) = dissolve(adoption, birth_relations_restored=True)
    assert [p["id_number"] for p in parents_by_adoption({teen}, [*history, restored])] == [BIRTH_PARENT]


def test_A_16_a_sealed_adoptions_dissolution_names_only_the_birth_parents_the_registrar_names_A14():
    adoption, history = registered(sealed_at_request_of="both")
    (silent,) = dissolve(adoption)
    assert silent.payload["birth_parents"] == [] and silent.payload["birth_relations_revived"] is True
    assert BIRTH_PARENT not in str(silent.payload) and (BIRTH_PARENT, "birth_parent") not in silent.subjects
    (named,) = dissolve(adoption, birth_parents=[{"id_number": BIRTH_PARENT, "name": "张丽"}])
    assert (BIRTH_PARENT, "birth_parent") in named.subjects
