"""A transaction begun by its first statement: `BEGIN` and that statement in one round trip (issue 19).

psycopg begins a transaction with a `BEGIN` of its own, a round trip before the first statement: on a
registration's hot path (four round trips: BEGIN, the facts and serial, the append, COMMIT) it cost about 50 µs
of the service's CPU and 15 µs of its backend's. Here the first statement is sent with it, as one simple query
`BEGIN; EXECUTE <name>(<literals>)`: a multi-statement query must be a simple one (no bound parameters), so the
parameters are quoted by psycopg's client-side binding, and the statement is a server-side prepared one, so that
PostgreSQL neither parses nor plans it again (a simple query of the statement itself was planned each time:
about 200 µs more of the backend's CPU).

A statement is prepared on a connection when first run there (`PREPARE` sent in the same query, before `BEGIN`).
psycopg deallocates every prepared statement of a connection when it rolls back (DEALLOCATE ALL), so whether it
is still there is not remembered: a run that finds it missing rolls its fresh transaction back and prepares it
again, one round trip more after each rollback on that connection.

`begun_by_first_statement(conn)` is the transaction's scope on a pooled autocommit connection: it commits what
the first statement began, rolls back on an error, and sends nothing if no statement began one. Work run in it
must begin with such a statement: a statement before it would run outside the transaction (a read only, as a
replay check, is harmless). On a connection already in a transaction (a caller's unit of work, a test's) the
statement simply runs in it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import ClientCursor, pq


@dataclass(frozen=True)
class FirstStatement:
    """A statement (psycopg's `%s` placeholders) that begins its transaction when it is the first one."""

    name: str  # the server-side prepared statement's name, unique in the process
    query: str  # with `%s` placeholders
    types: Sequence[str]  # the SQL type of each placeholder, in order (the PREPARE's parameter types)

    def __post_init__(self) -> None:
        if self.query.count("%s") != len(self.types):
            raise ValueError(f"{self.name}: {self.query.count('%s')} placeholders, {len(self.types)} types")

    def run(self, conn: psycopg.Connection, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """The statement's rows; it begins the transaction if `conn` is not in one."""
        if conn.pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return conn.execute(self.query, params).fetchall()
        execute = f"EXECUTE {self.name}({', '.join(['%s'] * len(self.types))})"
        try:
            return _last_rows(conn, f"BEGIN; {execute}", params)
        except psycopg.errors.InvalidSqlStatementName:
            conn.rollback()  # the transaction just begun, which holds nothing yet
        return _last_rows(conn, f"PREPARE {self.name} ({', '.join(self.types)}) AS {self._numbered()};"
                                f" BEGIN; {execute}", params)

    def _numbered(self) -> str:
        """The query with PostgreSQL's `$n` placeholders, as PREPARE takes it."""
        parts = self.query.split("%s")
        return "".join(part + (f"${n + 1}" if n < len(parts) - 1 else "") for n, part in enumerate(parts))


def _last_rows(conn: psycopg.Connection, query: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    cursor = ClientCursor(conn)
    cursor.execute(query, params)
    while cursor.nextset():  # BEGIN's result (and PREPARE's) come first
        pass
    return cursor.fetchall()


@contextmanager
def begun_by_first_statement(conn: psycopg.Connection) -> Iterator[psycopg.Connection]:
    """The scope of a transaction that a `FirstStatement` begins on the autocommit connection `conn`: committed
    on success, rolled back on an error; nothing is sent if no transaction was begun."""
    try:
        yield conn
    except BaseException:
        if not conn.closed and conn.pgconn.transaction_status != pq.TransactionStatus.IDLE:
            conn.rollback()
        raise
    if conn.pgconn.transaction_status != pq.TransactionStatus.IDLE:
        conn.commit()
