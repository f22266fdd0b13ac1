"""A person's timeline is remembered by the process that answered it (application/queries.py) and answered
again from memory only while nothing about the person has been written since: a new entry, a merge of a
temporary id and a split are all seen by the very next query (T-1)."""

from __future__ import annotations

import datetime as dt

import pytest

from services.timeline.adapters import projection
from shared.errors import NotFound
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


# Callers of different access classes (access.yaml): every class, status only, status and the funeral's
# case class, status and the relief cases' — and a bureau by scopes: every case class, no status.
VIEWERS = [ADMIN, {"role": "marriage_clerk", "scopes": []}, {"role": "funeral_staff", "scopes": []},
           {"role": "relief_staff", "scopes": []}, {"role": "bureau", "scopes": ["case"]}]
READS = [(as_of, service) for as_of in (None, "2024-05-10") for service in (None, "funeral")]


def answers(queries, subject: str) -> dict:  # noqa: ANN001
    """Every viewer's answer to every read of `subject` from `queries`: the document, or 404."""
    found = {}
    for n, viewer in enumerate(VIEWERS):
        for as_of, service in READS:
            try:
                found[(n, as_of, service)] = queries.timeline_answer(subject, as_of, service, viewer)
            except NotFound:
                found[(n, as_of, service)] = None
    return found


def test_a_remembered_document_is_only_ever_the_one_this_caller_would_get_now_T1_T3(world):
    """The finished documents a timeline process remembers (one per person, caller's grants and read) must
    answer each caller exactly what a process that remembers nothing answers — never another class's
    document, never one from before a new entry, a link, an unlink or a correction — and a digest held from
    another caller's or an earlier document must not spare the text."""
    person, temporary, other = synthetic_id_number(), "TMP-RS610500-000322", synthetic_id_number()
    queries = world.queries()  # one process: its memory is what is tested

    def agrees(subject: str) -> dict:
        remembered = [answers(queries, subject) for _ in range(3)]  # the third from memory throughout
        fresh = answers(world.queries(), subject)
        assert remembered[0] == remembered[1] == remembered[2] == fresh
        return fresh

    def digests(found: dict) -> set[str]:
        return {answer["digest"] for answer in found.values() if answer is not None}

    world.project("marriage", world.append("marriage", "registration-r41", "marriage.MarriageRegistered",
                                           [(person, "party"), (other, "party")], occurred_on=dt.date(2010, 5, 1),
                                           registration_id="r41", office="MR-610502", party_a=person))
    world.project("funeral", world.append("funeral", "death-c41", "funeral.DeathRegistered", [(person, "deceased")],
                                          death_id="c41", died_on="2024-05-01", funeral_home="FH-610502"),
                  world.append("funeral", "death-c41", "funeral.BodyStored", [(person, "deceased")],
                               occurred_on=dt.date(2024, 5, 2), death_id="c41", location="cell 1"))
    world.project("vagrant_aid", world.append("vagrant_aid", "case-c41", "vagrant_aid.PersonTakenIn",
                                              [(temporary, "person")], case_id="c41", station="RS-610500"),
                  world.append("vagrant_aid", "case-c42", "vagrant_aid.CaseOpened", [(person, "client")],
                               occurred_on=dt.date(2023, 11, 2), case_id="c42", station="ST-610502"))
    before = agrees(person)
    # Each class's document differs from the others' (so a leak would show), and none spares another's text.
    shown = {n: before[(n, None, None)]["document"] for n in range(len(VIEWERS))}
    assert len(set(shown.values())) == len(VIEWERS)
    for n, viewer in enumerate(VIEWERS):
        for m in range(len(VIEWERS)):
            spared = queries.timeline_answer(person, None, None, viewer, None, before[(m, None, None)]["digest"])
            assert (spared["document"] is None) == (n == m)
            assert spared["digest"] == before[(n, None, None)]["digest"]

    changes = [
        ("a new entry", "funeral", world.append("funeral", "death-c41", "funeral.BodyCremated", [(person, "deceased")],
                                                occurred_on=dt.date(2024, 5, 4), death_id="c41")),
        ("a link", "vagrant_aid", world.append("vagrant_aid", "case-c41", "vagrant_aid.PersonIdentified",
                                               [(temporary, "temporary"), (person, "identified")], case_id="c41",
                                               temporary_id=temporary, id_number=person)),
        ("a correction", "funeral", world.append("funeral", "death-c41", "funeral.DeathCorrected",
                                                 [(person, "deceased")], occurred_on=dt.date(2024, 5, 20),
                                                 death_id="c41", died_on="2024-04-28",
                                                 changes={"died_on": {"from": "2024-05-01", "to": "2024-04-28"}})),
        ("an unlink", "vagrant_aid", world.append("vagrant_aid", "case-c41", "vagrant_aid.IdentificationWithdrawn",
                                                  [(temporary, "temporary"), (person, "unlinked")], case_id="c41",
                                                  unlinked_temporary_id=temporary)),
    ]
    for what, source, event in changes:
        world.project(source, event)
        after = agrees(person)
        assert after != before, what
        # A digest held from before the change spares nothing where the document changed.
        for read, answer in after.items():
            if answer is not None and before[read] is not None and answer["digest"] != before[read]["digest"]:
                n, as_of, service = read
                assert queries.timeline_answer(person, as_of, service, VIEWERS[n], None,
                                               before[read]["digest"])["document"] == answer["document"], what
        before = after
    # The other party's and the temporary id's own documents are theirs, remembered beside the person's.
    agrees(other)
    agrees(temporary)
    assert digests(agrees(person)).isdisjoint(digests(agrees(other)))
