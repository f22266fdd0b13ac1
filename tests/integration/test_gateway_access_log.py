"""The access log on the real database: one row per authenticated call, refusals included, and a table the
gateway can only append to."""

from __future__ import annotations

import psycopg
import pytest
from werkzeug.test import Client

from services.gateway.access_log import PostgresAccessLog
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
