"""One classification of transient failures (shared/faults.py) for the subscriptions and the gateway, judged
on the real exception types of psycopg, psycopg_pool, kombu and amqp, and on the `RemoteError` a service's
failure becomes on the way to the gateway."""

from __future__ import annotations

import psycopg
import pytest
from amqp.exceptions import ConnectionForced, RecoverableConnectionError
from kombu.exceptions import OperationalError as KombuOperationalError
from nameko.exceptions import RemoteError
from psycopg_pool import PoolClosed, PoolTimeout, TooManyRequests

from shared.faults import ShuttingDown, is_slow_statement, is_transient
from shared.queue_probe import BrokerUnavailable

INFRASTRUCTURE = [
    psycopg.OperationalError("server closed the connection unexpectedly"),
    psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
    psycopg.errors.CannotConnectNow("the database system is starting up"),
    psycopg.errors.SerializationFailure("could not serialize access"),
    psycopg.errors.DeadlockDetected("deadlock detected"),
    psycopg.errors.LockNotAvailable("lock timeout"),
    psycopg.errors.IdleInTransactionSessionTimeout("terminating connection due to idle-in-transaction timeout"),
    psycopg.errors.IdleSessionTimeout("terminating connection due to idle-session timeout"),
    psycopg.errors.DiskFull("could not extend file: No space left on device"),
    psycopg.errors.TooManyConnections("sorry, too many clients already"),
    PoolTimeout("couldn't get a connection after 5.00 sec"),
    PoolClosed("the pool 'funeral' is already closed"),
    TooManyRequests("the pool 'funeral' has already 100 requests waiting"),
    KombuOperationalError("[Errno 111] Connection refused"),
    RecoverableConnectionError("connection lost"),
    ConnectionForced("CONNECTION_FORCED - broker forced connection closure"),
    BrokerUnavailable("ConnectionRefusedError"),
    ConnectionResetError(104, "reset"),
    TimeoutError("timed out"),
    ShuttingDown("the gateway is stopping"),
]
BUGS = [ValueError("bad payload"), KeyError("x"), RuntimeError("Acquire on closed pool"), AssertionError(),
        psycopg.errors.UniqueViolation("duplicate key"), psycopg.errors.UndefinedTable("no such table"),
        psycopg.ProgrammingError("syntax error"),
        # SQLSTATE class 54, an OperationalError to psycopg, but the data's doing: retried, it fails again
        psycopg.errors.ProgramLimitExceeded("index row size 3000 exceeds btree version 4 maximum 2704"),
        psycopg.errors.StatementTooComplex("stack depth limit exceeded"),
        psycopg.errors.TooManyArguments("cannot pass more than 100 arguments to a function")]


def remote(exc: BaseException) -> RemoteError:
    """What nameko makes of an exception raised in a service, on the caller's side: its class name only."""
    return RemoteError(type(exc).__name__, str(exc))


@pytest.mark.parametrize("exc", INFRASTRUCTURE, ids=lambda e: type(e).__name__)
def test_an_infrastructure_failure_is_transient_here_and_from_a_service(exc):
    assert is_transient(exc)
    assert is_transient(remote(exc))


@pytest.mark.parametrize("exc", BUGS, ids=lambda e: type(e).__name__)
def test_a_bug_is_not_transient_here_nor_from_a_service(exc):
    assert not is_transient(exc)
    assert not is_transient(remote(exc))


def test_a_remote_exception_named_like_a_builtin_of_another_kind_is_a_bug():
    # psycopg has a SystemError (SQLSTATE class 58, an OperationalError); Python's own SystemError is a bug.
    assert is_transient(psycopg.errors.SystemError("io error"))
    assert not is_transient(RemoteError("SystemError", "bad internal call"))


def test_a_statement_timeout_is_slow_not_transient_so_a_subscription_dead_letters_a_handler_always_too_slow():
    slow = psycopg.errors.QueryCanceled("canceling statement due to statement timeout")

    assert is_slow_statement(slow) and is_slow_statement(remote(slow))
    assert not is_transient(slow) and not is_transient(remote(slow))
