"""The timeouts a service's sessions carry (issue 17, docs/operations.md "Timeouts"): as `DATABASE_TIMEOUTS`
gives them, and a session left idle inside a transaction — its client hung, or its machine vanished while
the kernel still answers keepalives — is ended by PostgreSQL, its locks released; the gateway's own session so
ended answers 503, not 500."""

from __future__ import annotations

import json
import secrets
import time

import psycopg
import pytest
from pydantic import BaseModel, ConfigDict
from werkzeug.test import Client

from services.gateway.access_log import PostgresAccessLog
from services.gateway.app import GatewayApp
from services.gateway.idempotency import PostgresIdempotencyStore
from services.gateway.routes import ROUTES
from services.gateway.routing import Call, Reply, Route
from shared.db import Database
from shared.faults import is_transient
from shared.settings import Database as DatabaseSection
from tests.support.infrastructure import ADMIN_URL
from tests.unit.gateway.fakes import PRINCIPALS, FixedHealth, bearer

pytestmark = pytest.mark.integration


def settings_of(namespace, **timeouts):
    return DatabaseSection.model_validate({"DATABASE_URL": ADMIN_URL, "NAMESPACE": namespace.name,
                                           "DATABASE_POOL": {"MIN_SIZE": 0, "MAX_SIZE": 2},
                                           "DATABASE_TIMEOUTS": timeouts}).of_service("funeral")


def test_a_services_sessions_carry_its_timeouts(fresh_namespace):
    db = Database(settings_of(fresh_namespace("funeral")))
    try:
        with db.connection() as conn:
            shown = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in (
                "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")}
    finally:
        db.close()
    assert shown == {"statement_timeout": "30s", "lock_timeout": "10s", "idle_in_transaction_session_timeout": "15s"}


def test_a_session_idle_inside_a_transaction_is_ended_and_its_locks_released(fresh_namespace):
    namespace = fresh_namespace("funeral")
    db = Database(settings_of(namespace, IDLE_IN_TRANSACTION_MS=300))
    try:
        with pytest.raises(psycopg.errors.IdleInTransactionSessionTimeout) as ended, db.transaction() as hung:
            hung.execute("SELECT pg_advisory_xact_lock(1, hashtext(current_schema()))")  # the store's append lock
            time.sleep(1.5)  # the client says nothing more
            hung.execute("SELECT 1")
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            held = admin.execute("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                                 " WHERE l.locktype = 'advisory' AND a.usename = %s",
                                 (f"{namespace.name}_funeral",)).fetchone()[0]
        assert held == 0
        assert is_transient(ended.value)  # a delivery ended so is retried, not counted toward dead letters
    finally:
        db.close()


class Slow:
    """A test-only POST handler that answers after `delay` seconds, while the gateway holds its key's claim open."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    def handle(self, call: Call) -> Reply:
        """Answer slowly (test route)."""
        time.sleep(self.delay)
        return Reply({"done": True}, status=201)


class SlowBody(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str


def test_a_keyed_request_whose_claim_idles_past_the_timeout_is_503_and_its_key_is_free_for_the_retry(namespace):
    # The gateway's session idles in the key's claim while the handler runs (its RPC, in production): ended by
    # PostgreSQL, the request is a 503 with Retry-After — never a 500 — and nothing was stored under the key.
    db = namespace.database("gateway", idle_in_transaction_timeout_ms=300)
    slow = Slow(delay=1.5)
    routes = ROUTES.with_routes(Route("POST", "/v1/test/slow", "test.slow", {"marriage_clerk"}, slow.handle,
                                      body=SlowBody, status=201))
    client = Client(GatewayApp(routes, PRINCIPALS, idempotency=PostgresIdempotencyStore(db),
                               access_log=PostgresAccessLog(db), health=FixedHealth()).wsgi)
    key = secrets.token_hex(8)

    def post():
        return client.post("/v1/test/slow", data=json.dumps({"text": "x"}), content_type="application/json",
                           headers={**bearer("clerk"), "Idempotency-Key": key})

    ended = post()

    assert ended.status_code == 503
    assert ended.get_json(force=True)["code"] == "service_unavailable"
    assert int(ended.headers["Retry-After"]) > 0
    slow.delay = 0
    retried = post()
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
