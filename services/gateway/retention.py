"""Purging what the gateway keeps only for a while (docs/privacy.md), on write rather than on a timer.

A store that writes calls its `PurgeOnWrite` after each write; the purge (one indexed DELETE in its own
autocommit statement) runs when the last one is `every` seconds old. So a gateway that takes writes keeps
nothing longer than the retention plus that interval, without a timer of its own, and a failed purge never
fails the write that triggered it: the next write purges again. The purge function is also what an
operator's timer may call.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import psycopg

from shared.logging import get_logger

log = get_logger(__name__)


class PurgeOnWrite:
    def __init__(self, purge: Callable[[], int], what: str, every: float = 300.0) -> None:
        self.purge = purge
        self.what = what
        self.every = every
        self._last = -math.inf

    def run(self) -> int:
        """Purge now; returns how many rows went."""
        self._last = time.monotonic()
        return self.purge()

    def after_write(self) -> None:
        if time.monotonic() - self._last >= self.every:
            try:
                self.run()
            except psycopg.Error:  # the write is committed already; the next one purges again
                log.warning(f"{self.what} purge failed", exc_info=True)
