"""Idempotency-Key on the real database: a replay returns the first response and writes nothing new, a
different body is refused, and two identical requests racing each other execute once."""

from __future__ import annotations

import json
import secrets
import threading
import time

import eventlet
import pytest
from psycopg import sql
from pydantic import BaseModel, ConfigDict
from werkzeug.test import Client

from services.gateway.access_log import AccessRecord, PostgresAccessLog
from services.gateway.app import GatewayApp
from services.gateway.idempotency import PostgresIdempotencyStore, StoredResponse
from services.gateway.routes import ROUTES
from services.gateway.routing import Call, Reply, Route
from tests.unit.gateway.fakes import PRINCIPALS, FixedHealth, bearer

pytestmark = pytest.mark.integration


class NoteBody(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str


class NoteWriter:
    """A test-only POST handler that appends a row, slowly, as a domain command would."""

    def __init__(self, db, table: str, delay: float = 0.0) -> None:  # noqa: ANN001
        self.db, self.table, self.delay = db, table, delay
        self.fail_next = False

    def append(self, call: Call) -> Reply:
        """Append a note (test route)."""
        time.sleep(self.delay)  # long enough for a concurrent duplicate to arrive
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("transient failure")
        with self.db.transaction() as conn:
            number = conn.execute(
                sql.SQL("INSERT INTO {} (text) VALUES (%s) RETURNING id").format(sql.Identifier(self.table)),
                (call.body.text,),
            ).fetchone()[0]
        return Reply({"note": number}, status=201)

    def count(self) -> int:
        with self.db.transaction() as conn:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(self.table))
            return conn.execute(query).fetchone()[0]


@pytest.fixture
def writer(namespace):
    table = f"notes_{secrets.token_hex(4)}"
    admin = namespace.admin("gateway")
    with admin.transaction() as conn:
        conn.execute(sql.SQL("CREATE TABLE {} (id serial PRIMARY KEY, text text NOT NULL)").format(
            sql.Identifier(table)))
        conn.execute(sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(
            sql.Identifier(table), sql.Identifier(f"{namespace.name}_gateway")))
        conn.execute(sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(
            sql.Identifier(f"{table}_id_seq"), sql.Identifier(f"{namespace.name}_gateway")))
    return NoteWriter(namespace.database("gateway"), table, delay=0.3)


@pytest.fixture
def client(namespace, writer):
    db = namespace.database("gateway")
    routes = ROUTES.with_routes(
        Route("POST", "/v1/test/notes", "test.append_note", {"marriage_clerk"}, writer.append, body=NoteBody,
              status=201))
    app = GatewayApp(routes, PRINCIPALS, idempotency=PostgresIdempotencyStore(db),
                     access_log=PostgresAccessLog(db), health=FixedHealth())
    return Client(app.wsgi)


def post(client, body, key):
    return client.post("/v1/test/notes", data=json.dumps(body), content_type="application/json",
                       headers={**bearer("clerk"), "Idempotency-Key": key})


def test_a_replay_returns_the_first_response_and_writes_nothing_new(client, writer):
    key = secrets.token_hex(8)
    first = post(client, {"text": "one"}, key)
    again = post(client, {"text": "one"}, key)

    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert writer.count() == 1


def test_a_key_with_quotes_and_backslashes_is_claimed_and_replayed_as_itself(client, writer, namespace):
    # The claim's statements bind their values on the client side (one simple-query message each): every
    # character a key may carry must arrive as itself.
    key = "it's\\';DROP-TABLE--\\x27\"" + secrets.token_hex(4)  # visible ASCII: no spaces
    first = post(client, {"text": "quoted"}, key)
    again = post(client, {"text": "quoted"}, key)

    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert stored_keys(namespace, key) == {key}
    assert writer.count() == 1


def test_the_same_key_with_a_different_body_is_422_and_writes_nothing(client, writer):
    key = secrets.token_hex(8)
    post(client, {"text": "one"}, key)

    refused = post(client, {"text": "two"}, key)

    assert refused.status_code == 422
    assert refused.get_json(force=True)["code"] == "idempotency_key_reused"
    assert writer.count() == 1


def test_two_concurrent_identical_requests_execute_once(client, writer):
    key = secrets.token_hex(8)
    responses = []

    def send():
        responses.append(post(client, {"text": "raced"}, key))

    racers = [threading.Thread(target=send) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()

    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].get_data() == responses[1].get_data()
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert writer.count() == 1


