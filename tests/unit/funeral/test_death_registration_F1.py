"""F-1 death registration: certificate, issuer, natural or unnatural, date and place; one death per person;
the date of death neither before the birth nor in the future."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.funeral.domain.events import DEATH_REGISTERED
from services.funeral.domain.registration import NewDeath, decide_registration
from tests.unit.funeral.given import (
    ADMIN,
    CEMETERY_STAFF,
    DEATH_ID,
    FUNERAL_HOME,
    OTHER_HOME_STAFF,
    PERSON,
    STAFF,
    TODAY,
    days_ago,
    refused,
    registered,
    registration_command,
)


def decide(command=None, *, actor=STAFF, already_deceased=False):
    command = command or registration_command()
    return decide_registration(command, actor, TODAY, NewDeath(DEATH_ID, already_deceased))


def test_a_death_is_registered_with_certificate_issuer_nature_date_and_place_F1():
    [event] = decide()

    assert event.type == DEATH_REGISTERED
    assert event.occurred_on == days_ago(2)
    assert event.subjects == ((PERSON, "deceased"),)
    assert event.payload == {
        "death_id": DEATH_ID, "died_on": days_ago(2).isoformat(), "place_division": "610502", "natural": True,
        "certificate_no": "F6105020001", "issuer": "渭南市中心医院", "funeral_home": FUNERAL_HOME,
        "identified": True, "police_case": None, "source": "funeral_home", "relief_case_id": None,
        "temporary_id": None, "description": None,
    }


def test_second_death_of_the_same_person_is_refused_F1():
    with refused("already_deceased", 409):
        decide(already_deceased=True)


def test_date_of_death_before_the_birth_date_is_refused_F1():
    # born 2025-06-10 (the ID number says so), "died" on 2025-06-01
    newborn = "610502202506100017"
    with refused("death_before_birth", 422):
        decide(registration_command(id_number=newborn, died_on=days_ago(15)))


def test_date_of_death_in_the_future_is_refused_F1():
    with refused("business_date_in_future", 422):
        decide(registration_command(died_on=days_ago(-1)))


def test_staff_may_record_a_death_at_most_30_days_back_F1():
    with refused("business_date_too_old", 422):
        decide(registration_command(died_on=days_ago(31)))
    assert decide(registration_command(died_on=days_ago(30)))


def test_an_admin_registers_no_death_separation_of_duties_F1():
    """Issue 12: an admin administers accounts and reference data; it records no funeral business."""
    with refused("forbidden_role", 403):
        decide(actor=ADMIN)


def test_an_invalid_id_number_is_refused_with_its_code_F1():
    for bad in ("610502199001010012", "61052219990229001X", "6105021990010100", "'; DROP TABLE x;--"):
        with refused("invalid_id_number", 422):
            decide(registration_command(id_number=bad))


def test_a_lower_case_x_is_accepted_and_stored_upper_case_F1():
    [event] = decide(registration_command(id_number="61050219900101002x"))

    assert event.subjects[0][0] == "61050219900101002X"


def test_an_unnatural_death_needs_the_certifying_police_case_F1():
    with refused("police_certification_required", 422):
        decide(registration_command(natural=False))

    [event] = decide(registration_command(natural=False, police_case="渭公刑字〔2025〕88号"))
    assert (event.payload["natural"], event.payload["police_case"]) == (False, "渭公刑字〔2025〕88号")


def test_the_place_of_death_is_a_known_division_F1():
    for bad in ("999999", "610000", "000000"):
        with refused("invalid_division", 422):
            decide(registration_command(place_division=bad))
    # a death outside Weinan (610100 西安市) is recorded too: the body may be brought home
    assert decide(registration_command(place_division="610102"))


def test_staff_register_deaths_only_for_their_own_funeral_home():
    with refused("forbidden_place", 403):
        decide(actor=OTHER_HOME_STAFF)
    with refused("forbidden_place", 403):
        decide(actor=CEMETERY_STAFF)


def test_the_funeral_home_must_be_a_funeral_home_code():
    with pytest.raises(ValidationError):  # the contract refuses it first
        registration_command(funeral_home="MR-610502")
    command = registration_command().model_copy(update={"funeral_home": "MR-610502"})
    with refused("invalid_place", 422):  # and the rule still guards a command built without the contract
        decide(command)


def test_exactly_one_of_id_number_and_unidentified_is_given_F1():
    with pytest.raises(ValidationError):
        registration_command(id_number=None)
    with pytest.raises(ValidationError):
        registration_command(unidentified={"police_case": "x"})


def test_the_registration_folds_into_a_record_of_the_person():
    from tests.unit.funeral.given import record

    death = record(registered())

    assert (death.subject_id, death.identified, death.version, death.died_on) == (PERSON, True, 1, days_ago(2))
