"""The access log on the real database: one row per authenticated call, refusals included, a table the
gateway can only append to, and calls finishing together sharing one commit without any of them being told
its row was written when it was not."""

from __future__ import annotations

import secrets

import eventlet
import psycopg
import pytest
from psycopg import sql
from werkzeug.test import Client

from services.gateway.access_log import AccessLogUnavailable, AccessRecord, PostgresAccessLog
from services.gateway.app import GatewayApp
from services.gateway.idempotency import PostgresIdempotencyStore
from services.gateway.routes import ROUTES, me
from services.gateway.routing import ANY_ROLE, Route
from tests.unit.gateway.fakes import PRINCIPALS, FixedHealth, bearer

pytestmark = pytest.mark.integration

PERSON = "610502199001010011"


@pytest.fixture
def client(namespace):
    db = namespace.database("gateway")
    routes = ROUTES.with_routes(
        Route("GET", "/v1/test/persons/<person_id>", "test.read_person", ANY_ROLE, me, subject="person_id"),
        Route("GET", "/v1/test/registrar-only", "test.registrar_only", {"marriage_registrar"}, me),
    )
    app = GatewayApp(routes, PRINCIPALS, idempotency=PostgresIdempotencyStore(db),
                     access_log=PostgresAccessLog(db), health=FixedHealth())
    return Client(app.wsgi)


def rows(namespace, correlation_id):
    with namespace.admin("gateway").transaction() as conn:
        return conn.execute(
            "SELECT principal, role, action, subject, purpose, outcome, at IS NOT NULL FROM access_log"
            " WHERE correlation_id = %s", (correlation_id,),
        ).fetchall()


def test_an_authenticated_call_writes_one_row_with_subject_and_purpose(client, namespace):
    headers = {**bearer("bureau"), "X-Purpose": "case 2025-17", "X-Correlation-Id": "al-1a"}
    response = client.get(f"/v1/test/persons/{PERSON}", headers=headers)

    assert response.status_code == 200
    assert rows(namespace, "al-1a") == [
        ("bureau.public_security", "bureau", "test.read_person", PERSON, "case 2025-17", 200, True)]


def test_a_call_refused_after_authentication_is_logged_with_its_outcome(client, namespace):
    client.get("/v1/test/registrar-only", headers={**bearer("clerk"), "X-Correlation-Id": "al-2a"})
    client.get("/v1/me", headers={**bearer("bureau"), "X-Correlation-Id": "al-2b"})

    assert [r[5] for r in rows(namespace, "al-2a")] == [403]
    assert [(r[2], r[5]) for r in rows(namespace, "al-2b")] == [("principals.me", 400)]


def test_a_subject_carrying_a_nul_byte_is_audited_written_out_not_refused_as_an_audit_failure(client, namespace):
    # PostgreSQL text cannot hold NUL: stored raw, the audit write would fail and the call answer 503.
    response = client.get("/v1/test/persons/TMP-%00-1", headers={**bearer("clerk"), "X-Correlation-Id": "al-0a"})

    assert response.status_code == 200
    assert [r[3] for r in rows(namespace, "al-0a")] == ["TMP-\\x00-1"]
    # Oversight asking for the same hostile id finds the row rather than a failed query (500).
    history = PostgresAccessLog(namespace.database("gateway")).history("TMP-\x00-1")
    assert [e["action"] for e in history] == ["test.read_person"]


def test_an_unauthenticated_call_writes_no_row(client, namespace):
    assert client.get("/v1/me", headers={"X-Correlation-Id": "al-3a"}).status_code == 401
    assert rows(namespace, "al-3a") == []


@pytest.mark.parametrize("statement", [
    "UPDATE access_log SET outcome = 200",
    "DELETE FROM access_log",
    "TRUNCATE access_log",
])
def test_the_gateway_role_cannot_change_the_access_log(client, namespace, statement):
    client.get("/v1/me", headers=bearer("clerk"))

    gateway_role = namespace.database("gateway")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), gateway_role.transaction() as conn:
        conn.execute(statement)


@pytest.mark.parametrize("statement", ["UPDATE access_log SET outcome = 200", "DELETE FROM access_log",
                                       "TRUNCATE access_log"])
def test_not_even_the_tables_owner_can_change_the_access_log(client, namespace, statement):
    client.get("/v1/me", headers=bearer("clerk"))

    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"), \
            namespace.admin("gateway").transaction() as conn:
        conn.execute(statement)


# -- group commit -------------------------------------------------------------------------------------------
def record_concurrently(access_log: PostgresAccessLog, entries: list[AccessRecord]) -> list[BaseException | None]:
    """Record every entry from a green thread of its own, all at once, as concurrent calls finishing do."""
    def record(entry: AccessRecord) -> BaseException | None:
        try:
            access_log.record(entry)
        except AccessLogUnavailable as exc:
            return exc
        return None

    return list(eventlet.GreenPool(len(entries)).imap(record, entries))


def entries(prefix: str, count: int) -> list[AccessRecord]:
    return [AccessRecord("clerk.MR-610502", "marriage_clerk", "test.group", PERSON if n % 2 else None, None,
                         200, f"{prefix}-{n}") for n in range(count)]


def test_calls_finishing_together_share_commits_and_every_row_is_written(namespace):
    prefix = f"al-group-{secrets.token_hex(4)}"

    failures = record_concurrently(PostgresAccessLog(namespace.database("gateway")), entries(prefix, 40))

    assert failures == [None] * 40
    with namespace.admin("gateway").transaction() as conn:
        written, commits = conn.execute(
            "SELECT count(*), count(DISTINCT xmin::text) FROM access_log WHERE correlation_id LIKE %s",
            (f"{prefix}-%",),
        ).fetchone()
    assert written == 40
    assert commits < 40  # rows written while a write was in flight went in together


def test_when_a_shared_write_fails_no_call_in_it_is_told_its_row_was_written(namespace):
    access_log, prefix = PostgresAccessLog(namespace.database("gateway")), f"al-fail-{secrets.token_hex(4)}"
    role = sql.Identifier(f"{namespace.name}_gateway")
    admin = namespace.admin("gateway")
    with admin.transaction() as conn:
        conn.execute(sql.SQL("REVOKE EXECUTE ON FUNCTION append_access FROM {}").format(role))
    try:
        failures = record_concurrently(access_log, entries(prefix, 10))
    finally:
        with admin.transaction() as conn:
            conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION append_access TO {}").format(role))

    assert all(isinstance(failure, AccessLogUnavailable) for failure in failures)
    # The log is not left stuck behind the failed write: the next calls are recorded.
    assert record_concurrently(access_log, entries(f"{prefix}-after", 5)) == [None] * 5
    with admin.transaction() as conn:
        counts = conn.execute("SELECT count(*) FILTER (WHERE correlation_id NOT LIKE %s), count(*)"
                              " FROM access_log WHERE correlation_id LIKE %s",
                              (f"{prefix}-after-%", f"{prefix}-%")).fetchone()
    assert counts == (0, 5)
