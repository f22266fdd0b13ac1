"""A-13, A-14: what a registration tells the others — the parents by adoption (the timeline's fact, from the
contract), and a sealed adoption: adopters as parents, unmarked, the origins apart, the birth parent told only
"placed for adoption"."""

from __future__ import annotations

import datetime as dt

from services.adoption.contract import events as contract
from services.adoption.contract.commands import DissolveAdoption, RevokeAdoption
from services.adoption.contract.facts import parents_by_adoption
from services.adoption.domain.decide import decide_dissolution, decide_registration, decide_revocation
from services.adoption.domain.state import fold
from tests.unit.adoption.builders import (
    BIRTH_PARENT,
    CHILD,
    FATHER,
    MOTHER,
    NEW,
    REGISTRAR,
    SUITABLE,
    TODAY,
    registration,
)


def drafts(**changes):
    return decide_registration(registration(**changes), SUITABLE, NEW, REGISTRAR, TODAY)


def test_A_13_the_child_has_each_adopter_as_adoptive_parent_from_the_registration_date():
    parents = parents_by_adoption({CHILD}, drafts())
    assert [(p["id_number"], p["relation"], p["since"]) for p in parents] == [
        (FATHER, "adoptive", TODAY), (MOTHER, "adoptive", TODAY)]
    assert parents_by_adoption({CHILD}, drafts(), TODAY - dt.timedelta(days=1)) == []
    assert parents_by_adoption({FATHER}, drafts()) == []  # the adopter is no adoptee


def test_A_14_a_sealed_adoption_shows_the_adopters_as_parents_unmarked():
    parents = parents_by_adoption({CHILD}, drafts(sealed_at_request_of="adopters"))
    assert parents == [{"id_number": FATHER, "relation": "parent"}, {"id_number": MOTHER, "relation": "parent"}]


def test_A_14_a_sealed_registration_names_no_birth_family_the_origins_go_apart():
    registered, sealed, placed = drafts(sealed_at_request_of="both")
    assert registered.type == contract.AdoptionRegistered.TYPE
    assert BIRTH_PARENT not in {sid for sid, _ in registered.subjects}
    assert "placing_party" not in registered.payload and "situation" not in registered.payload
    assert sealed.type == contract.AdoptionSealed.TYPE and (BIRTH_PARENT, "birth_parent") in sealed.subjects
    assert sealed.payload["requested_by"] == "both"
    assert placed.type == contract.ChildPlaced.TYPE
    assert placed.subjects == ((BIRTH_PARENT, "birth_parent"),)
    assert set(placed.payload) == {"placement_id", "placed_on"}  # nothing that leads to the child
    assert placed.payload["placement_id"] != NEW.adoption_id


def test_A_14_an_institution_placing_a_sealed_adoption_has_no_placed_record():
    sealed = drafts(sealed_at_request_of="adopters", child={"id_number": CHILD, "name": "小宝", "situation": "orphan"},
                    placing_party={"kind": "institution", "institution": "渭南市儿童福利院",
                                   "institution_division": "610502"})
    assert [d.type for d in sealed] == [contract.AdoptionRegistered.TYPE, contract.AdoptionSealed.TYPE]


def registered_state(**changes):
    history = [d for d in drafts(**changes) if d.type != contract.ChildPlaced.TYPE]
    return fold(history), history


AGREED = {"by": "agreement", "dissolved_on": TODAY, "document_ref": "解除收养协议 2026-003",
          "household_division": "610502", "certificate_number": "SY610502-2026-000001"}


def test_A_16_dissolution_by_agreement_takes_back_the_certificate_and_issues_the_proof():
    adoption, history = registered_state()
    (draft,) = decide_dissolution(DissolveAdoption(**AGREED), adoption, "SJ610502-2026-000001", REGISTRAR, TODAY)
    event = contract.CATALOGUE.read(draft)
    assert event.invalidated == ("SY610502-2026-000001",)
    assert event.certificates[0].kind == "adoption_dissolution"
    assert [p["relation"] for p in parents_by_adoption({CHILD}, [*history, draft])] == ["birth"]  # revived
    assert fold([*history, draft]).status == "dissolved"


def test_A_16_a_court_dissolution_cites_its_document_and_issues_nothing():
    adoption, _ = registered_state()
    import pytest

    from shared.errors import Refusal
    with pytest.raises(Refusal) as caught:
        decide_dissolution(DissolveAdoption(by="court", dissolved_on=TODAY), adoption, None, REGISTRAR, TODAY)
    assert caught.value.code == "court_document_required"
    (draft,) = decide_dissolution(DissolveAdoption(by="court", dissolved_on=TODAY, document_ref="(2026)陕0502民初1号"),
                                  adoption, None, REGISTRAR, TODAY)
    assert draft.payload["certificates"] == []


def test_A_16_a_minor_of_8_consents_to_an_agreement():
    from tests.unit.adoption.builders import OLDER_CHILD
    adoption, _ = registered_state(child={"id_number": OLDER_CHILD, "name": "大宝"}, child_consent=True)
    import pytest

    from shared.errors import Refusal
    with pytest.raises(Refusal) as caught:
        decide_dissolution(DissolveAdoption(**AGREED), adoption, "SJ610502-2026-000001", REGISTRAR, TODAY)
    assert caught.value.code == "child_consent_required"


def test_A_16_a_dissolved_adoption_cannot_be_dissolved_again():
    adoption, history = registered_state()
    draft, = decide_dissolution(DissolveAdoption(by="court", dissolved_on=TODAY, document_ref="判决"), adoption, None,
                                REGISTRAR, TODAY)
    import pytest

    from shared.errors import Refusal
    with pytest.raises(Refusal) as caught:
        decide_dissolution(DissolveAdoption(by="court", dissolved_on=TODAY, document_ref="判决"),
                           fold([*history, draft]), None, REGISTRAR, TODAY)
    assert caught.value.code == "adoption_ended" and caught.value.status == 409


def test_A_17_a_revoked_adoption_is_void_from_the_start():
    adoption, history = registered_state()
    (draft,) = decide_revocation(RevokeAdoption(by="registry", document_ref="撤销决定 2026-001", revoked_on=TODAY,
                                                reason="以欺骗手段取得"), adoption, REGISTRAR, TODAY)
    assert fold([*history, draft]).status == "void"
    assert parents_by_adoption({CHILD}, [*history, draft], TODAY - dt.timedelta(days=0)) == []
    assert draft.payload["invalidated"] == ["SY610502-2026-000001"]
