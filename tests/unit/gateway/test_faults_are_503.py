"""A database or broker that is down is 503 `service_unavailable` with `Retry-After` — never a 500 — and a bug
is still a 500 (issue 17, docs/operations.md "Faults")."""

from __future__ import annotations

import psycopg
import pytest
from kombu.exceptions import OperationalError as KombuOperationalError
from nameko.exceptions import RemoteError
from psycopg_pool import PoolTimeout

from services.gateway.problems import unavailable
from shared.queue_probe import BrokerUnavailable


@pytest.mark.parametrize("exc", [
    psycopg.OperationalError("connection refused"),
    psycopg.errors.AdminShutdown("terminating connection"),
    psycopg.errors.QueryCanceled("statement timeout"),
    PoolTimeout("couldn't get a connection after 5.00 sec"),
    KombuOperationalError("[Errno 111] Connection refused"),
    BrokerUnavailable("ConnectionRefusedError"),
    ConnectionResetError(104, "reset"),
    RemoteError("OperationalError", "the service's database is down"),
    RemoteError("PoolTimeout", "no connection in time"),
    psycopg.errors.IdleInTransactionSessionTimeout("terminating connection due to idle-in-transaction timeout"),
    RemoteError("IdleInTransactionSessionTimeout", "the service's session idled too long in a transaction"),
])
def test_a_dependency_that_is_down_is_503_with_retry_after(exc):
    problem = unavailable(exc)

    assert problem is not None
    assert (problem.status, problem.code) == (503, "service_unavailable")
    assert int(problem.response().headers["Retry-After"]) > 0


@pytest.mark.parametrize("exc", [ValueError("bug"), KeyError("x"), RemoteError("TypeError", "bug"),
                                 psycopg.errors.UniqueViolation("duplicate")])
def test_a_bug_is_not_mistaken_for_an_outage(exc):
    assert unavailable(exc) is None


@pytest.mark.parametrize("exc", [
    psycopg.errors.ProgramLimitExceeded("index row size 8016 exceeds btree version 4 maximum 2704"),
    RemoteError("ProgramLimitExceeded", "index row size 8016 exceeds btree version 4 maximum 2704"),
    RemoteError("StatementTooComplex", "stack depth limit exceeded"),
])
def test_a_value_too_big_for_the_database_is_the_requests_fault_422_not_an_outage_nor_a_500(exc):
    problem = unavailable(exc)

    assert problem is not None
    assert (problem.status, problem.code) == (422, "value_too_large")
    assert "Retry-After" not in problem.response().headers
