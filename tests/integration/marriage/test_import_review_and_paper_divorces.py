"""M-12 on the real PostgreSQL: a paper record below the minimum ages of its date is imported with a review flag
and listed in the batch's answer, never refused; a paper divorce is imported with its marriage, which is then
not in force — the person may marry again — and a re-run writes nothing twice."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from shared.errors import Refusal
from tests.integration.marriage.conftest import CLERK, REGISTRAR
from tests.integration.marriage.helpers import counts, registration, reviews
from tests.support.synthetic_ids import id_number_of

pytestmark = pytest.mark.integration


def person(born: dt.date, sex: str) -> str:
    return id_number_of(born, sequence=uuid.uuid4().int % 400, sex=sex)


def paper(ref: str, husband: str, wife: str, on: str, **changes) -> dict:
    tag = uuid.uuid4().hex[:8]
    return {"record_ref": ref, "registered_on": on, "office": "MR-610502", "husband_id_number": husband,
            "husband_name": "王大明", "husband_certificate": f"P{tag}-1", "wife_id_number": wife,
            "wife_name": "李大红", "wife_certificate": f"P{tag}-2", **changes}


def test_M12_a_record_below_the_ages_of_its_date_is_imported_flagged_and_listed(marriage, store):
    husband, wife = person(dt.date(1960, 1, 1), "male"), person(dt.date(1968, 9, 1), "female")  # she is 17
    result = marriage.import_historical_records([paper("Y", husband, wife, "1986-05-05")], REGISTRAR)
    assert (result["imported"], result["flagged"]) == (1, 1)
    [listed] = result["review"]
    assert (listed["record_ref"], listed["review"]) == ("Y", ["below_legal_age"])
    [event] = store.read_stream(f"marriage-{listed['registration_id']}")
    assert event.payload["review"] == ["below_legal_age"]
    assert marriage.person_status(wife)["marital_status"] == "married"

    item = reviews(marriage)[listed["registration_id"]]  # the registrar's review list, page by page
    assert (item["review"], item["imported"], item["status"], item["parties"][1]["id_number"]) == (
        ["below_legal_age"], True, "married", wife)
    assert marriage.registration(listed["registration_id"])["flags"] == ["below_legal_age"]
    with pytest.raises(Refusal):
        marriage.import_reviews(0)


def test_M12_a_paper_divorce_ends_the_imported_marriage_and_frees_the_person(marriage, store, admin_db):
    husband, wife = person(dt.date(1955, 3, 3), "male"), person(dt.date(1957, 4, 4), "female")
    records = [paper("D", husband, wife, "1980-06-06", divorced_on="1990-01-02", divorce_ref="渭离-1990-1")]
    result = marriage.import_historical_records(records, REGISTRAR)
    registration_id = result["results"][0]["registration_id"]
    assert [e.type for e in store.read_stream(f"marriage-{registration_id}")] == [
        "marriage.MarriageRegistered", "marriage.DivorceRegistered"]
    assert marriage.registration(registration_id)["status"] == "divorced"
    assert marriage.person_status(wife, "1985-01-01")["marital_status"] == "married"
    assert marriage.person_status(wife)["marital_status"] == "divorced"

    before = counts(admin_db)
    assert marriage.import_historical_records(records, REGISTRAR)["already_imported"] == 1
    assert counts(admin_db) == before  # written once

    again = marriage.register_marriage(registration(husband, person(dt.date(1960, 5, 5), "female")), CLERK, None)
    assert again["registration_id"]