def test_a_failed_first_attempt_leaves_the_key_free_for_a_retry(client, writer):
    key = secrets.token_hex(8)
    writer.fail_next = True

    failed = post(client, {"text": "retry me"}, key)
    retried = post(client, {"text": "retry me"}, key)

    assert failed.status_code == 500
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert writer.count() == 1


def audit_rows(namespace, correlation_id):
    with namespace.admin("gateway").transaction() as conn:
        return conn.execute("SELECT action, outcome FROM access_log WHERE correlation_id = %s",
                            (correlation_id,)).fetchall()


def post_as(client, body, key, correlation_id):
    return client.post("/v1/test/notes", data=json.dumps(body), content_type="application/json",
                       headers={**bearer("clerk"), "Idempotency-Key": key, "X-Correlation-Id": correlation_id})


def test_a_keyed_call_and_its_replay_each_write_one_access_log_row(client, namespace):
    key, first_id, replay_id = secrets.token_hex(8), secrets.token_hex(8), secrets.token_hex(8)

    post_as(client, {"text": "audited"}, key, first_id)
    post_as(client, {"text": "audited"}, key, replay_id)

    # The first call's row went in with the stored outcome (one statement, one commit); the replay, which
    # stores nothing, writes its own.
    assert audit_rows(namespace, first_id) == [("test.append_note", 201)]
    assert audit_rows(namespace, replay_id) == [("test.append_note", 201)]


def test_an_outcome_is_not_stored_without_its_access_log_row(client, namespace, writer):
    """The audit row and the stored outcome commit together: when the row cannot be written, the response
    is withheld (503) and the key stays free, so the client's retry is answered and audited normally."""
    key, role = secrets.token_hex(8), sql.Identifier(f"{namespace.name}_gateway")
    admin = namespace.admin("gateway")
    with admin.transaction() as conn:
        conn.execute(sql.SQL("REVOKE EXECUTE ON FUNCTION append_access FROM {}").format(role))
    try:
        withheld = post_as(client, {"text": "unaudited"}, key, secrets.token_hex(8))
    finally:
        with admin.transaction() as conn:
            conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION append_access TO {}").format(role))

    assert withheld.status_code == 503
    assert withheld.get_json(force=True)["code"] == "audit_unavailable"
    with admin.transaction() as conn:
        assert conn.execute("SELECT count(*) FROM idempotency_keys WHERE key = %s", (key,)).fetchone() == (0,)

    retry_id = secrets.token_hex(8)
    retried = post_as(client, {"text": "unaudited"}, key, retry_id)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    assert audit_rows(namespace, retry_id) == [("test.append_note", 201)]


# -- retention (docs/privacy.md) ----------------------------------------------------------------------------
def age_key(namespace, key: str, hours: float) -> None:
    with namespace.admin("gateway").transaction() as conn:
        conn.execute("UPDATE idempotency_keys SET created_at = now() - %s * interval '1 hour' WHERE key = %s",
                     (hours, key))


def stored_keys(namespace, *keys: str) -> set[str]:
    with namespace.admin("gateway").transaction() as conn:
        return {row[0] for row in conn.execute("SELECT key FROM idempotency_keys WHERE key = ANY(%s)",
                                               (list(keys),)).fetchall()}


def test_stored_responses_are_purged_after_72_hours_and_not_before(client, namespace):
    old, recent = secrets.token_hex(8), secrets.token_hex(8)
    for key in (old, recent):
        assert post_as(client, {"text": "kept a while"}, key, secrets.token_hex(8)).status_code == 201
    age_key(namespace, old, 72.1)
    age_key(namespace, recent, 71.9)

    purged = PostgresIdempotencyStore(namespace.database("gateway")).purge_expired()

    assert purged >= 1
    assert stored_keys(namespace, old, recent) == {recent}


def test_the_retention_is_configurable_and_purged_on_write(namespace, writer):
    db = namespace.database("gateway")
    routes = ROUTES.with_routes(Route("POST", "/v1/test/notes", "test.append_note", {"marriage_clerk"},
                                      writer.append, body=NoteBody, status=201))
    store = PostgresIdempotencyStore(db, retention_hours=1, purge_every=0)
    client = Client(GatewayApp(routes, PRINCIPALS, idempotency=store, access_log=PostgresAccessLog(db),
                               health=FixedHealth()).wsgi)
    older = secrets.token_hex(8)
    post_as(client, {"text": "an hour ago"}, older, secrets.token_hex(8))
    age_key(namespace, older, 1.5)

    post_as(client, {"text": "now"}, secrets.token_hex(8), secrets.token_hex(8))  # the write purges

    assert stored_keys(namespace, older) == set()
    with pytest.raises(ValueError):
        PostgresIdempotencyStore(db, retention_hours=0)


