"""Tamper evidence (issue 14): a superuser edits, deletes or re-orders a row of a hash-chained table, or
disables its triggers, and `civreg audit verify` names the first broken link of that chain; a chain rewritten
consistently after an anchor is caught by the anchor. Each chain: every service's events, the access log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import psycopg
import pytest
from psycopg import sql

from services import SERVICES
from services.audit import anchor, verify
from services.cli import main
from services.gateway.access_log import AccessRecord, PostgresAccessLog
from shared.envelope import NewEvent, Subject
from shared.eventstore.chain import ANCHOR_TYPE, canonical_json
from shared.eventstore.postgres import PostgresEventStore
from tests.support.infrastructure import ADMIN_URL

pytestmark = pytest.mark.integration

EVENT_SERVICES = [s.name for s in SERVICES if s.event_store]
TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def world(fresh_namespace):
    return fresh_namespace()


@pytest.fixture
def fresh(fresh_namespace):
    """A namespace of one service, whose chain a test may leave broken."""
    return fresh_namespace


def append_events(namespace, service: str, count: int = 5) -> None:
    store = PostgresEventStore(namespace.database(service))
    for n in range(count):
        store.append(f"test-{n}", [NewEvent(type=f"{service}.TestHappened", occurred_on=TODAY,
                                            subjects=(Subject(id="610502199001010011", role="person"),),
                                            payload={"n": n, "name": "张三"})], 0)


def record_access(namespace, count: int = 5) -> None:
    log = PostgresAccessLog(namespace.database("gateway"))
    for n in range(count):
        log.record(AccessRecord("clerk", "marriage_clerk", "test.read", "610502199001010011", None, 200,
                                f"chain-{n}", subjects=("610502199001010011",), client_ip="127.0.0.1"))


def superuser(namespace, service: str, *statements: str) -> None:
    """Run as the superuser, past the append-only triggers (session_replication_role), in one transaction."""
    with psycopg.connect(ADMIN_URL) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(f"{namespace.name}_{service}")))
        for statement in statements:
            conn.execute(statement)


def only_report(namespace, service: str):
    (report,) = verify(ADMIN_URL, namespace.name, service)
    return report


def test_every_chain_of_an_untouched_namespace_is_intact(world, monkeypatch, capsys):
    for service in EVENT_SERVICES:
        append_events(world, service, 3)
    record_access(world, 3)

    reports = verify(ADMIN_URL, world.name)

    assert {r.chain for r in reports} == {f"{s}.events" for s in EVENT_SERVICES} | {"gateway.access_log"}
    assert all(r.intact and r.rows >= 3 and r.head_hash for r in reports)
    monkeypatch.setenv("CIVREG_NAMESPACE", world.name)
    monkeypatch.setenv("DATABASE_ADMIN_URL", ADMIN_URL)
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.count(": intact,") == len(EVENT_SERVICES) + 1


@pytest.mark.parametrize("service", EVENT_SERVICES)
def test_an_edited_event_breaks_its_chain_exactly_there(fresh, service):
    namespace = fresh(service)
    append_events(namespace, service)
    superuser(namespace, service, "SET session_replication_role = replica",
              "UPDATE events SET payload = jsonb_set(payload, '{name}', '\"李四\"') WHERE global_position = 3")

    report = only_report(namespace, service)

    assert [(b.position, b.reason) for b in report.breaks] == [(3, "edited")]
    assert report.broken_links == 1  # the rows after it still follow the (stored) hash before them


@pytest.mark.parametrize("service", EVENT_SERVICES)
def test_a_deleted_event_is_named_as_missing(fresh, service):
    namespace = fresh(service)
    append_events(namespace, service)
    superuser(namespace, service, "SET session_replication_role = replica",
              "DELETE FROM events WHERE global_position = 3")

    (found,) = only_report(namespace, service).breaks

    assert (found.position, found.reason) == (4, "missing_rows")
    assert "position(s) 3 missing before 4" in found.detail


@pytest.mark.parametrize("service", EVENT_SERVICES)
def test_reordered_events_break_the_chain_at_the_first_moved_row(fresh, service):
    namespace = fresh(service)
    append_events(namespace, service)
    superuser(namespace, service, "SET session_replication_role = replica",
              "UPDATE events SET global_position = -2 WHERE global_position = 2",
              "UPDATE events SET global_position = 2 WHERE global_position = 4",
              "UPDATE events SET global_position = 4 WHERE global_position = -2")

    report = only_report(namespace, service)

    assert [(b.position, b.reason) for b in report.breaks] == [(2, "edited")]


@pytest.mark.parametrize("service", EVENT_SERVICES)
def test_a_disabled_trigger_and_the_rows_changed_past_it_are_both_reported(fresh, monkeypatch, capsys, service):
    namespace = fresh(service)
    append_events(namespace, service, 3)
    superuser(namespace, service, "ALTER TABLE events DISABLE TRIGGER events_append_only",
              "UPDATE events SET metadata = '{\"actor\": \"someone.else\"}' WHERE global_position = 4",
              "INSERT INTO events SELECT 4, gen_random_uuid(), 'forged', 1, event_type, schema_version, occurred_on,"
              " recorded_at, subjects, payload, metadata, sha256('made up') FROM events WHERE global_position = 3")

    report = only_report(namespace, service)

    assert [(b.position, b.reason) for b in report.breaks] == [(4, "edited"), (None, "trigger_disabled")]
    monkeypatch.setenv("CIVREG_NAMESPACE", namespace.name)
    monkeypatch.setenv("DATABASE_ADMIN_URL", ADMIN_URL)
    assert main(["audit", "verify", "--service", service]) == 1
    assert f"{service}.events: BROKEN at 4 (edited)" in capsys.readouterr().out
    assert "events_append_only" in report.breaks[1].detail


@pytest.mark.parametrize("service", EVENT_SERVICES)
def test_an_edit_made_with_the_append_only_trigger_disabled_then_enabled_again_is_still_found(fresh, service):
    namespace = fresh(service)
    append_events(namespace, service)
    superuser(namespace, service, "ALTER TABLE events DISABLE TRIGGER events_append_only",
              "UPDATE events SET occurred_on = occurred_on - 1 WHERE global_position = 2",
              "ALTER TABLE events ENABLE TRIGGER events_append_only")

    assert [(b.position, b.reason) for b in only_report(namespace, service).breaks] == [(2, "edited")]


def test_a_chain_rewritten_consistently_after_an_anchor_is_caught_by_the_anchor(fresh, tmp_path):
    namespace = fresh("marriage")
    append_events(namespace, "marriage", 4)
    document, (file,) = anchor(ADMIN_URL, namespace.name, tmp_path / "anchor.json", TODAY)
    assert document["chains"]["marriage.events"]["position"] == 4
    assert json.loads(file.read_text())["sha256"] == document["sha256"]
    # The anchor is an event of its own, in the chain it vouches for.
    assert only_report(namespace, "marriage").rows == 5 and only_report(namespace, "marriage").intact

    # Edit row 2 and recompute every hash from there: the chain is consistent again …
    superuser(namespace, "marriage", "SET session_replication_role = replica",
              "UPDATE events SET payload = jsonb_set(payload, '{name}', '\"王五\"') WHERE global_position = 2",
              """DO $$ DECLARE r events; h bytea; BEGIN
                   SELECT hash INTO h FROM events WHERE global_position = 1;
                   FOR r IN SELECT * FROM events WHERE global_position >= 2 ORDER BY global_position LOOP
                     h := sha256(h || event_canonical(r));
                     UPDATE events SET hash = h WHERE global_position = r.global_position;
                   END LOOP; END $$""")
    report = only_report(namespace, "marriage")

    # … but no longer the one that was anchored, both in the store and in the file handed out.
    assert report.broken_links == 0
    assert [(b.position, b.reason) for b in report.breaks] == [(4, "anchor_mismatch")]
    (with_file,) = verify(ADMIN_URL, namespace.name, "marriage", file)
    assert [b.reason for b in with_file.breaks] == ["anchor_mismatch", "anchor_mismatch"]


def test_civreg_audit_anchor_publishes_every_chains_head_as_an_event_in_each_store_and_a_signable_file(
        world, tmp_path, monkeypatch, capsys):
    for service in EVENT_SERVICES:
        append_events(world, service, 2)
    record_access(world, 2)
    heads_before = {r.chain: (r.head_position, r.head_hash) for r in verify(ADMIN_URL, world.name)}
    monkeypatch.setenv("CIVREG_NAMESPACE", world.name)
    monkeypatch.setenv("DATABASE_ADMIN_URL", ADMIN_URL)
    out = tmp_path / "anchor.json"

    assert main(["audit", "anchor", "--out", str(out)]) == 0

    document = json.loads(out.read_text(encoding="utf-8"))
    assert {name: (head["position"], head["hash"]) for name, head in document["chains"].items()} == heads_before
    body = {key: document[key] for key in ("anchored_at", "chains")}
    assert document["sha256"] == hashlib.sha256(canonical_json(body).encode()).hexdigest()  # what is signed
    assert document["sha256"] in capsys.readouterr().out
    with psycopg.connect(ADMIN_URL) as conn:
        for service in EVENT_SERVICES:  # each store vouches for every chain, its own included
            (payload,) = conn.execute(sql.SQL("SELECT payload FROM {}.events WHERE event_type = %s").format(
                sql.Identifier(f"{world.name}_{service}")), (f"{service}.{ANCHOR_TYPE}",)).fetchone()
            assert payload == document, service
    # The published heads are what verify checks from now on: an intact namespace matches them all.
    assert all(r.intact for r in verify(ADMIN_URL, world.name, anchor_file=out))


def test_edited_deleted_and_reordered_access_log_rows_break_its_chain_there(fresh):
    namespace = fresh("gateway")
    record_access(namespace, 8)
    with psycopg.connect(ADMIN_URL) as conn:
        ids = [row[0] for row in conn.execute(sql.SQL("SELECT id FROM {}.access_log ORDER BY id").format(
            sql.Identifier(f"{namespace.name}_gateway"))).fetchall()]
    assert only_report(namespace, "gateway").intact

    superuser(namespace, "gateway", "SET session_replication_role = replica",
              f"UPDATE access_log SET principal = 'someone-else' WHERE id = {ids[6]}")
    assert [(b.position, b.reason) for b in only_report(namespace, "gateway").breaks] == [(ids[6], "edited")]

    superuser(namespace, "gateway", "SET session_replication_role = replica",
              f"DELETE FROM access_log WHERE id = {ids[4]}")
    assert [(b.position, b.reason) for b in only_report(namespace, "gateway").breaks] == [(ids[5], "edited")]

    # Ids are generated, so two rows change places by exchanging everything else.
    superuser(namespace, "gateway", "SET session_replication_role = replica",
              "UPDATE access_log a SET at = b.at, correlation_id = b.correlation_id, hash = b.hash"
              f" FROM access_log b WHERE (a.id, b.id) IN (({ids[1]}, {ids[2]}), ({ids[2]}, {ids[1]}))")
    report = only_report(namespace, "gateway")
    assert [(b.position, b.reason) for b in report.breaks] == [(ids[1], "edited")]


def test_an_access_log_row_written_past_a_disabled_chain_trigger_is_reported(fresh):
    namespace = fresh("gateway")
    record_access(namespace, 3)
    superuser(namespace, "gateway", "ALTER TABLE access_log DISABLE TRIGGER access_log_chain",
              "INSERT INTO access_log (principal, role, action, outcome, correlation_id, hash)"
              " VALUES ('ghost', 'admin', 'test.read', 200, 'forged', sha256('made up'))")

    report = only_report(namespace, "gateway")

    assert [b.reason for b in report.breaks] == ["edited", "trigger_disabled"]


def test_an_access_log_row_edited_past_the_disabled_append_only_trigger_is_reported_there(fresh):
    namespace = fresh("gateway")
    record_access(namespace, 4)
    superuser(namespace, "gateway", "ALTER TABLE access_log DISABLE TRIGGER access_log_append_only",
              "UPDATE access_log SET purpose = 'rewritten' WHERE id = (SELECT min(id) + 2 FROM access_log)")
    with psycopg.connect(ADMIN_URL) as conn:
        (third,) = conn.execute(sql.SQL("SELECT min(id) + 2 FROM {}.access_log").format(
            sql.Identifier(f"{namespace.name}_gateway"))).fetchone()

    report = only_report(namespace, "gateway")

    assert [(b.position, b.reason) for b in report.breaks] == [(third, "edited"), (None, "trigger_disabled")]
    assert "access_log_append_only" in report.breaks[1].detail


def test_the_service_roles_cannot_insert_into_their_chains(world):
    for service in [*EVENT_SERVICES, "gateway"]:
        table = "events" if service != "gateway" else "access_log"
        with pytest.raises(psycopg.errors.InsufficientPrivilege), world.database(service).connection() as conn:
            conn.execute(f"INSERT INTO {table} DEFAULT VALUES")


# -- verification in key spans at once (`--jobs`): the same findings as one pass --------------------------
@pytest.mark.parametrize("jobs", [2, 3, 4])
def test_verifying_in_spans_finds_an_edit_a_deletion_and_a_move_where_one_pass_does(fresh, jobs):
    edited, deleted, moved = fresh("marriage"), fresh("funeral"), fresh("child_welfare")
    for namespace, service in ((edited, "marriage"), (deleted, "funeral"), (moved, "child_welfare")):
        append_events(namespace, service, count=9)
    superuser(edited, "marriage", "SET session_replication_role = replica",
              "UPDATE events SET payload = jsonb_set(payload, '{name}', '\"李四\"') WHERE global_position = 4")
    superuser(deleted, "funeral", "SET session_replication_role = replica",
              "DELETE FROM events WHERE global_position IN (4, 5)")
    superuser(moved, "child_welfare", "SET session_replication_role = replica",
              "UPDATE events SET global_position = -2 WHERE global_position = 5",
              "UPDATE events SET global_position = 5 WHERE global_position = 7",
              "UPDATE events SET global_position = 7 WHERE global_position = -2")

    for namespace, service in ((edited, "marriage"), (deleted, "funeral"), (moved, "child_welfare")):
        (one_pass,) = verify(ADMIN_URL, namespace.name, service)
        (spans,) = verify(ADMIN_URL, namespace.name, service, jobs=jobs)
        assert [(b.position, b.reason) for b in spans.breaks] == [(b.position, b.reason) for b in one_pass.breaks]
        assert (spans.rows, spans.head_position, spans.broken_links, spans.head_hash) == (
            one_pass.rows, one_pass.head_position, one_pass.broken_links, one_pass.head_hash)
    assert [(b.position, b.reason) for b in verify(ADMIN_URL, deleted.name, "funeral", jobs=jobs)[0].breaks] == [
        (6, "missing_rows")]


def test_an_intact_namespace_verifies_intact_in_spans(world):
    for service in EVENT_SERVICES:
        append_events(world, service, count=7)
    record_access(world, count=7)
    reports = verify(ADMIN_URL, world.name, jobs=3)
    assert reports and all(report.intact for report in reports)
    assert [r.rows for r in reports] == [r.rows for r in verify(ADMIN_URL, world.name)]
