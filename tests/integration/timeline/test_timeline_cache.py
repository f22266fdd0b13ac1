"""A person's timeline is remembered by the process that answered it (application/queries.py) and answered
again from memory only while nothing about the person has been written since: a new entry, a merge of a
temporary id and a split are all seen by the very next query (T-1)."""

from __future__ import annotations

import datetime as dt

import pytest

from services.timeline.adapters import projection
from tests.integration.timeline.conftest import ADMIN
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration


def types(queries, subject: str) -> list[str]:  # noqa: ANN001
    return [e["type"] for e in queries.timeline(subject, None, None, ADMIN)["entries"]]


def test_a_remembered_timeline_is_answered_from_memory_until_the_person_changes_T1(world, monkeypatch):
    person = synthetic_id_number()
    world.project("funeral", world.append("funeral", "death-c1", "funeral.DeathRegistered", [(person, "deceased")],
                                          death_id="c1", died_on="2024-05-01", funeral_home="FH-610502"))
    queries = world.queries()  # one process's queries: one cache
    reads = []
    whole_read = projection.person_timeline_rows
    monkeypatch.setattr(projection, "person_timeline_rows", lambda *a, **k: reads.append(1) or whole_read(*a, **k))
    for _ in range(4):
        assert types(queries, person) == ["funeral.DeathRegistered"]
    assert len(reads) == 2  # the first read stores no stamp; the second stores one; the rest are remembered

    world.project("funeral", world.append("funeral", "death-c1", "funeral.BodyStored", [(person, "deceased")],
                                          occurred_on=dt.date(2024, 5, 2), death_id="c1", location="cell 1"))
    assert types(queries, person) == ["funeral.DeathRegistered", "funeral.BodyStored"]
    assert types(queries, person) == ["funeral.DeathRegistered", "funeral.BodyStored"]
    # Another person's entry does not touch this one's stamp.
    other = synthetic_id_number()
    world.project("funeral", world.append("funeral", "death-c2", "funeral.DeathRegistered", [(other, "deceased")],
                                          death_id="c2", died_on="2024-05-01", funeral_home="FH-610502"))
    reads.clear()
    assert types(queries, person) == ["funeral.DeathRegistered", "funeral.BodyStored"]
    assert reads == []


def test_a_merge_and_a_split_reach_a_remembered_timeline_at_once_T1(world):
    person, temporary = synthetic_id_number(), "TMP-RS610500-000321"
    queries = world.queries()
    world.project("vagrant_aid", world.append("vagrant_aid", "case-m1", "vagrant_aid.PersonTakenIn",
                                              [(temporary, "person")], case_id="m1", station="RS-610500"))
    world.project("funeral", world.append("funeral", "death-m1", "funeral.DeathRegistered", [(person, "deceased")],
                                          death_id="m1", died_on="2024-05-01", funeral_home="FH-610502"))
    for _ in range(3):
        assert types(queries, person) == ["funeral.DeathRegistered"]
    world.project("vagrant_aid", world.append("vagrant_aid", "case-m1", "vagrant_aid.PersonIdentified",
                                              [(temporary, "temporary"), (person, "identified")], case_id="m1",
                                              temporary_id=temporary, id_number=person))
    assert sorted(types(queries, person)) == ["funeral.DeathRegistered", "vagrant_aid.PersonIdentified",
                                              "vagrant_aid.PersonTakenIn"]
    assert sorted(types(queries, person)) == sorted(types(queries, person))
    world.project("vagrant_aid", world.append("vagrant_aid", "case-m1", "vagrant_aid.IdentificationWithdrawn",
                                              [(temporary, "temporary"), (person, "unlinked")], case_id="m1",
                                              unlinked_temporary_id=temporary))
    assert "vagrant_aid.PersonTakenIn" not in types(queries, person)
