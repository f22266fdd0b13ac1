"""Temporary subject ids merge into the person on identification and split again on an unlink (T-1;
docs/events.md, "Rules for every contract")."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration.timeline.conftest import ADMIN
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration


def types_of(world, subject: str) -> list[str]:  # noqa: ANN001
    return [e["type"] for e in world.queries().timeline(subject, None, None, ADMIN)["entries"]]


def test_an_identified_body_merges_its_temporary_id_into_the_person_and_makes_them_deceased_T1_T2(world):
    person, temporary = synthetic_id_number(), "TMP-FH610502-000017"
    registered = world.append("funeral", "death-d2", "funeral.DeathRegistered", [(temporary, "deceased")],
                              occurred_on=dt.date(2024, 3, 1), death_id="d2", died_on="2024-03-01",
                              temporary_id=temporary)
    identified = world.append("funeral", "death-d2", "funeral.BodyIdentified",
                              [(temporary, "temporary"), (person, "identified")], occurred_on=dt.date(2024, 3, 9),
                              death_id="d2", temporary_id=temporary, id_number=person, died_on="2024-03-01")
    world.project("funeral", identified, registered)  # order does not matter
    assert types_of(world, person) == ["funeral.DeathRegistered", "funeral.BodyIdentified"]
    facts = world.queries().facts(person, None, ADMIN)
    assert (facts["alive"], facts["died_on"]) == (False, "2024-03-01")
    assert world.queries().timeline(temporary, None, None, ADMIN)["person"] == person


def test_a_death_corrected_to_another_person_moves_the_merge_and_the_death_F7_T1(world):
    wrong, right, temporary = synthetic_id_number(), synthetic_id_number(), "TMP-FH610502-000018"
    events = [
        world.append("funeral", "death-d3", "funeral.DeathRegistered", [(temporary, "deceased")],
                     death_id="d3", died_on="2024-05-01", temporary_id=temporary),
        world.append("funeral", "death-d3", "funeral.BodyIdentified", [(temporary, "temporary"), (wrong, "identified")],
                     death_id="d3", temporary_id=temporary, id_number=wrong, died_on="2024-05-01"),
        world.append("funeral", "death-d3", "funeral.DeathCorrected",
                     [(right, "deceased"), (wrong, "wrongly_recorded")], occurred_on=dt.date(2024, 5, 20),
                     death_id="d3", previous_subject=wrong, subject=right, died_on="2024-05-01",
                     changes={"id_number": {"from": "…", "to": "…"}}),
    ]
    world.project("funeral", *events)
    assert world.queries().facts(wrong, None, ADMIN)["alive"] is True
    # as_of is what was true on that date (api.md, release 2): the death was never theirs, on any date. What
    # the registry had recorded by then is `known_at`'s question, not as_of's.
    assert world.queries().facts(wrong, "2024-05-10", ADMIN)["alive"] is True
    assert world.queries().facts(right, None, ADMIN)["alive"] is False
    assert "funeral.DeathRegistered" in types_of(world, right)
    assert "funeral.DeathRegistered" not in types_of(world, wrong)
    assert world.queries().timeline(temporary, None, None, ADMIN)["person"] == right


def test_an_unlink_splits_the_temporary_id_off_again_T1(world):
    person, temporary = synthetic_id_number(), "TMP-RS610500-000123"
    events = [
        world.append("vagrant_aid", "case-c1", "vagrant_aid.PersonTakenIn", [(temporary, "person")],
                     case_id="c1", station="RS-610500"),
        world.append("vagrant_aid", "case-c1", "vagrant_aid.PersonIdentified",
                     [(temporary, "temporary"), (person, "identified")], case_id="c1", temporary_id=temporary,
                     id_number=person),
        world.append("vagrant_aid", "case-c1", "vagrant_aid.IdentificationWithdrawn",
                     [(temporary, "temporary"), (person, "unlinked")], case_id="c1",
                     unlinked_temporary_id=temporary),
    ]
    world.project("vagrant_aid", *events[:2])
    assert world.queries().facts(person, None, ADMIN)["open_relief_case"]["case_id"] == "c1"
    world.project("vagrant_aid", events[2])
    assert "vagrant_aid.PersonTakenIn" not in types_of(world, person)
    # A type the timeline has never heard of still appears, with its service's generic title.
    withdrawn = world.queries().timeline(person, None, None, ADMIN)["entries"][-1]
    assert withdrawn["title"] == "救助事项 (vagrant_aid.IdentificationWithdrawn)"
    assert world.queries().facts(person, None, ADMIN)["open_relief_case"] is None
    split = world.queries().timeline(temporary, None, None, ADMIN)
    assert split["person"] == temporary and split["entries"][0]["type"] == "vagrant_aid.PersonTakenIn"


def test_entries_show_where_and_which_records_but_never_id_numbers_T1(world):
    person = synthetic_id_number()
    world.project("funeral", world.append(
        "funeral", "death-d9", "funeral.DeathRegistered", [(person, "deceased")], death_id="d9", id_number=person,
        certificate_no="F1", funeral_home="FH-610502", died_on="2024-05-01", unlinked_temporary_id=None))
    entry = world.queries().timeline(person, None, None, ADMIN)["entries"][0]
    assert entry["refs"] == {"death_id": "d9", "certificate_no": "F1", "event_id": entry["refs"]["event_id"]}
    assert (entry["office"], entry["roles"], entry["recorded_by"]) == ("FH-610502", ["deceased"], "test")
    assert entry["title"] == "死亡登记 (funeral.DeathRegistered)"
