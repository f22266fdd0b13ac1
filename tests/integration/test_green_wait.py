"""psycopg's green wait (shared/green_wait.py): queries wait cooperatively, a caller's deadline holds, and a
socket closed under a waiting green thread wakes it with psycopg's error instead of leaving it parked forever."""

from __future__ import annotations

import contextlib
import os
import time

import eventlet
import psycopg
import psycopg.waiting
import pytest

from shared import green_wait
from tests.support.infrastructure import ADMIN_URL


def test_psycopg_waits_with_the_green_wait():
    assert psycopg.waiting.wait is green_wait.wait_green


def test_slow_queries_of_several_green_threads_overlap():
    def slow() -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute("SELECT pg_sleep(0.3)")

    started = time.monotonic()
    pool = eventlet.GreenPool()
    for _ in range(4):
        pool.spawn(slow)
    pool.waitall()
    assert time.monotonic() - started < 1.0  # 1.2 s if each query blocked the others


def test_a_deadline_ends_the_wait():
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute("LISTEN green_wait_nobody")
        started = time.monotonic()
        assert list(conn.notifies(timeout=0.2)) == []
        assert 0.15 < time.monotonic() - started < 2.0


def test_a_socket_closed_under_a_waiting_green_thread_raises_in_it():
    conn = psycopg.connect(ADMIN_URL, autocommit=True)
    waiting = eventlet.spawn(conn.execute, "SELECT pg_sleep(30)")
    eventlet.sleep(0.2)  # the query is sent and its green thread parked on the socket
    os.close(conn.pgconn.socket)  # what the old wait's 0.1 s interval noticed, and epoll does not
    with pytest.raises(psycopg.OperationalError), eventlet.Timeout(green_wait.WATCHDOG_SECONDS * 5):
        waiting.wait()
    with contextlib.suppress(Exception):  # the socket is gone; only the client's state is freed here
        conn.close()
