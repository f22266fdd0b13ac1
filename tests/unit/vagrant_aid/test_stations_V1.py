"""V-1: the four-tier network, and staff acting only for their own station."""

import datetime as dt

import pytest

from services.vagrant_aid.domain.events import STATION_REGISTERED
from services.vagrant_aid.domain.stations import (
    Station,
    check_acts_for_station,
    check_may_read_station,
    decide_register_station,
    standing_station,
    standing_stations,
)
from shared.actor import Actor
from shared.errors import Refusal

TODAY = dt.date(2025, 6, 10)
COUNTY = Station("RS-610502", "county", "610502", "临渭区救助管理站", "RS-610500")
TOWNSHIP = Station("RS-610502-1", "township", "610502", "双王街道临时救助点", "RS-610502")


def test_city_station_and_one_station_per_county_exist_without_registration_V1():
    codes = [s.code for s in standing_stations(TODAY)]

    assert codes[0] == "RS-610500" and standing_station("RS-610500", TODAY).tier == "city"
    assert len(codes) == 12  # the city and its 11 county-level divisions (domain.md 0.2)
    assert standing_station("RS-610528", TODAY) == Station("RS-610528", "county", "610528", "富平县救助管理站",
                                                           "RS-610500")


@pytest.mark.parametrize("code", ["RS-610521", "RS-110101", "RS-610502-1", "MR-610502", "RS-61050"])
def test_abolished_foreign_or_registered_codes_are_no_standing_station_V1(code):
    assert standing_station(code, TODAY) is None  # 610521 华县 was abolished in 2015


def test_township_point_registers_under_its_county_station_V1():
    [draft] = decide_register_station("RS-610502-1", "township", "双王街道临时救助点", "RS-610502", COUNTY, None,
                                      TODAY)

    assert draft.type == STATION_REGISTERED
    assert draft.payload == {"code": "RS-610502-1", "tier": "township", "division": "610502",
                             "name": "双王街道临时救助点", "parent": "RS-610502", "registered_on": "2025-06-10"}


def test_village_point_registers_under_a_township_point_of_the_same_county_V1():
    [draft] = decide_register_station("RS-610502-7", "village", "某村救助咨询点", "RS-610502-1", TOWNSHIP, None,
                                      TODAY)
    assert draft.payload["tier"] == "village" and draft.payload["parent"] == "RS-610502-1"


@pytest.mark.parametrize(("tier", "parent", "code"), [
    ("township", TOWNSHIP, "invalid_parent_station"),  # a township point hangs under a county station
    ("village", COUNTY, "invalid_parent_station"),  # a village point under a township point
    ("township", Station("RS-610528", "county", "610528", "x", "RS-610500"), "invalid_parent_station"),
    ("township", None, "unknown_station"),
])
def test_a_point_under_the_wrong_parent_is_refused_V1(tier, parent, code):
    with pytest.raises(Refusal) as refused:
        decide_register_station("RS-610502-9", tier, "点", "RS-610528", parent, None, TODAY)
    assert refused.value.code == code and refused.value.status == 422


@pytest.mark.parametrize("code", ["RS-610502", "RS-610500-1", "RS-110101-1", "RS-610521-1"])
def test_point_codes_name_a_county_of_the_city_and_a_number_V1(code):
    with pytest.raises(Refusal) as refused:
        decide_register_station(code, "township", "点", "RS-610502", COUNTY, None, TODAY)
    assert refused.value.code == "invalid_station_code"


def test_a_station_is_registered_once_V1():
    with pytest.raises(Refusal) as refused:
        decide_register_station("RS-610502-1", "township", "点", "RS-610502", COUNTY, TOWNSHIP, TODAY)
    assert (refused.value.code, refused.value.status) == ("station_exists", 409)


def test_staff_act_only_for_their_own_station_V1():
    staff = Actor("relief.RS-610528", "relief_staff", "RS-610528")
    check_acts_for_station(staff, "RS-610528")
    for other in ("RS-610500", "RS-610528-1"):
        with pytest.raises(Refusal) as refused:
            check_acts_for_station(staff, other)
        assert (refused.value.code, refused.value.status) == ("forbidden_station", 403)


def test_the_city_station_reads_every_station_but_records_for_its_own_only_V1():
    city = Actor("relief.RS-610500", "relief_staff", "RS-610500")
    check_may_read_station(city, "RS-610528")
    with pytest.raises(Refusal) as refused:
        check_acts_for_station(city, "RS-610528")
    assert refused.value.code == "forbidden_station"


def test_admins_read_no_case_and_record_for_no_station_V1():
    """Separation of duties (api.md release 2): admins keep the network's reference data only."""
    admin = Actor("admin.city", "admin")
    for check in (check_may_read_station, check_acts_for_station):
        with pytest.raises(Refusal) as refused:
            check(admin, "RS-610528")
        assert refused.value.code == "forbidden_station"
    with pytest.raises(Refusal):
        check_may_read_station(Actor("clerk.MR-610502", "marriage_clerk", "MR-610502"), "RS-610500")
