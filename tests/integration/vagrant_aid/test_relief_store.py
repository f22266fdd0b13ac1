"""The vagrant_aid application on the real database: idempotent retries at the service (a crash between
the service's commit and the gateway's record), the unique index behind "one open case per person and
station", and the inline read model kept in step with the events in one transaction."""

from __future__ import annotations

import datetime as dt
import threading

import psycopg
import pytest

from services.vagrant_aid.adapters.read_models import ReadModels
from services.vagrant_aid.application import handlers
from services.vagrant_aid.application.context import CommandContext
from shared.actor import Actor
from shared.errors import Refusal
from shared.eventstore.postgres import PostgresEventStore
from tests.e2e.vagrant_aid.support import identified, intake, new_id_number
from tests.support.infrastructure import create_namespace, destroy_namespace

pytestmark = pytest.mark.integration

STAFF = Actor("relief.RS-610500", "relief_staff", "RS-610500")


@pytest.fixture(scope="module")
def relief():
    namespace = create_namespace(("vagrant_aid",))
    db = namespace.database("vagrant_aid", max_size=20)  # as the service's own role
    yield namespace, handlers.Ports(PostgresEventStore(db), ReadModels(db))
    destroy_namespace(namespace)


def events_in(ports, stream: str | None = None) -> int:
    with ports.store.db.connection() as conn:
        if stream is None:
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]
        return conn.execute("SELECT count(*) FROM events WHERE stream_id = %s", (stream,)).fetchone()[0]


def row(ports, case_id: str) -> dict:
    with ports.store.db.connection() as conn:
        cursor = conn.cursor(row_factory=psycopg.rows.dict_row)
        return cursor.execute("SELECT * FROM cases WHERE case_id = %s", (case_id,)).fetchone()


def test_an_intake_retried_with_its_key_answers_the_same_case_and_writes_nothing(relief):
    _, ports = relief
    ctx = CommandContext.now(STAFF, idempotency_key="retry-1")
    first = handlers.take_in(ports, ctx, intake())
    written = events_in(ports)

    again = handlers.take_in(ports, CommandContext.now(STAFF, idempotency_key="retry-1"), intake())

    assert again["case_id"] == first["case_id"] and again["subject_id"] == first["subject_id"]
    assert events_in(ports) == written


def test_a_case_command_retried_with_its_key_writes_nothing(relief):
    _, ports = relief
    case = handlers.take_in(ports, CommandContext.now(STAFF), identified(new_id_number()))
    ctx = CommandContext.now(STAFF, idempotency_key="cash-1")
    handlers.provide_service(ports, ctx, case["case_id"], {"kind": "cash", "amount": "10"})

    again = handlers.provide_service(ports, ctx, case["case_id"], {"kind": "cash", "amount": "10"})

    assert again["cash_total"] == "10.00" and again["version"] == 2
    assert events_in(ports, f"case-{case['case_id']}") == 2


def test_the_unique_index_keeps_one_open_case_when_intakes_race_past_the_check(relief, monkeypatch):
    _, ports = relief
    monkeypatch.setattr(ReadModels, "open_case", lambda self, station, person, tx=None: None)
    body = identified(new_id_number())
    barrier, outcomes = threading.Barrier(8), []

    def attempt() -> None:
        barrier.wait()
        try:
            outcomes.append(handlers.take_in(ports, CommandContext.now(STAFF), body)["case_id"])
        except Refusal as refusal:
            outcomes.append(refusal.code)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=lambda o: o == "already_open_case")[1:] == ["already_open_case"] * 7
    with ports.store.db.connection() as conn:  # the losers' events were rolled back with their rows
        taken_in = conn.execute("SELECT count(*) FROM events WHERE event_type = 'vagrant_aid.PersonTakenIn'"
                                " AND payload->>'id_number' = %s", (body["person"]["id_number"],)).fetchone()[0]
    assert taken_in == 1


def test_after_the_exit_the_same_person_may_be_taken_in_again(relief):
    _, ports = relief
    body = identified(new_id_number())
    first = handlers.take_in(ports, CommandContext.now(STAFF), body)
    with pytest.raises(Refusal) as refused:
        handlers.take_in(ports, CommandContext.now(STAFF), body)
    assert (refused.value.code, refused.value.status) == ("already_open_case", 409)
    handlers.record_exit(ports, CommandContext.now(STAFF), first["case_id"], {"kind": "absconded"})
    assert handlers.take_in(ports, CommandContext.now(STAFF), body)["case_id"] != first["case_id"]


def test_identification_into_an_open_case_of_the_same_person_is_refused(relief):
    _, ports = relief
    id_number = new_id_number()
    handlers.take_in(ports, CommandContext.now(STAFF), identified(id_number))
    unknown = handlers.take_in(ports, CommandContext.now(STAFF), intake())
    before = events_in(ports)
    with pytest.raises(Refusal) as refused:
        handlers.identify(ports, CommandContext.now(STAFF), unknown["case_id"], {"id_number": id_number,
                                                                                  "method": "documents"})
    assert refused.value.code == "already_open_case"
    assert events_in(ports) == before  # the PersonIdentified event went with the refused row


def test_the_read_model_follows_the_case_in_the_same_transaction(relief):
    _, ports = relief
    arrived = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    case = handlers.take_in(ports, CommandContext.now(STAFF, at=arrived), intake())
    stored = row(ports, case["case_id"])
    assert stored["person_id"] == case["temporary_id"] and stored["status"] == "open"
    assert stored["notice_due_at"] == arrived + dt.timedelta(hours=24) and stored["dna_due_on"] is not None

    id_number = new_id_number()
    handlers.identify(ports, CommandContext.now(STAFF), case["case_id"], {"id_number": id_number, "method": "dna"})
    handlers.record_exit(ports, CommandContext.now(STAFF), case["case_id"],
                         {"kind": "collected", "relation": "妻子"})
    stored = row(ports, case["case_id"])
    assert (stored["person_id"], stored["identified"], stored["status"], stored["exit_kind"]) == (
        id_number, True, "closed", "collected")
    assert stored["returned_home"] is True and stored["version"] == 3


def test_the_service_role_cannot_delete_cases_or_events(relief):
    namespace, _ = relief
    with namespace.database("vagrant_aid", max_size=1).connection() as conn:
        for statement in ("DELETE FROM cases", "DELETE FROM events", "UPDATE events SET payload = '{}'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
