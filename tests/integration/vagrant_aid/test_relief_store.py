"""The vagrant_aid application (`VagrantAid`, the shared runner) on the real database: idempotent retries at
the service (a crash between the service's commit and the gateway's record), If-Match, the unique index behind
"one open case per person and station", and the inline read model kept in step with the events in one
transaction."""

from __future__ import annotations

import datetime as dt
import threading

import psycopg
import pytest

from services.vagrant_aid.adapters.read_models import ReadModels
from services.vagrant_aid.application.relief import VagrantAid
from services.vagrant_aid.domain.decide import Clock
from shared.errors import Refusal
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from tests.e2e.vagrant_aid.support import identified, intake, new_id_number
from tests.support.infrastructure import create_namespace, destroy_namespace

pytestmark = pytest.mark.integration

# A fixed moment: deadlines reach months ahead, into years the holiday calendar must hold (2025 and 2026).
NOW = dt.datetime(2025, 6, 10, 2, 0, tzinfo=dt.UTC)
STAFF = {"name": "relief.RS-610500", "role": "relief_staff", "office": "RS-610500"}


@pytest.fixture(scope="module")
def relief():
    namespace = create_namespace(("vagrant_aid",))
    db = namespace.database("vagrant_aid", max_size=20)  # as the service's own role
    yield namespace, VagrantAid(PostgresEventStore(db), Correlation("it-correlation", None, "tester"),
                                lambda: Clock.at(NOW))
    destroy_namespace(namespace)


def events_in(app, stream: str | None = None) -> int:
    with app.store.db.connection() as conn:
        if stream is None:
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]
        return conn.execute("SELECT count(*) FROM events WHERE stream_id = %s", (stream,)).fetchone()[0]


def row(app, case_id: str) -> dict:
    with app.store.db.connection() as conn:
        cursor = conn.cursor(row_factory=psycopg.rows.dict_row)
        return cursor.execute("SELECT * FROM cases WHERE case_id = %s", (case_id,)).fetchone()


def test_an_intake_retried_with_its_key_answers_the_same_case_and_writes_nothing(relief):
    _, app = relief
    first = app.take_in(intake(), STAFF, "retry-1")
    written = events_in(app)

    again = app.take_in(intake(), STAFF, "retry-1")

    assert again["case_id"] == first["case_id"] and again["subject_id"] == first["subject_id"]
    assert events_in(app) == written


def test_a_case_command_retried_with_its_key_writes_nothing(relief):
    _, app = relief
    case = app.take_in(identified(new_id_number()), STAFF)
    app.provide_service(case["case_id"], {"kind": "cash", "amount": "10"}, STAFF, "cash-1")

    again = app.provide_service(case["case_id"], {"kind": "cash", "amount": "10"}, STAFF, "cash-1")

    assert again["cash_total"] == "10.00" and again["version"] == 2
    assert events_in(app, f"case-{case['case_id']}") == 2


def test_the_unique_index_keeps_one_open_case_when_intakes_race_past_the_check(relief, monkeypatch):
    _, app = relief
    monkeypatch.setattr(ReadModels, "open_case", lambda self, station, person, tx=None: None)
    body = identified(new_id_number())
    barrier, outcomes = threading.Barrier(8), []

    def attempt() -> None:
        barrier.wait()
        try:
            outcomes.append(app.take_in(body, STAFF)["case_id"])
        except Refusal as refusal:
            outcomes.append(refusal.code)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=lambda o: o == "already_open_case")[1:] == ["already_open_case"] * 7
    with app.store.db.connection() as conn:  # the losers' events were rolled back with their rows
        taken_in = conn.execute("SELECT count(*) FROM events WHERE event_type = 'vagrant_aid.PersonTakenIn'"
                                " AND payload->>'id_number' = %s", (body["person"]["id_number"],)).fetchone()[0]
    assert taken_in == 1


def test_after_the_exit_the_same_person_may_be_taken_in_again(relief):
    _, app = relief
    body = identified(new_id_number())
    first = app.take_in(body, STAFF)
    with pytest.raises(Refusal) as refused:
        app.take_in(body, STAFF)
    assert (refused.value.code, refused.value.status) == ("already_open_case", 409)
    app.record_exit(first["case_id"], {"kind": "absconded"}, STAFF)
    assert app.take_in(body, STAFF)["case_id"] != first["case_id"]


def test_identification_into_an_open_case_of_the_same_person_is_refused(relief):
    _, app = relief
    id_number = new_id_number()
    app.take_in(identified(id_number), STAFF)
    unknown = app.take_in(intake(), STAFF)
    before = events_in(app)
    with pytest.raises(Refusal) as refused:
        app.identify(unknown["case_id"], {"id_number": id_number, "method": "documents"}, STAFF)
    assert refused.value.code == "already_open_case"
    assert events_in(app) == before  # the PersonIdentified event went with the refused row


def test_the_read_model_follows_the_case_in_the_same_transaction(relief):
    _, app = relief
    arrived = NOW - dt.timedelta(days=3)
    earlier = VagrantAid(app.store, app.correlation, lambda: Clock.at(arrived))
    case = earlier.take_in(intake(), STAFF)
    stored = row(app, case["case_id"])
    assert stored["person_id"] == case["temporary_id"] and stored["status"] == "open"
    assert stored["notice_due_at"] == arrived + dt.timedelta(hours=24) and stored["dna_due_on"] is not None

    id_number = new_id_number()
    app.identify(case["case_id"], {"id_number": id_number, "method": "dna"}, STAFF)
    app.record_exit(case["case_id"], {"kind": "collected", "relation": "妻子"}, STAFF)
    stored = row(app, case["case_id"])
    assert (stored["person_id"], stored["identified"], stored["status"], stored["exit_kind"]) == (
        id_number, True, "closed", "collected")
    assert stored["returned_home"] is True and stored["version"] == 3


def test_a_case_command_on_a_version_the_case_has_moved_past_is_a_conflict_and_writes_nothing(relief):
    _, app = relief
    case = app.take_in(identified(new_id_number()), STAFF)
    app.provide_service(case["case_id"], {"kind": "food", "version": 1}, STAFF)
    with pytest.raises(Refusal) as refused:  # refused at once: deciding again would not bring version 1 back
        app.provide_service(case["case_id"], {"kind": "food", "version": 1}, STAFF)
    assert (refused.value.code, refused.value.status) == ("concurrency_conflict", 409)
    assert events_in(app, f"case-{case['case_id']}") == 2


def test_a_malformed_or_unknown_case_id_is_not_found(relief):
    _, app = relief
    for case_id in ("not-a-uuid", "00000000-0000-4000-8000-000000000000"):
        with pytest.raises(Refusal) as refused:
            app.provide_service(case_id, {"kind": "food"}, STAFF)
        assert refused.value.status == 404


def test_the_service_role_cannot_delete_cases_or_events(relief):
    namespace, _ = relief
    with namespace.database("vagrant_aid", max_size=1).connection() as conn:
        for statement in ("DELETE FROM cases", "DELETE FROM events", "UPDATE events SET payload = '{}'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
