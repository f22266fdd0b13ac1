"""A database error the work itself causes is not transient (shared/faults.py, CAUSED_BY_THE_WORK), judged on
what a real PostgreSQL raises: an event or a command carrying a value too big for an index fails the same way
on every attempt, so a subscription must dead-letter it rather than put it back for ever, and the gateway must
not answer 503 "come back later"."""

from __future__ import annotations

import secrets

import psycopg
import pytest

from shared.faults import is_transient
from tests.support.infrastructure import ADMIN_URL

pytestmark = pytest.mark.integration


def test_a_value_too_big_for_its_index_is_the_works_fault_not_the_infrastructures():
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE indexed_note (note text PRIMARY KEY)")
        # random text does not compress: its index entry is over a B-tree page's third (SQLSTATE 54000)
        with pytest.raises(psycopg.OperationalError) as raised:
            conn.execute("INSERT INTO indexed_note VALUES (%s)", (secrets.token_hex(4000),))
    assert isinstance(raised.value, psycopg.errors.ProgramLimitExceeded)
    assert not is_transient(raised.value)


def test_a_lost_session_is_still_the_infrastructures():
    with psycopg.connect(ADMIN_URL, autocommit=True) as victim, psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (victim.info.backend_pid,))
        with pytest.raises(psycopg.OperationalError) as raised:
            victim.execute("SELECT 1")
    assert is_transient(raised.value)
