"""psycopg's wait function under eventlet: a green thread waiting for PostgreSQL parks on the hub until its
socket is ready, and nothing else (issue 19: CPU per round trip).

psycopg's `wait_select` (what `PSYCOPG_WAIT_FUNC=wait_select` chose, see shared/bootstrap.py) calls eventlet's
green `select.select` once per wait: listeners for the read, write and error lists, and a hub timer for its
0.1 s interval, which psycopg uses to notice a socket closed under it. Measured beside it (a transaction of six
round trips under eventlet, one client, on the shared 2 cores): 0.61 ms of the client's CPU with `wait_select`,
0.54 ms with a green wait armed with that timer, 0.34 ms with no timer at all — the timer per wait is most of
the cost.

So a wait here registers only the listener the generator asks for (read, write, or both) and arms no timer
unless its caller gave a deadline (`notifies(timeout=…)`, a cancel). What the interval was for — a socket
closed by another green thread while one waits on it, which epoll forgets silently, so the waiter would never
wake — is kept by one watchdog per process: every `WATCHDOG_SECONDS` it checks the sockets being waited on and
raises psycopg's `OperationalError("connection socket closed")` in the waiter, as `wait_select` would.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from time import monotonic
from typing import Any

import eventlet
import greenlet
from eventlet.hubs import get_hub
from psycopg import errors as e

WAIT_R, WAIT_W = 1, 2  # psycopg's Wait.R, Wait.W (and Ready.R, Ready.W: the same bits)
WATCHDOG_SECONDS = 1.0

_waiting: dict[int, Any] = {}  # socket → the green thread waiting on it (one at a time: psycopg's lock)
_watchdog: Any = None


class _Expired(Exception):
    """The caller's deadline passed while waiting."""


def wait_green(gen: Generator[int, int, Any], fileno: int, interval: float = 0.0,
               timeout: float | None = None) -> Any:
    """Consume psycopg's generator `gen` on socket `fileno` (psycopg's `WaitFunc`). `interval` is ignored: the
    watchdog notices a closed socket; `timeout` is honoured (psycopg's `_WaitTimeout`)."""
    deadline = monotonic() + timeout if timeout is not None else None
    try:
        s = next(gen)
        while True:
            ready = _park(fileno, s, None if deadline is None else max(0.0, deadline - monotonic()))
            s = gen.send(ready)
            if deadline is not None and monotonic() >= deadline:
                raise e._WaitTimeout("wait timeout expired")
    except StopIteration as ex:
        return ex.value


def _park(fileno: int, s: int, timeout: float | None) -> int:
    """Switch to the hub until the socket is ready for what `s` asks; the readiness (0 if `timeout` passed)."""
    hub = get_hub()
    current = greenlet.getcurrent()
    listeners = []
    if s & WAIT_R:
        listeners.append(hub.add(hub.READ, fileno, lambda _: current.switch(WAIT_R), current.throw, None))
    if s & WAIT_W:
        listeners.append(hub.add(hub.WRITE, fileno, lambda _: current.switch(WAIT_W), current.throw, None))
    timer = hub.schedule_call_global(timeout, current.throw, _Expired()) if timeout is not None else None
    _waiting[fileno] = current
    _ensure_watchdog()
    try:
        return hub.switch()
    except _Expired:
        return 0
    finally:
        _waiting.pop(fileno, None)
        for listener in listeners:
            hub.remove(listener)
        if timer is not None:
            timer.cancel()


def _ensure_watchdog() -> None:
    global _watchdog
    if _watchdog is None:
        _watchdog = eventlet.spawn_n(_watch)


def _watch() -> None:
    """Raise in each green thread waiting on a socket that has been closed (epoll would never wake it)."""
    hub = get_hub()
    while True:
        eventlet.sleep(WATCHDOG_SECONDS)
        for fileno, waiter in list(_waiting.items()):
            try:
                os.fstat(fileno)
            except OSError:
                hub.schedule_call_global(0, _throw_if_waiting, fileno, waiter)


def _throw_if_waiting(fileno: int, waiter: Any) -> None:
    """Only into a green thread still parked on the socket: one that woke meanwhile has moved on."""
    if _waiting.get(fileno) is waiter:
        waiter.throw(e.OperationalError("connection socket closed"))
