"""The timeline as the gateway sends it: one JSON text put together from the entries' JSON texts as the
database writes them (docs/timeline.md, "What a query costs"). Each entry must still say what the person's
full history says — date, recording, service, title, office, record references, the person's roles — and
the caller's scopes, `as_of` and `service` must filter it as before (T-1, T-3)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from services.timeline.adapters import projection
from services.timeline.domain.titles import title_of
from tests.integration.timeline.conftest import ADMIN
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

POLICE_STATUS = {"role": "bureau", "scopes": ["status"]}


def story(world):  # noqa: ANN001, ANN201
    """A body found, identified as the person, their marriage and a relief case: three services, a merge."""
    person, spouse, temporary = synthetic_id_number(), synthetic_id_number(sex="female"), "TMP-FH610502-000031"
    events = {
        "funeral": [
            world.append("funeral", "death-d31", "funeral.DeathRegistered", [(temporary, "deceased")],
                         occurred_on=dt.date(2024, 3, 1), death_id="d31", died_on="2024-03-01",
                         temporary_id=temporary, funeral_home="FH-610502", certificate_no="F6105020031"),
            world.append("funeral", "death-d31", "funeral.BodyIdentified",
                         [(temporary, "temporary"), (person, "identified")], occurred_on=dt.date(2024, 3, 9),
                         death_id="d31", temporary_id=temporary, id_number=person, died_on="2024-03-01"),
        ],
        "marriage": [
            world.append("marriage", "registration-r31", "marriage.MarriageRegistered",
                         [(person, "party"), (spouse, "party")], occurred_on=dt.date(2010, 5, 1),
                         registration_id="r31", office="MR-610502", party_a=person, certificate_no="J6105020031"),
        ],
        "vagrant_aid": [
            world.append("vagrant_aid", "case-c31", "vagrant_aid.CaseOpened", [(person, "client")],
                         occurred_on=dt.date(2023, 11, 2), case_id="c31", station="ST-610502"),
        ],
    }
    for source, appended in events.items():
        world.project(source, *appended)
    return person, temporary


def test_each_entry_of_the_document_says_what_the_full_history_says_T1(world):
    person, temporary = story(world)
    document = world.queries().timeline_document(temporary, None, None, ADMIN)
    answer = json.loads(document)
    with world.timeline.connection() as conn:
        _, ids, history = projection.person_history(conn, temporary)
    assert (answer["subject"], answer["person"], answer["merged_ids"], answer["as_of"]) == (
        temporary, person, [temporary], None)
    assert len(answer["entries"]) == len(history) == 4
    for shown, entry in zip(answer["entries"], history, strict=True):
        assert shown["type"] == entry.type and shown["service"] == entry.type.split(".")[0]
        assert shown["title"] == title_of(entry.type)
        assert shown["occurred_on"] == entry.occurred_on.isoformat()
        assert dt.datetime.fromisoformat(shown["recorded_at"]) == entry.recorded_at
        assert shown["roles"] == sorted({role for i, role in entry.subjects if i in ids})
        assert shown["recorded_by"] == "test" and shown["caused_by"] is None
        assert shown["refs"]["event_id"] == entry.event_id
        assert person not in json.dumps(shown["refs"])  # references name records, never ID numbers
    by_type = {e["type"]: e for e in answer["entries"]}
    assert by_type["marriage.MarriageRegistered"]["refs"] == {
        "registration_id": "r31", "certificate_no": "J6105020031",
        "event_id": by_type["marriage.MarriageRegistered"]["refs"]["event_id"]}
    assert by_type["marriage.MarriageRegistered"]["office"] == "MR-610502"
    assert by_type["funeral.DeathRegistered"]["office"] == "FH-610502"
    assert by_type["vagrant_aid.CaseOpened"]["office"] == "ST-610502"
    assert by_type["funeral.BodyIdentified"]["roles"] == ["identified", "temporary"]


def test_scopes_as_of_and_service_filter_the_document_as_they_filter_entries_T1_T3(world):
    person, _ = story(world)
    queries = world.queries()

    def types(viewer, as_of=None, service=None):  # noqa: ANN001, ANN202
        return [e["type"] for e in json.loads(queries.timeline_document(person, as_of, service, viewer))["entries"]]

    assert types(ADMIN) == ["marriage.MarriageRegistered", "vagrant_aid.CaseOpened", "funeral.DeathRegistered",
                            "funeral.BodyIdentified"]
    assert types(POLICE_STATUS) == ["marriage.MarriageRegistered", "funeral.DeathRegistered",
                                    "funeral.BodyIdentified"]  # a relief case is `case`, not `status`
    assert types(ADMIN, as_of="2024-03-01") == ["marriage.MarriageRegistered", "vagrant_aid.CaseOpened",
                                                "funeral.DeathRegistered"]
    assert types(ADMIN, service="funeral") == ["funeral.DeathRegistered", "funeral.BodyIdentified"]
    assert types(POLICE_STATUS, service="vagrant_aid") == []  # the person exists: an empty timeline, not 404
    assert queries.timeline(person, None, None, ADMIN) == json.loads(queries.timeline_document(person, None, None,
                                                                                                 ADMIN))