def test_a_different_request_racing_the_first_under_its_key_waits_and_is_422(client, writer):
    """The second request waits for the first's claim and then compares fingerprints: one executes, the other
    is refused, never both executed nor both refused."""
    key = secrets.token_hex(8)
    first = []
    racer = threading.Thread(target=lambda: first.append(post(client, {"text": "first"}, key)))
    racer.start()
    time.sleep(0.1)  # the first holds the claim while its handler sleeps (writer.delay)
    second = post(client, {"text": "second"}, key)
    racer.join()

    assert first[0].status_code == 201
    assert second.status_code == 422 and second.get_json(force=True)["code"] == "idempotency_key_reused"
    assert writer.count() == 1


# -- group commit (migration 0014) --------------------------------------------------------------------------
def test_keyed_calls_finishing_together_share_commits_each_outcome_with_its_own_audit_row(namespace):
    # One commit per keyed call held the access log's chain lock through each commit's WAL flush, one call
    # after another; calls that finish while a batch is written now go into the next one together.
    store, prefix, calls = PostgresIdempotencyStore(namespace.database("gateway")), secrets.token_hex(4), 12

    def call(n: int) -> bool:
        key = f"{prefix}-{n}"
        with store.claim("clerk.MR-610502", key, "f" * 64) as claim:
            assert claim.replay is None
            claim.record(StoredResponse(201, "application/json", b'{"n": %d}' % n, {"Location": f"/n/{n}"}),
                         audit=AccessRecord("clerk.MR-610502", "marriage_clerk", "test.group", None, None, 201, key))
        return claim.audited

    assert list(eventlet.GreenPool(calls).imap(call, range(calls))) == [True] * calls
    with namespace.admin("gateway").transaction() as conn:
        rows = conn.execute(
            "SELECT k.key, k.status, k.body, k.headers, k.xmin::text, a.xmin::text FROM idempotency_keys k"
            " JOIN access_log a ON a.correlation_id = k.key WHERE k.key LIKE %s ORDER BY k.key",
            (f"{prefix}-%",)).fetchall()
    assert len(rows) == calls
    for key, status, body, headers, outcome_commit, audit_commit in rows:
        n = int(key.rsplit("-", 1)[1])
        assert (status, bytes(body), headers) == (201, b'{"n": %d}' % n, {"Location": f"/n/{n}"})
        assert outcome_commit == audit_commit  # durable together or not at all
    assert len({row[4] for row in rows}) < calls  # outcomes written while a batch was in flight went in together
    # Each key is claimed and replayed as itself.
    with store.claim("clerk.MR-610502", f"{prefix}-3", "f" * 64) as claim:
        assert claim.replay is not None and claim.replay.body == b'{"n": 3}'


def test_a_claim_on_a_connection_that_lost_its_prepared_statement_prepares_it_again(namespace):
    # The claim is a statement prepared on each connection (idempotency.py); psycopg's rollback deallocates
    # every prepared statement of a connection where it has prepared some of its own. The next claim there finds
    # it missing, prepares it again and claims as before: one connection, so every claim below meets that.
    db = namespace.database("gateway", max_size=1)
    store, key = PostgresIdempotencyStore(db), secrets.token_hex(8)
    with db.pool.connection() as conn:
        conn.execute("DEALLOCATE ALL")
    with store.claim("clerk.MR-610502", key, "f" * 64) as claim:
        assert claim.replay is None
        claim.record(StoredResponse(201, "application/json", b'{"n": 1}'))
    with db.pool.connection() as conn:
        conn.execute("DEALLOCATE ALL")
        names = conn.execute("SELECT name FROM pg_prepared_statements").fetchall()
    assert names == []
    with store.claim("clerk.MR-610502", key, "f" * 64) as claim:
        assert claim.replay is not None and claim.replay.body == b'{"n": 1}'
    with store.claim("clerk.MR-610502", key, "f" * 64) as claim:  # the prepared claim, found this time
        assert claim.replay is not None and claim.replay.status == 201
    with db.pool.connection() as conn:
        names = conn.execute("SELECT name FROM pg_prepared_statements").fetchall()
    assert names == [("gateway_claim_idempotency_lock",)]
