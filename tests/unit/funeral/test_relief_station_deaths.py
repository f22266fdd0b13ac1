"""V-8 → F-1, F-6: a death in a relief station's care opens the death record; an unknown person keeps the
station's temporary id and goes through the unidentified-body procedure."""

from __future__ import annotations

from services.funeral.domain.events import DEATH_REGISTERED
from services.funeral.domain.registration import decide_relief_station_death
from tests.unit.funeral.given import DEATH_ID, PERSON, TODAY, days_ago, record, refused, relief_station_command


def test_an_unknown_person_who_died_in_a_relief_station_becomes_an_unidentified_death_F6():
    [event] = decide_relief_station_death(relief_station_command(), TODAY, DEATH_ID, False)

    assert event.type == DEATH_REGISTERED
    assert event.subjects == (("TMP-RS610500-000123", "deceased"),)
    assert (event.payload["identified"], event.payload["source"], event.payload["relief_case_id"]) == (
        False, "relief_station", "case-1")
    assert event.payload["temporary_id"] == "TMP-RS610500-000123"
    assert record([event]).identified is False


def test_a_known_person_who_died_in_a_relief_station_is_registered_under_the_id_number_F1():
    [event] = decide_relief_station_death(relief_station_command(subject_id=PERSON, certificate_no="F-1",
                                                                 issuer="渭南市中心医院"), TODAY, DEATH_ID, False)

    assert event.subjects == ((PERSON, "deceased"),)
    assert (event.payload["identified"], event.payload["temporary_id"]) == (True, None)


def test_the_station_record_is_not_limited_to_30_days_back_but_never_in_the_future_F1():
    assert decide_relief_station_death(relief_station_command(died_on=days_ago(400)), TODAY, DEATH_ID, False)
    with refused("business_date_in_future"):
        decide_relief_station_death(relief_station_command(died_on=days_ago(-1)), TODAY, DEATH_ID, False)


def test_a_relief_station_death_of_a_person_already_dead_is_refused_F1():
    with refused("already_deceased", 409):
        decide_relief_station_death(relief_station_command(subject_id=PERSON), TODAY, DEATH_ID, True)
