"""The pool hands out no connection whose session has ended (shared/db.py, `checked_out_alive`), and checks a
quiet connection without a round trip."""

from __future__ import annotations

import contextlib

import psycopg
import pytest

from tests.support.infrastructure import ADMIN_URL

pytestmark = pytest.mark.integration


def backend_of(db) -> int:  # noqa: ANN001
    with db.connection() as conn:
        return conn.execute("SELECT pg_backend_pid()").fetchone()[0]


def test_a_connection_whose_session_the_server_ended_is_replaced_before_anyone_uses_it(namespace):
    db = namespace.database("funeral", min_size=1, max_size=1)
    first = backend_of(db)
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        # Returns once the session has ended (its goodbye is on the idle pooled socket).
        assert admin.execute("SELECT pg_terminate_backend(%s, 10000)", (first,)).fetchone()[0]
    second = backend_of(db)  # raised "terminating connection" without the check
    assert second != first
    assert backend_of(db) == second  # a quiet connection passes the check and is handed out again


def test_every_pooled_connection_the_server_ends_at_once_is_replaced_and_every_checkout_succeeds(namespace):
    # A failover or an operator ending the service's sessions: none of the pool's idle connections is usable,
    # yet as many callers as the pool holds check out at once and each gets a live session of its own.
    db = namespace.database("funeral", min_size=3, max_size=3)

    def backends_held_at_once() -> list[int]:
        with contextlib.ExitStack() as held:
            conns = [held.enter_context(db.connection()) for _ in range(3)]
            return [conn.execute("SELECT pg_backend_pid()").fetchone()[0] for conn in conns]

    before = backends_held_at_once()
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        ended = [admin.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,)).fetchone()[0] for pid in before]
    assert ended == [True, True, True]

    after = backends_held_at_once()  # a dead connection handed out would raise "terminating connection" here
    assert len(set(after)) == 3 and not set(after) & set(before)
