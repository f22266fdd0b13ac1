"""A-1 jurisdiction (办法 4), pure: the registry office of one county registers an adoption, decided from the
command's facts: a child in an institution's care at the institution's county, another foundling where it was
found, otherwise at the placing parent's or guardian's household registration (the ID number's address code
when not stated, as marriage's M-6); no 通办. Applications (A-12) and dissolutions by agreement (A-16) follow."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from services.adoption.contract.commands import ReceiveApplication
from services.adoption.domain.decide import decide_application, decide_registration
from services.adoption.domain.rules import check_household_office_A16
from services.adoption.domain.state import Notice
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference.divisions import weinan_counties
from tests.support.synthetic_ids import id_number_of
from tests.unit.adoption.builders import CHILD, FATHER, MOTHER, NEW, SUITABLE, TODAY, person, registration

PUCHENG = "610428"  # a county of another city (Xianyang): no registry of Weinan has jurisdiction


def registrar(office: str) -> Actor:
    return Actor(f"adoption-registrar.{office}", "adoption_registrar", office)


def at(office: str, **changes):
    return decide_registration(registration(office=office, **changes), SUITABLE, NEW, registrar(office), TODAY)


def refused_at(office: str, **changes) -> Refusal:
    with pytest.raises(Refusal) as caught:
        at(office, **changes)
    return caught.value


def parent(id_number: str, **more) -> dict:
    return {"kind": "parent", "id_number": id_number, "name": "张丽", "other_parent": "untraceable", **more}


def test_a1_a_parent_places_at_its_household_registration_stated():
    placing = parent(person(dt.date(1995, 6, 1), "female", 3), household_division="610528")

    refusal = refused_at("MR-610502", placing_party=placing)

    assert (refusal.code, refusal.status, refusal.errors[0]["loc"]) == ("not_in_jurisdiction", 422, ["body", "office"])
    assert "MR-610528" in refusal.detail
    [registered] = at("MR-610528", placing_party=placing)
    assert registered.payload["office"] == "MR-610528"


def test_a1_without_a_stated_household_the_id_numbers_address_code_decides_as_marriage_m6():
    heyang = id_number_of(dt.date(1995, 6, 1), division="610527", sequence=3, sex="female")

    assert refused_at("MR-610502", placing_party=parent(heyang)).code == "not_in_jurisdiction"
    at("MR-610527", placing_party=parent(heyang))
    # the 户口簿 stated wins over the birth place the number carries
    at("MR-610502", placing_party=parent(heyang, household_division="610502"))


def test_a1_no_citywide_handling_only_the_one_countys_office_registers():
    placing = parent(person(dt.date(1995, 6, 1), "female", 3), household_division="610528")
    offices = [f"MR-{county.code}" for county in weinan_counties(TODAY)]

    registering = [office for office in offices if _registers(office, placing)]

    assert registering == ["MR-610528"]


def _registers(office: str, placing: dict) -> bool:
    try:
        at(office, placing_party=placing)
    except Refusal as refusal:
        assert refusal.code == "not_in_jurisdiction"
        return False
    return True


def test_a1_a_household_outside_the_city_has_no_registry_here():
    placing = parent(person(dt.date(1995, 6, 1), "female", 3), household_division=PUCHENG)
    assert not any(_registers(f"MR-{county.code}", placing) for county in weinan_counties(TODAY))


def test_a1_an_abolished_household_code_counts_as_its_present_county():
    hua_county = parent(person(dt.date(1995, 6, 1), "female", 3), household_division="610521")  # 华县 → 华州区
    at("MR-610503", placing_party=hua_county)
    assert refused_at("MR-610502", placing_party=hua_county).code == "not_in_jurisdiction"


def test_a1_an_institution_child_at_the_institutions_county_which_must_be_stated():
    orphan = {"id_number": CHILD, "name": "小宝", "situation": "orphan"}
    institution = {"kind": "institution", "institution": "合阳县儿童福利院", "institution_division": "610524"}

    assert refused_at("MR-610502", child=orphan, placing_party=institution).code == "not_in_jurisdiction"
    at("MR-610524", child=orphan, placing_party=institution)
    unstated = refused_at("MR-610502", child=orphan, placing_party={**institution, "institution_division": None})
    assert (unstated.code, unstated.errors[0]["loc"]) == (
        "jurisdiction_place_required", ["body", "placing_party", "institution_division"])


def test_a1_a_foundling_placed_by_a_guardian_where_it_was_found_not_where_the_guardian_lives():
    foundling = {"id_number": CHILD, "name": "小宝", "situation": "parents_unknown", "found_division": "610528"}
    guardian = {"kind": "guardian", "id_number": person(dt.date(1970, 1, 1), "male", 9)}  # household 610502
    ended = Notice("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "MR-610528", CHILD, TODAY - dt.timedelta(days=90),
                   TODAY - dt.timedelta(days=30), None)
    facts = dataclasses.replace(SUITABLE, notice=ended)

    assert refused_at("MR-610502", child=foundling, placing_party=guardian).code == "not_in_jurisdiction"
    decide_registration(registration(office="MR-610528", child=foundling, placing_party=guardian), facts, NEW,
                        registrar("MR-610528"), TODAY)
    unstated = refused_at("MR-610502", child={**foundling, "found_division": None}, placing_party=guardian)
    assert (unstated.code, unstated.errors[0]["loc"]) == ("jurisdiction_place_required",
                                                         ["body", "child", "found_division"])


def test_a1_a_foundling_in_an_institutions_care_at_the_institutions_county():
    foundling = {"id_number": CHILD, "name": "小宝", "situation": "parents_unknown", "found_division": "610528"}
    institution = {"kind": "institution", "institution": "渭南市儿童福利院", "institution_division": "610502"}
    assert refused_at("MR-610528", child=foundling, placing_party=institution).code == "not_in_jurisdiction"


@pytest.mark.parametrize(("unknown", "where"), [
    ("610599", "a code no county ever had"),
    ("610500", "the city itself, not a county"),
    ("000000", "no division at all"),
])
def test_a1_a_stated_division_that_is_no_known_county_is_refused_invalid_at_its_field_not_out_of_jurisdiction(
        unknown, where):
    orphan = {"id_number": CHILD, "name": "小宝", "situation": "orphan"}
    foundling = {"id_number": CHILD, "name": "小宝", "situation": "parents_unknown", "found_division": unknown}
    cases = {
        ("placing_party", "household_division"): {
            "placing_party": parent(person(dt.date(1995, 6, 1), "female", 3), household_division=unknown)},
        ("placing_party", "institution_division"): {
            "child": orphan,
            "placing_party": {"kind": "institution", "institution": "福利院", "institution_division": unknown}},
        ("child", "found_division"): {
            "child": foundling,
            "placing_party": {"kind": "guardian", "id_number": person(dt.date(1970, 1, 1), "male", 9)}},
    }
    for field, changes in cases.items():
        refusal = refused_at("MR-610502", **changes)
        assert (refusal.code, refusal.status, refusal.errors[0]["loc"]) == (
            "invalid_division", 422, ["body", *field]), where


def test_a1_a16_an_unknown_household_division_of_a_dissolution_is_invalid_not_out_of_jurisdiction():
    with pytest.raises(Refusal) as caught:
        check_household_office_A16("agreement", "MR-610502", "610599")
    assert (caught.value.code, caught.value.errors[0]["loc"]) == ("invalid_division", ["body", "household_division"])


def test_a1_a_step_parents_adoption_at_the_birth_parents_household():
    spouse = person(dt.date(1985, 6, 1), "female", 11)
    step = {"relation": "step_parent", "birth_parents_consent": True, "statement_ref": None,
            "adopters": [{"id_number": FATHER, "name": "继父", "married": True},
                         {"id_number": spouse, "name": "张丽", "married": True}]}
    birth_parent = {"kind": "parent", "id_number": MOTHER, "household_division": "610528"}  # the one who places

    assert refused_at("MR-610502", placing_party=birth_parent, **step).code == "not_in_jurisdiction"
    at("MR-610528", placing_party=birth_parent, **step)


def test_a1_jurisdiction_is_judged_after_the_registrars_own_office():
    placing = parent(person(dt.date(1995, 6, 1), "female", 3), household_division="610528")
    with pytest.raises(Refusal) as caught:
        decide_registration(registration(office="MR-610528", placing_party=placing), SUITABLE, NEW,
                            registrar("MR-610502"), TODAY)
    assert (caught.value.code, caught.value.status) == ("forbidden_place", 403)


def application(**changes) -> ReceiveApplication:
    return ReceiveApplication.model_validate({
        "office": "MR-610502", "child": {"id_number": CHILD, "name": "小宝"},
        "adopters": [{"id_number": FATHER, "name": "李明"}, {"id_number": MOTHER, "name": "王芳"}],
        "received_on": TODAY.isoformat(), **changes})


def test_a1_an_application_stating_its_placing_party_is_received_only_by_the_registry_with_jurisdiction():
    elsewhere = parent(person(dt.date(1995, 6, 1), "female", 3), household_division="610528")
    with pytest.raises(Refusal) as caught:
        decide_application(application(placing_party=elsewhere), "app-1", None, registrar("MR-610502"), TODAY)
    assert caught.value.code == "not_in_jurisdiction"
    [received] = decide_application(application(office="MR-610528", placing_party=elsewhere), "app-1", None,
                                    registrar("MR-610528"), TODAY)
    assert received.payload["office"] == "MR-610528"
    # one that does not state it is received, and its registration is judged (A-12 names the same office)
    decide_application(application(), "app-2", None, registrar("MR-610502"), TODAY)


def test_a1_a_dissolution_application_stating_the_household_at_the_adoptees_registry_a16():
    with pytest.raises(Refusal) as caught:
        decide_application(application(kind="dissolution", household_division="610528"), "app-3", None,
                           registrar("MR-610502"), TODAY)
    assert caught.value.code == "not_in_jurisdiction"


def test_a1_a16_a_dissolution_by_agreement_reads_an_abolished_household_code_as_its_present_county():
    check_household_office_A16("agreement", "MR-610503", "610521")  # 华县 → 华州区
    with pytest.raises(Refusal) as caught:
        check_household_office_A16("agreement", "MR-610502", "610521")
    assert caught.value.code == "not_in_jurisdiction"
