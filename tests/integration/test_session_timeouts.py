"""The timeouts a service's sessions carry (issue 17, docs/operations.md "Timeouts"): as `DATABASE_TIMEOUTS`
gives them, and a session left idle inside a transaction — its client hung, or its machine vanished while
the kernel still answers keepalives — is ended by PostgreSQL, its locks released."""

from __future__ import annotations

import time

import psycopg
import pytest

from shared.db import Database
from shared.faults import is_transient
from shared.settings import Database as DatabaseSection
from tests.support.infrastructure import ADMIN_URL

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
