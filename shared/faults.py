"""Which failures are the infrastructure's and not the code's: one classification for every caller.

A *transient* failure says nothing about the work that met it — the database or the broker connection was
lost or refused, no pooled connection came in time, the transaction lost a serialization race or a deadlock,
a lock or an idle-in-transaction timeout ended it, this process is stopping. Retrying later may succeed:

* a subscription puts the delivery back without counting an attempt (shared/nameko_ext/subscription.py);
* the gateway answers 503 `service_unavailable` with `Retry-After`, never a 500 (services/gateway/problems.py).

A failure the work itself caused (`is_caused_by_the_work`: PostgreSQL's SQLSTATE class 54, a value too big for
its index) is not transient: the gateway answers 422 `value_too_large`, a subscription dead-letters it.

A statement that ran into `statement_timeout` (`QueryCanceled`) is told apart (`is_slow_statement`): to a
client it is an overloaded service (503, retry), but a subscription handler that is always too slow must
reach the dead-letter queue rather than retry forever — so it is not `is_transient`.

A service's failure reaches the gateway as nameko's `RemoteError`, which keeps only the exception's class
name: it is judged by that name, against the names of the same types (and their subclasses).
"""

from __future__ import annotations

import builtins
from functools import cache

import psycopg
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError as KombuOperationalError
from nameko.exceptions import RemoteError
from psycopg_pool import PoolTimeout

from shared.queue_probe import BrokerUnavailable


class ShuttingDown(RuntimeError):
    """This process is stopping and takes no new work; another instance (or this one, restarted) will."""


BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, AmqpConnectionError)  # RabbitMQ lost

# psycopg.OperationalError covers a lost or refused connection, AdminShutdown, CannotConnectNow, the
# transaction rollbacks (SerializationFailure, DeadlockDetected), LockNotAvailable, IdleSessionTimeout and
# psycopg_pool's PoolTimeout, PoolClosed and TooManyRequests. A session ended for idling in a transaction is an
# InternalError to psycopg, but it only says the work waited too long (for a worker, say), not that it is bad.
TRANSIENT_TYPES: tuple[type[BaseException], ...] = (
    psycopg.OperationalError, psycopg.errors.IdleInTransactionSessionTimeout, PoolTimeout,
    *BROKER_ERRORS, ConnectionError, TimeoutError, BrokerUnavailable, ShuttingDown,
)
# ...except what the work itself caused, though psycopg files it under OperationalError: SQLSTATE class 54
# (program limit exceeded: an index row or a statement too big, too many arguments) comes from the data the
# command or event carries. Retried, it fails the same way for ever: a subscription must dead-letter it, and the
# gateway must not tell the client to come back later.
CAUSED_BY_THE_WORK: tuple[type[BaseException], ...] = (
    psycopg.errors.ProgramLimitExceeded, psycopg.errors.StatementTooComplex, psycopg.errors.TooManyColumns,
    psycopg.errors.TooManyArguments,
)


def is_slow_statement(exc: BaseException) -> bool:
    """A statement cancelled by `statement_timeout`, here or in the service a `RemoteError` comes from."""
    if isinstance(exc, RemoteError):
        return exc.exc_type == psycopg.errors.QueryCanceled.__name__
    return isinstance(exc, psycopg.errors.QueryCanceled)


def is_caused_by_the_work(exc: BaseException) -> bool:
    """A database limit the request's or event's own data ran into, here or in the service it comes from."""
    if isinstance(exc, RemoteError):
        return exc.exc_type in _names(CAUSED_BY_THE_WORK)
    return isinstance(exc, CAUSED_BY_THE_WORK)


def is_transient(exc: BaseException) -> bool:
    """A failure of the infrastructure, not of the work: retrying later may succeed and proves nothing."""
    if is_slow_statement(exc):
        return False
    if isinstance(exc, RemoteError):
        return exc.exc_type in _transient_names()
    return isinstance(exc, TRANSIENT_TYPES) and not isinstance(exc, CAUSED_BY_THE_WORK)


def _names(kinds: tuple[type[BaseException], ...]) -> set[str]:
    """The class names of `kinds` and all their subclasses, as a `RemoteError` names them."""
    seen: set[type[BaseException]] = set()
    pending = list(kinds)
    while pending:
        kind = pending.pop()
        if kind not in seen:
            seen.add(kind)
            pending.extend(kind.__subclasses__())
    return {kind.__name__ for kind in seen}


@cache
def _transient_names() -> frozenset[str]:
    """The names of TRANSIENT_TYPES and their subclasses less those CAUSED_BY_THE_WORK, and less any name that
    is also a built-in exception of another kind (psycopg has a `SystemError` of its own)."""
    names = _names(TRANSIENT_TYPES) - _names(CAUSED_BY_THE_WORK)
    other_builtins = {name for name in names if isinstance(builtin := getattr(builtins, name, None), type)
                      and not issubclass(builtin, TRANSIENT_TYPES)}
    return frozenset(names - other_builtins)
