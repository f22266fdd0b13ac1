"""A registrar's late registration on the real PostgreSQL: any past business date, judged by the rules of that
date (M-1 ages, M-6 phase), and M-3 judged over time — a marriage in force on that date, or begun after it,
would overlap (already_married, written as a refusal record only). Divorce applications follow M-6 too."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

from tests.integration.marriage.conftest import CLERK, REGISTRAR
from tests.integration.marriage.helpers import counts, events_of, refusal_of, registration
from tests.support.synthetic_ids import id_number_of

pytestmark = pytest.mark.integration


def born(year: int, sex: str) -> str:
    return id_number_of(dt.date(year, 1 + secrets.randbelow(12), 1 + secrets.randbelow(28)),
                        sequence=secrets.randbelow(400), sex=sex)


def test_M6_a_registrar_registers_a_marriage_of_1996_judged_by_that_dates_rules(marriage, store, admin_db):
    man, woman = born(1968, "male"), born(1970, "female")
    result = marriage.register_marriage(registration(man, woman, registered_on="1996-05-20"), REGISTRAR, "late-1")
    [event] = store.read_stream(f"marriage-{result['registration_id']}")
    assert (event.occurred_on, event.payload["jurisdiction"], event.metadata.actor) == (
        dt.date(1996, 5, 20), "household_county", "registrar.city")
    assert result["certificates"][0]["number"].startswith("J610502-1996-")  # K-4: the sequence of its year
    assert marriage.person_status(man, "1997-01-01")["marital_status"] == "married"
    assert marriage.person_status(man, "1996-05-19")["marital_status"] == "unmarried"


def test_M3_a_late_registration_overlapping_a_later_marriage_is_refused_and_only_the_refusal_is_written(
        marriage, admin_db):
    man, woman, other = born(1965, "male"), born(1966, "female"), born(1967, "female")
    marriage.register_marriage(registration(man, woman, registered_on="2001-03-03"), REGISTRAR, "late-2")
    before = counts(admin_db)
    refused = refusal_of(lambda: marriage.register_marriage(
        registration(man, other, registered_on="1995-09-09"), REGISTRAR, "late-3"))
    assert (refused.code, refused.status) == ("already_married", 409)
    after = counts(admin_db)
    assert {k: after[k] - before[k] for k in after} == {"events": 1, "marriages": 0, "current_marriages": 0,
                                                        "certificates": 0, "refusals": 1, "divorces": 0}
    assert events_of(admin_db, "marriage.RegistrationRefused", other) == 1


def test_M1_a_clerk_may_not_register_that_far_back(marriage):
    man, woman = born(1968, "male"), born(1970, "female")
    refused = refusal_of(lambda: marriage.register_marriage(registration(man, woman, registered_on="1996-05-20"),
                                                            CLERK, "late-4"))
    assert refused.code == "business_date_too_old"


def test_M6_a_divorce_application_at_an_office_the_phase_of_its_date_excludes_is_refused(marriage, clock):
    man, woman = born(1975, "male"), born(1976, "female")
    married = marriage.register_marriage(registration(man, woman, registered_on="2010-10-10"), REGISTRAR, "late-5")
    clock.today = dt.date(2020, 6, 1)
    body = {"office": "MR-610528", "registration_id": married["registration_id"], "applied_on": "2020-06-01",
            "agreement": {"children": "none", "property": "split", "debts": "none"}}
    refused = refusal_of(lambda: marriage.apply_for_divorce(body, REGISTRAR, "late-6"))
    assert (refused.code, refused.status) == ("not_in_jurisdiction", 422)
