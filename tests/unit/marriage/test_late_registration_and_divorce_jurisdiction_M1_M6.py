"""A registrar's late registration (api.md: registrars record business dates without limit), judged by the rules
of its own date — the ages of the 1950 Marriage Law before 1981 (M-1), the jurisdiction phase of that day
(M-6) — and divorce applications judged by the same dated jurisdiction phases as registrations (M-6)."""

from __future__ import annotations

import datetime as dt

from services.marriage.contract.commands import ApplyForDivorce
from services.marriage.domain import divorce
from services.marriage.domain.registration import prepare
from shared.actor import Actor
from tests.unit.marriage.given import (
    CLERK,
    REGISTRAR,
    TODAY,
    fold,
    person,
    register,
    registration_command,
)
from tests.unit.marriage.test_registration_M1_to_M6 import reasons_of, refusal_of

AGREEMENT = {"children": "none", "property": "split equally", "debts": "none"}
ADMIN = Actor("admin.city", "admin")


def test_M6_a_registrar_records_a_registration_of_any_past_date_judged_by_its_phase():
    man, woman = person(dt.date(1970, 3, 1), "male"), person(dt.date(1972, 4, 1), "female")
    [event] = register(man, woman, actor=REGISTRAR, registered_on=dt.date(1996, 5, 20))
    assert (event.occurred_on, event.payload["jurisdiction"]) == (dt.date(1996, 5, 20), "household_county")


def test_M6_a_late_registration_at_an_office_outside_the_household_counties_of_its_date_is_refused():
    man, woman = person(dt.date(1970, 3, 1), "male"), person(dt.date(1972, 4, 1), "female")
    assert reasons_of(lambda: register(man, woman, actor=REGISTRAR, office="MR-610528",
                                       registered_on=dt.date(1996, 5, 20))) == ["not_in_jurisdiction"]
    # the same office is fine once nationwide handling holds
    assert register(man, woman, actor=REGISTRAR, office="MR-610528", registered_on=dt.date(2025, 6, 1))


def test_M1_before_1981_the_1950_ages_apply_man_20_woman_18():
    man, woman = person(dt.date(1959, 6, 1), "male"), person(dt.date(1961, 6, 1), "female")
    on = dt.date(1980, 12, 31)  # he is 21, she is 19: of age under the 1950 law, not under the 1980 one
    assert register(man, woman, actor=REGISTRAR, registered_on=on)
    assert reasons_of(lambda: register(man, woman, actor=REGISTRAR, registered_on=dt.date(1981, 1, 2))) == [
        "below_legal_age"]
    young = person(dt.date(1963, 2, 1), "female")  # 17 on the day
    assert reasons_of(lambda: register(man, young, actor=REGISTRAR, registered_on=on)) == ["below_legal_age"]


def test_M1_a_clerk_still_records_at_most_30_days_back_and_an_admin_records_no_registration():
    assert refusal_of(lambda: register(actor=CLERK, registered_on=TODAY - dt.timedelta(days=31))).code == (
        "business_date_too_old")
    assert refusal_of(lambda: prepare(registration_command(registered_on=TODAY), ADMIN, TODAY)).code == (
        "forbidden_role")


def test_M1_nobody_registers_a_date_in_the_future():
    refused = refusal_of(lambda: register(actor=REGISTRAR, registered_on=TODAY + dt.timedelta(days=1)))
    assert refused.code == "business_date_in_future"


def _marriage_of(household_county: str, registered_on: dt.date):
    man = person(dt.date(1980, 3, 1), "male", division=household_county)
    woman = person(dt.date(1982, 4, 1), "female", division=household_county)
    return fold(register(man, woman, actor=REGISTRAR, office=f"MR-{household_county}", registered_on=registered_on))


def _apply(marriage, office: str, on: dt.date):
    command = ApplyForDivorce(office=office, registration_id=marriage.registration_id, agreement=AGREEMENT,
                              applied_on=on)
    return divorce.decide_application(marriage, command, REGISTRAR, TODAY, "d-1", None)


def test_M6_a_divorce_application_is_judged_by_the_jurisdiction_phase_of_its_date():
    marriage = _marriage_of("610502", dt.date(2015, 5, 1))
    # 2020: only the office of a household county handles it
    assert _apply(marriage, "MR-610502", dt.date(2020, 3, 2))
    refused = refusal_of(lambda: _apply(marriage, "MR-610528", dt.date(2020, 3, 2)))
    assert (refused.code, refused.status, refused.errors[0]["loc"]) == ("not_in_jurisdiction", 422,
                                                                        ["body", "office"])
    # from 2025-05-10 nationwide handling: any office
    assert _apply(marriage, "MR-610528", dt.date(2025, 6, 3))
