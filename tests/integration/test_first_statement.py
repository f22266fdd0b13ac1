"""A transaction begun by its first statement (shared/first_statement.py): BEGIN and the statement in one round
trip, committed or rolled back as one transaction, prepared again after psycopg deallocated it."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

import psycopg
import pytest
from psycopg import pq

from shared.envelope import Draft, Metadata
from shared.eventstore.postgres import PostgresEventStore
from shared.first_statement import FirstStatement, begun_by_first_statement
from shared.unit_of_work import EventIds, UnitOfWork
from tests.support.infrastructure import ADMIN_URL

pytestmark = pytest.mark.integration

IDLE, INTRANS = pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS


@pytest.fixture
def conn():
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute("CREATE TEMPORARY TABLE counters (name text PRIMARY KEY, last integer NOT NULL,"
                           " tag uuid)")
        yield connection


def take(name: str = "first_statement_take") -> FirstStatement:
    """The shape of the registration's statement: a counter taken, beside what the parameters were."""
    return FirstStatement(
        name, "INSERT INTO counters AS c (name, last, tag) VALUES (%s, 1, %s) ON CONFLICT (name) DO UPDATE"
              " SET last = c.last + 1 RETURNING last, name, tag, %s::integer", ("text", "uuid", "integer"))


def last(conn: psycopg.Connection, name: str) -> int | None:
    """The counter as the session sees it once its transaction has ended: committed, or rolled back."""
    assert conn.pgconn.transaction_status == IDLE
    row = conn.execute("SELECT last FROM counters WHERE name = %s", (name,)).fetchone()
    return row[0] if row else None


def test_the_statement_begins_the_transaction_which_commits_what_it_wrote(conn):
    tag = uuid.uuid4()
    with begun_by_first_statement(conn) as tx:
        rows = take().run(tx, ("o'brien; DROP TABLE counters; --", tag, 7))
        assert tx.pgconn.transaction_status == INTRANS  # begun by it, not autocommitted
        assert take().run(tx, ("o'brien; DROP TABLE counters; --", None, 8)) == [(2, rows[0][1], tag, 8)]

    assert rows == [(1, "o'brien; DROP TABLE counters; --", tag, 7)]  # the parameters as literals, quoted
    assert conn.pgconn.transaction_status == IDLE
    assert last(conn, "o'brien; DROP TABLE counters; --") == 2


def test_an_error_rolls_back_everything_the_transaction_did(conn):
    with pytest.raises(RuntimeError), begun_by_first_statement(conn) as tx:
        take().run(tx, ("rolled", None, 1))
        tx.execute("INSERT INTO counters (name, last) VALUES ('second', 1)")
        raise RuntimeError("refused")

    assert conn.pgconn.transaction_status == IDLE
    assert last(conn, "rolled") is None and last(conn, "second") is None


def test_after_a_rollback_deallocated_it_the_statement_is_prepared_again(conn):
    statement = take()
    with begun_by_first_statement(conn) as tx:
        statement.run(tx, ("again", None, 1))
    conn.execute("SELECT %s::int", (1,), prepare=True)  # psycopg's own prepared statement…
    conn.execute("BEGIN")
    conn.rollback()  # …and the rollback makes psycopg DEALLOCATE ALL
    assert conn.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s",
                        (statement.name,)).fetchone()[0] == 0

    with begun_by_first_statement(conn) as tx:
        assert statement.run(tx, ("again", None, 2)) == [(2, "again", None, 2)]
    assert last(conn, "again") == 2


def test_in_a_transaction_already_begun_it_runs_in_it_and_begins_nothing(conn):
    with conn.transaction():
        take().run(conn, ("inside", None, 1))
        assert conn.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'first_statement_take'"
                            ).fetchone()[0] == 0  # a plain statement of the caller's transaction
        with pytest.raises(psycopg.errors.DivisionByZero), conn.transaction():
            conn.execute("SELECT 1 / 0")
    assert last(conn, "inside") == 1


def test_a_scope_no_statement_began_sends_nothing(conn):
    with begun_by_first_statement(conn) as tx:
        assert tx.pgconn.transaction_status == IDLE
    assert conn.pgconn.transaction_status == IDLE


def test_placeholders_and_types_must_agree():
    with pytest.raises(ValueError, match="2 placeholders, 1 types"):
        FirstStatement("mismatch", "SELECT %s, %s", ("text",))


class _Draft(Draft):
    SCHEMA_VERSIONS = {"funeral.Tested": 1}


class _UnitOfWork(UnitOfWork):
    read_models = staticmethod(lambda tx: SimpleNamespace(apply=lambda event: None))


def test_a_unit_of_work_begun_by_its_first_statement_records_nothing_before_that_statement(namespace):
    """Before its first statement, such a unit of work's connection is in no transaction: an append there would
    commit at once, alone. It is refused, and the stream stays empty."""
    store = PostgresEventStore(namespace.database("funeral"))
    stream_id = f"first-statement-{uuid.uuid4()}"
    draft = _Draft("funeral.Tested", dt.date(2025, 6, 1), {"n": 1}, (("610502199001010011", "deceased"),))
    with store.db.connection() as conn, begun_by_first_statement(conn) as tx:
        uow = _UnitOfWork(store, tx, Metadata(actor="t"), EventIds(None))
        with pytest.raises(RuntimeError, match="only inside its transaction"):
            uow.record(stream_id, [draft], 0)
    assert store.stream_version(stream_id) == 0
