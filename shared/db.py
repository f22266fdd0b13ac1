"""PostgreSQL access: a connection pool bound to one service's schema.

Every civreg service owns one schema (`<namespace>_<service>`, e.g. `civreg_marriage`) and connects as a
role of the same name, which may insert into its `events` table but never update or delete it. The pool
sets `search_path` to the schema, so SQL in the services names its tables without qualification.
Import `shared.bootstrap` before this module in a process that runs eventlet.

Faults (docs/operations.md, "Faults"): every connection has a connect timeout and TCP keepalives on both ends
(the client's libpq options and the server's `tcp_keepalives_*` for the session), so a peer that vanished is
noticed within about `KEEPALIVE_BOUND` seconds — a dead relay leader's advisory lock is released by then.
Statement, lock and idle-in-transaction timeouts are set per connection where the settings give them (the
services' pools do; tools that run long statements, such as a rebuild, leave them off). A checkout waits at
most `checkout_timeout` seconds (`psycopg_pool.PoolTimeout`), and the pool checks each connection before
handing it out, so after a PostgreSQL restart no caller meets a dead connection: the check fails, the pool
discards it and hands out another. The check costs no round trip while the connection is quiet
(`checked_out_alive`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass

import eventlet.patcher
import psycopg
from psycopg import pq
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import tuple_row
from psycopg_pool import ConnectionPool
from psycopg_pool.base import AttemptWithBackoff

_select = eventlet.patcher.original("select")  # a zero-timeout poll never blocks: no need to yield to the hub

DEFAULT_NAMESPACE = "civreg"
# TCP keepalives: idle 10 s, then a probe every 5 s, 3 unanswered = dead: a vanished peer is noticed in ~25 s.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
SERVER_KEEPALIVES = "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"
KEEPALIVE_BOUND = 10 + 5 * 3


def schema_name(namespace: str, service: str) -> str:
    """The schema (and database role) that holds one service's data."""
    return f"{namespace}_{service}"


def checked_out_alive(conn: psycopg.Connection) -> None:
    """The pool's check of a connection before it hands it out (raises if the connection is dead).

    An idle connection in the pool is sent nothing by the server (pooled connections do not LISTEN), so a socket
    with something to read means the server closed the session (a restart, a terminated backend, a cut link:
    the end of file or the reset) or sent a notice: only then is the server asked, with an empty query (psycopg's
    own check). A quiet socket is handed out as it is. Asking every time cost a round trip per checkout — a
    single-event append made two where a plain INSERT makes one (docs/benchmarks.md, "Foundation").
    """
    if conn.closed or conn.pgconn.status != pq.ConnStatus.OK:
        raise psycopg.OperationalError("the connection is closed")
    if _select.select([conn.fileno()], [], [], 0)[0]:
        ConnectionPool.check_connection(conn)


MAX_RECONNECT_DELAY = 10.0  # seconds between a pool's attempts to reach a database that is down


class _CappedBackoff(AttemptWithBackoff):
    """psycopg_pool's reconnection backoff doubles without bound until `reconnect_timeout`: after a 3-minute
    outage its next attempt may be minutes away (measured: a service stayed unable to connect for over a minute
    after PostgreSQL was back). Capped, a pool reconnects within MAX_RECONNECT_DELAY of the database's return."""

    def update_delay(self, now: float) -> None:
        super().update_delay(now)
        self.delay = min(self.delay, MAX_RECONNECT_DELAY)


class ResilientPool(ConnectionPool):
    """A `ConnectionPool` whose reconnection attempts back off to at most MAX_RECONNECT_DELAY seconds."""

    def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        super()._add_connection(attempt or _CappedBackoff(timeout=self.reconnect_timeout), growing)


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    schema: str
    role: str | None = None  # the role to connect as when the URL names no user; default: the schema's
    min_size: int = 1
    max_size: int = 10
    connect_timeout: int = 5  # seconds, per attempt (libpq)
    checkout_timeout: float = 30.0  # seconds a caller waits for a pooled connection
    statement_timeout_ms: int = 0  # 0: none
    lock_timeout_ms: int = 0  # 0: none
    # A session idle inside a transaction this long is ended by PostgreSQL (0: never): a client that hung or
    # whose machine vanished mid-transaction — answering keepalives or not — cannot hold its locks (the
    # append lock of a whole store, say) for longer.
    idle_in_transaction_timeout_ms: int = 0


