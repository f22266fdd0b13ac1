"""D-2 on the real PostgreSQL: the timeline's narrow read of civreg seeing a person alive. It answers the
service and the day of each in-person event after a date — from every service, a relief stay (class `case`)
too, which a registrar or the courts may not read on the timeline — and nothing else, and only to who enters a
court declaration."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.errors import NotFound, Refusal
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

REGISTRAR = {"role": "marriage_registrar", "scopes": []}
COURTS = {"role": "bureau", "scopes": ["status"], "bureau": "courts"}


def test_d2_every_services_sightings_after_the_date_as_service_and_day_only(world):
    person = synthetic_id_number(sex="male")
    stay = world.append("vagrant_aid", "case-s1", "vagrant_aid.PersonTakenIn", [(person, "person")],
                        occurred_on=dt.date(2026, 3, 2))
    earlier = world.append("vagrant_aid", "case-s0", "vagrant_aid.PersonTakenIn", [(person, "person")],
                           occurred_on=dt.date(2019, 5, 1))
    died = world.append("funeral", "death-s1", "funeral.DeathRegistered", [(person, "deceased")],
                        occurred_on=dt.date(2026, 3, 5), death_id="s1", died_on="2026-03-05")  # no sighting
    world.project("vagrant_aid", stay, earlier)
    world.project("funeral", died)
    queries = world.queries()

    try:
        shown = str(queries.timeline(person, None, None, REGISTRAR))
    except (NotFound, Refusal):
        shown = ""
    assert "vagrant_aid" not in shown  # the stay is not the registrar's to read on the timeline
    for declarer in (REGISTRAR, COURTS):
        assert queries.seen_alive(person, "2020-01-01", declarer) == [{"service": "vagrant_aid", "on": "2026-03-02"}]
    assert queries.seen_alive(person, "2026-03-02", REGISTRAR) == []  # on the day itself: not after it
    assert queries.seen_alive(synthetic_id_number(), "2020-01-01", REGISTRAR) == []  # never seen


def test_d2_only_who_enters_a_declaration_reads_the_sightings(world):
    queries = world.queries()
    another_bureau = {"role": "bureau", "scopes": ["status"], "bureau": "public_security"}
    for caller in ({"role": "relief_staff", "scopes": []}, {"role": "marriage_clerk", "scopes": []}, another_bureau,
                   {"role": "bureau", "scopes": ["status"]}, None):
        with pytest.raises(Refusal) as refused:
            queries.seen_alive(synthetic_id_number(), "2020-01-01", caller)
        assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    with pytest.raises(Refusal) as refused:
        queries.seen_alive(synthetic_id_number(), "not a date", REGISTRAR)
    assert refused.value.code == "invalid_query"
