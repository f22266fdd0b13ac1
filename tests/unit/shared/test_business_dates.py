"""Business dates (api.md "Conventions"): never in the future, at most 30 days back for staff."""

import datetime as dt

import pytest

from shared.business_dates import check_business_date, local_today
from shared.errors import Refusal

TODAY = dt.date(2025, 6, 30)


def test_today_and_thirty_days_back_are_accepted():
    check_business_date(TODAY, today=TODAY)
    check_business_date(TODAY - dt.timedelta(days=30), today=TODAY)


def test_a_future_date_is_refused_even_for_registrars():
    with pytest.raises(Refusal) as refused:
        check_business_date(TODAY + dt.timedelta(days=1), today=TODAY, unlimited_backdating=True, field="died_on")
    assert refused.value.code == "business_date_in_future"
    assert refused.value.errors == [{"loc": ["body", "died_on"], "msg": "must not be in the future"}]


def test_staff_may_not_record_more_than_thirty_days_back_but_registrars_may():
    old = TODAY - dt.timedelta(days=31)
    with pytest.raises(Refusal) as refused:
        check_business_date(old, today=TODAY)
    assert refused.value.code == "business_date_too_old" and refused.value.status == 422
    check_business_date(old, today=TODAY, unlimited_backdating=True)


def test_today_is_the_bureaus_date_in_china_standard_time():
    late_evening_utc = dt.datetime(2025, 6, 30, 17, 0, tzinfo=dt.UTC)  # 01:00 on 1 July in Weinan
    assert local_today(late_evening_utc) == dt.date(2025, 7, 1)