class Database:
    """A pool of connections whose `search_path` is one service's schema.

    A URL that names no user connects as the schema's own role (`civreg_marriage`), which is how the
    development machine runs (trust authentication); production URLs name their user and password.
    """

    def __init__(self, settings: DatabaseSettings, *, open: bool = True) -> None:
        self.settings = settings
        self.schema = settings.schema
        options = f"-c search_path={settings.schema} {SERVER_KEEPALIVES}"
        if settings.statement_timeout_ms:
            options += f" -c statement_timeout={int(settings.statement_timeout_ms)}"
        if settings.lock_timeout_ms:
            options += f" -c lock_timeout={int(settings.lock_timeout_ms)}"
        if settings.idle_in_transaction_timeout_ms:
            options += f" -c idle_in_transaction_session_timeout={int(settings.idle_in_transaction_timeout_ms)}"
        self._kwargs: dict[str, object] = {"options": options, "autocommit": True,
                                           "connect_timeout": settings.connect_timeout, **KEEPALIVES}
        if not conninfo_to_dict(settings.url).get("user"):
            self._kwargs["user"] = settings.role or settings.schema
        self.pool = ResilientPool(
            settings.url,
            min_size=settings.min_size,
            max_size=settings.max_size,
            kwargs=self._kwargs,
            name=f"pool-{settings.schema}",
            open=False,
            timeout=settings.checkout_timeout,
            check=checked_out_alive,  # no caller meets a connection that died with the server
            # Keep trying to (re)connect through a long outage (backoff up to MAX_RECONNECT_DELAY between
            # attempts), rather than giving up after psycopg_pool's default 5 minutes.
            reconnect_timeout=24 * 3600,
        )
        if open:
            self.open()

    def open(self, wait: bool = True) -> None:
        """Open the pool; `wait`: until its first connections are made (15 s at most, else PoolTimeout).
        Without waiting the pool connects in the background, retrying with backoff while the database is down;
        checkouts meanwhile wait up to `checkout_timeout` and fail with PoolTimeout (transient)."""
        self.pool.open(wait=wait, timeout=15)

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def transaction(self, tx: psycopg.Connection | None = None) -> Iterator[psycopg.Connection]:
        """A connection in a transaction: committed on success, rolled back on error.

        Given the caller's connection `tx`, it joins that transaction instead (unit of work).
        """
        if tx is not None:
            yield tx
            return
        with _Checkout(self.pool) as conn, conn.transaction():
            yield conn

    def connection(self, tx: psycopg.Connection | None = None) -> AbstractContextManager[psycopg.Connection]:
        """For single statements: a pooled connection in autocommit mode (each statement its own
        transaction, one round trip), or the caller's transaction `tx` if given."""
        return _Checkout(self.pool) if tx is None else nullcontext(tx)

    def connect(self) -> psycopg.Connection:
        """A dedicated autocommit connection outside the pool (LISTEN, session advisory locks)."""
        return psycopg.connect(self.settings.url, **self._kwargs)

    def ping(self) -> bool:
        with self.connection() as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)


class _Checkout:
    """`Database.connection()`: a pooled connection, handed back on exit. The pool's own `connection()` also
    enters the connection's context, which commits (or rolls back) its transaction on exit: an autocommit
    connection has none open — a `conn.transaction()` closes its own, and the pool rolls back whatever a
    caller left open when the connection comes back. Without that layer, and without a generator-based
    context manager, a checkout and return cost 6.5 µs of the client's CPU instead of 11 (measured alone; a
    single-event append is mostly such fixed costs, docs/benchmarks.md, "Foundation")."""

    __slots__ = ("_pool", "_conn")

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def __enter__(self) -> psycopg.Connection:
        self._conn = self._pool.getconn()
        return self._conn

    def __exit__(self, *exc_info: object) -> None:
        self._pool.putconn(self._conn)


def kept_cursor(conn: psycopg.Connection) -> psycopg.Cursor:
    """A cursor kept on `conn` for a statement run on it again and again (the single append); rows as tuples.

    `conn.execute` makes a new cursor each time, and with it psycopg's adaptation context, which then looks up
    and makes the parameters' dumpers and the result's loaders again. A cursor run again with the same query
    object keeps that context (psycopg's `_last_query`): 13 µs less of the client's CPU per statement, measured
    alone (a three-column row, one process, alternated). The cursor lives as long as its connection; read its
    rows right after `execute`, before anything else can run on the connection (eventlet switches green
    threads only while one waits, and the connection's lock makes another statement wait for this one)."""
    try:
        return conn._kept_cursor  # type: ignore[attr-defined]
    except AttributeError:
        cursor = conn._kept_cursor = conn.cursor(row_factory=tuple_row)  # type: ignore[attr-defined]
        return cursor
