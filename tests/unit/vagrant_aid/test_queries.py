"""Queries without I/O: who sees which stations (V-1) and how statistics add up (V-9)."""

import datetime as dt

import pytest

from services.vagrant_aid.application import queries
from shared.actor import Actor
from shared.errors import Refusal

TODAY = dt.date(2025, 6, 10)
STAFF = Actor("relief.RS-610528", "relief_staff", "RS-610528")
CITY_STAFF = Actor("relief.RS-610500", "relief_staff", "RS-610500")
ADMIN = Actor("admin.city", "admin")


class FakeReadModels:
    def __init__(self):
        self.asked = None

    def registered_stations(self):
        return []

    def statistics(self, stations, first, last, as_of):
        self.asked = (stations, first, last, as_of)
        counts = [{"station": "RS-610528", "intakes": 5, "minors": 1, "unidentified_intakes": 1, "exits": 4,
                   "identified_exits": 3, "identified_returned": 2, "stranded": 1}]
        return counts, [("RS-610528", "collected", 2), ("RS-610528", "escorted", 1)], [("RS-610528", 1)]


def test_staff_statistics_cover_their_station_for_this_year_so_far_V9():
    read_models = FakeReadModels()
    answer = queries.statistics(read_models, STAFF, {}, TODAY)

    assert read_models.asked == (["RS-610528"], dt.date(2025, 1, 1), TODAY, TODAY)
    [row] = answer["stations"]
    assert row["return_rate"] == 0.6667 and row["refusals"] == 1
    assert row["exits_by_kind"]["collected"] == 2 and row["exits_by_kind"]["died"] == 0
    assert answer["total"]["identified_exits"] == 3


def test_city_station_statistics_list_every_station_quiet_ones_included_V9():
    answer = queries.statistics(FakeReadModels(), CITY_STAFF, {"from": "2025-01-01", "to": "2025-03-31"}, TODAY)

    assert len(answer["stations"]) == 12 and answer["stranded_as_of"] == "2025-03-31"
    quiet = next(row for row in answer["stations"] if row["station"] == "RS-610500")
    assert quiet["intakes"] == 0 and quiet["return_rate"] is None
    assert answer["total"]["intakes"] == 5


@pytest.mark.parametrize("query", [{"station": "RS-610500"}, {"from": "2025-02-01", "to": "2025-01-01"},
                                   {"what": "ever"}])
def test_statistics_refuse_other_stations_and_bad_periods(query):
    with pytest.raises(Refusal) as refused:
        queries.statistics(FakeReadModels(), STAFF, query, TODAY)
    assert refused.value.code in {"forbidden_station", "validation_failed"}


@pytest.mark.parametrize("who", [Actor("oversight.city", "oversight"), ADMIN])
def test_only_relief_staff_list_cases_V1(who):
    """Separation of duties (api.md release 2): an admin keeps the network, not the cases."""
    with pytest.raises(Refusal) as refused:
        queries.list_cases(FakeReadModels(), who, {}, dt.datetime.now(dt.UTC), TODAY)
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)


@pytest.mark.parametrize("who", [STAFF, ADMIN])
def test_only_the_city_station_reads_the_whole_watch_list_V10(who):
    with pytest.raises(Refusal) as refused:
        queries.watchlist(FakeReadModels(), who, 10, 0)
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
