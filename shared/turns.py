"""Long loops of pure Python in a green process, taken in turns.

Every civreg process runs under eventlet (shared/bootstrap.py), where a green thread runs until it waits:
a loop of some tens of milliseconds without I/O holds up every other green thread of the process for that
long, among them transactions that have their answer from PostgreSQL and are waiting only to send their
next statement — or their commit, while they hold a lock others queue for. `in_turns` hands the process to
the others every few items (`time.sleep(0)`: eventlet's under its patching, a bare yield of the GIL without
it), so that their waits overlap the loop's work (issue 19: the historical import, M-12).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

EVERY = 50  # items between two turns: a turn costs a switch to the hub and back, some microseconds


def in_turns(items: Iterable[T], every: int = EVERY) -> Iterator[T]:
    """`items`, with a turn for the process's other green threads before every `every`-th item after the
    first."""
    for n, item in enumerate(items):
        if n and n % every == 0:
            time.sleep(0)
        yield item
