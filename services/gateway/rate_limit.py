"""A per-client rate limit for public routes (K-8: certificate verification cannot be used to guess codes).

A fixed window per client address: at most `limit` calls per `window` seconds, then 429 `rate_limited` with
Retry-After until the window ends. The count lives in this gateway process (several gateway processes each
allow the limit; a guesser still gets nowhere against a 59-bit code). Configured with
`CIVREG_VERIFICATION_RATE_LIMIT=<calls>/<seconds>` (default 30/60).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable

from services.gateway.problems import Problem

DEFAULT = "30/60"
MAX_CLIENTS = 100_000  # the table of windows is emptied of ended windows beyond this


class RateLimit:
    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit allows at least one call in a positive window")
        self.limit, self.window, self.clock = limit, window, clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_text(cls, text: str) -> RateLimit:
        calls, _, seconds = text.partition("/")
        return cls(int(calls), float(seconds))

    def check(self, client: str) -> None:
        """Count one call of `client`, or refuse it with 429 and the seconds until its window ends."""
        now = self.clock()
        with self._lock:
            started, count = self._windows.get(client, (now, 0))
            if now - started >= self.window:
                started, count = now, 0
            if count >= self.limit:
                retry = max(1, math.ceil(started + self.window - now))
                raise Problem(429, "rate_limited", f"at most {self.limit} checks per {self.window:g} seconds",
                              headers={"Retry-After": str(retry)})
            if len(self._windows) >= MAX_CLIENTS:
                self._windows = {c: w for c, w in self._windows.items() if now - w[0] < self.window}
            self._windows[client] = (started, count + 1)


_limits: dict[str, RateLimit] = {}


def verification_limit() -> RateLimit:
    """The process's limit for public verification, read from the environment once."""
    text = os.environ.get("CIVREG_VERIFICATION_RATE_LIMIT") or DEFAULT
    if text not in _limits:
        _limits[text] = RateLimit.from_text(text)
    return _limits[text]
