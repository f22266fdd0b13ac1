"""Process bootstrap: import this module first in every service process and in the test suite.

Two things must happen before psycopg, kombu or nameko are imported:

* eventlet's monkey patching, so that sockets, threads and sleeps become green;
* psycopg's select-based wait function. psycopg's default wait function is written in C and blocks
  inside the C call where eventlet cannot see it: one slow query then freezes every green thread of the
  process, and a LISTEN waiting on it loses NOTIFYs (measured here: 8 concurrent 0.2 s queries took
  1.65 s). `PSYCOPG_WAIT_FUNC=wait_select` makes psycopg wait with `select()`, which eventlet patches;
  psycopg's `waiting.wait` is then replaced by `shared.green_wait.wait_green`, which parks on eventlet's hub
  the same way at a fraction of the CPU per round trip.

eventlet prints a deprecation warning on import; it is filtered here so that it does not drown logs.
Domain code never imports eventlet: only this module and the nameko-facing adapters do.
"""

from __future__ import annotations

import os
import sys
import warnings

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
# eventlet's own warning class (not a DeprecationWarning subclass), matched by its message.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
# eventlet imports dnspython, which names DSA key classes; with `cryptography` installed (joserfc needs it)
# that import warns about DSA, which civreg never uses.
warnings.filterwarnings("ignore", message=r"DSA is deprecated")

if "psycopg" in sys.modules and os.environ["PSYCOPG_WAIT_FUNC"] != "wait_select":  # pragma: no cover
    raise RuntimeError("shared.bootstrap must be imported before psycopg")

import eventlet  # noqa: E402

eventlet.monkey_patch()

# psycopg stays on `wait_select` as chosen above (not its blocking C wait), but calls this cheaper green wait
# instead (shared/green_wait.py: one listener and no timer per round trip).
import psycopg.waiting  # noqa: E402

from shared.green_wait import wait_green  # noqa: E402

psycopg.waiting.wait = wait_green


def assert_cooperative() -> None:
    """Fail start-up if psycopg would block the event loop (see the module docstring)."""
    import psycopg.waiting

    if os.environ.get("PSYCOPG_WAIT_FUNC") != "wait_select" and os.environ.get("PSYCOPG_IMPL") != "python":
        raise RuntimeError("psycopg must use the select-based wait function under eventlet")
    if psycopg.waiting.wait is not wait_green and os.environ.get("PSYCOPG_IMPL") != "python":
        raise RuntimeError("psycopg.waiting.wait is not the green wait: import shared.bootstrap first")
    from eventlet import patcher

    for module in ("socket", "select", "thread", "time"):
        if not patcher.is_monkey_patched(module):
            raise RuntimeError(f"eventlet has not patched {module}")
