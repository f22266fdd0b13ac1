"""Python's cyclic garbage collector, run less often in a process whose long-lived objects are settled.

A civreg process imports nameko, kombu, pydantic, psycopg and its own models at start: over a hundred
thousand objects that live as long as the process. At the default threshold (700 allocations) the collector
runs every few requests and, every tenth and hundredth time, scans those long-lived objects again, though
none of them will ever be garbage. Frozen (`gc.freeze`), they are left out of every collection; with a
higher first threshold the young objects of a request or a batch, which die with it and are seldom in a
cycle, are collected in fewer, larger passes. Memory stays bounded: a collection still runs every
`threshold` allocations, and cycles made later are still found.

Measured (the collector's own time, read with `gc.callbacks`, in the deployed shape's benchmark of
docs/benchmarks.md): in the gateway 0.47 s of 10.7 s of CPU at the default, 0.24 s frozen, 0.10 s frozen
with a threshold of 5,000; in the historical import, a fifth of the importing process's CPU before.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

# A service's first threshold: young objects per collection (the default is 700).
SERVICE_THRESHOLD = 5_000


@contextmanager
def fewer_collections(threshold: int = SERVICE_THRESHOLD) -> Iterator[None]:
    """Inside: the objects alive on entry frozen, and a collection every `threshold` allocations. On exit
    the collector is as it was."""
    gc.collect()
    gc.freeze()
    before = gc.get_threshold()
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def exit_frozen(status: int) -> NoReturn:
    """Exit the process with `status`, every object alive now frozen first. At exit the interpreter runs the
    cyclic collector over every object the process still holds, which no one will use again: 0.11 s after
    `civreg marriage-import` had only imported its modules, 0.01 s frozen, and more after an import, whose
    batches the collector had been told to leave alone (issue 19). The memory goes back to the system with
    the process. Objects in a reference cycle are then not finalised, so a command closes its files and
    connections itself before it returns, as every `civreg` command does."""
    gc.freeze()
    sys.exit(status)
