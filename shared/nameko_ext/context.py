"""Correlation ids across RPC calls and events.

nameko copies a worker's `context_data` into the headers of every RPC call and event it makes
(`nameko.<key>`), and the receiving worker gets them back as its context data. This dependency makes sure
each worker has a `correlation_id` (inherited or new) and binds it, with the causation id and principal,
to the log context for the worker's green thread. Services stamp the same ids on the events they record
with `self.context.metadata(...)`, so a subscriber downstream carries the chain on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from nameko.extensions import DependencyProvider
from structlog.contextvars import bind_contextvars, clear_contextvars

from shared.envelope import Metadata
from shared.logging import CONTEXT_KEYS


@dataclass(frozen=True)
class Correlation:
    correlation_id: str
    causation_id: str | None = None
    principal: str | None = None

    def metadata(
        self, *, actor: str | None = None, office: str | None = None, idempotency_key: str | None = None
    ) -> Metadata:
        """Event metadata for what this worker records."""
        return Metadata(
            actor=actor or self.principal, office=office, correlation_id=self.correlation_id,
            causation_id=self.causation_id, idempotency_key=idempotency_key,
        )


class CorrelationContext(DependencyProvider):
    # nameko injects dependencies before it calls worker_setup: both make sure the id exists.
    def worker_setup(self, worker_ctx) -> None:  # noqa: ANN001
        data = worker_ctx.data
        data.setdefault("correlation_id", uuid.uuid4().hex)
        clear_contextvars()
        bind_contextvars(**{key: data[key] for key in CONTEXT_KEYS if data.get(key)})

    def worker_teardown(self, worker_ctx) -> None:  # noqa: ANN001
        clear_contextvars()

    def get_dependency(self, worker_ctx) -> Correlation:  # noqa: ANN001
        data = worker_ctx.data
        data.setdefault("correlation_id", uuid.uuid4().hex)
        return Correlation(data["correlation_id"], data.get("causation_id"), data.get("principal"))
