"""Correlation ids across RPC calls and events.

nameko copies a worker's `context_data` into the headers of every RPC call and event it makes
(`nameko.<key>`), and the receiving worker gets them back as its context data. This dependency makes sure
each worker has a `correlation_id` (inherited or new) and binds it, with the causation id and principal,
to the log context for the worker's green thread.
"""

from __future__ import annotations

import uuid

from nameko.extensions import DependencyProvider
from structlog.contextvars import bind_contextvars, clear_contextvars

from shared.logging import CONTEXT_KEYS


class CorrelationContext(DependencyProvider):
    def worker_setup(self, worker_ctx) -> None:  # noqa: ANN001
        data = worker_ctx.data
        data.setdefault("correlation_id", uuid.uuid4().hex)
        clear_contextvars()
        bind_contextvars(**{key: data[key] for key in CONTEXT_KEYS if data.get(key)})

    def worker_teardown(self, worker_ctx) -> None:  # noqa: ANN001
        clear_contextvars()

    def get_dependency(self, worker_ctx):  # noqa: ANN001, ANN201
        return dict(worker_ctx.data)
