"""Correlation ids across RPC calls and events.

nameko copies a worker's `context_data` into the headers of every RPC call and event it makes
(`nameko.<key>`), and the receiving worker gets them back as its context data. This dependency makes sure
each worker has a `correlation_id` (inherited or new) and binds it, with the causation id and principal,
to the log context for the worker's green thread. Services stamp the same ids on the events they record
with `self.context.metadata(...)`, so a subscriber downstream carries the chain on.

Each worker also runs in an OpenTelemetry span (shared/tracing.py) continuing the `traceparent` of its context
data (the client's, the RPC caller's or the event's); the worker's own `traceparent` replaces it, so nameko
passes it to the next hop, and its `trace_id` is bound to the log context with the correlation id.

An event's handler runs with the event's ids (`event_context`): its correlation id, the event itself as the
cause, and its `traceparent`. A handler that applies many events in one worker (the timeline's batches) starts
the same span (where spans are exported) and logs the same keys per event with `handled_trace_ids` and
`log_context`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from nameko.extensions import DependencyProvider
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from structlog.contextvars import bind_contextvars, clear_contextvars

from shared.envelope import Event, Metadata
from shared.errors import Refusal
from shared.logging import CONTEXT_KEYS
from shared.settings import Telemetry
from shared.tracing import TRACEPARENT, start_span, trace_id_continuing, trace_id_of, traceparent_of


@dataclass(frozen=True)
class Correlation:
    correlation_id: str
    causation_id: str | None = None
    principal: str | None = None
    traceparent: str | None = None

    def metadata(
        self, *, actor: str | None = None, office: str | None = None, idempotency_key: str | None = None
    ) -> Metadata:
        """Event metadata for what this worker records."""
        return Metadata(
            actor=actor or self.principal, office=office, correlation_id=self.correlation_id,
            causation_id=self.causation_id, idempotency_key=idempotency_key, traceparent=self.traceparent,
        )


def event_context(event: Event, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """The context data a handler of `event` runs with: what its message carried (`context`), the event as the
    cause, and the event's correlation id and `traceparent` (the handler continues the recording worker's trace)."""
    data = {**(context or {}), "causation_id": str(event.event_id)}
    if event.metadata.correlation_id:
        data["correlation_id"] = event.metadata.correlation_id
    if event.metadata.traceparent:
        data[TRACEPARENT] = event.metadata.traceparent
    return data


def worker_span(container: Any, method_name: str, traceparent: str | None, kind: SpanKind) -> Span:
    """The span of a worker of `container` running `method_name`: a child of `traceparent`, exported where the
    service's telemetry says."""
    service = container.service_name
    return start_span(service, f"{service}.{method_name}", traceparent, kind,
                      Telemetry.of(container.config).OTLP_ENDPOINT)


def handled_trace_ids(container: Any, method_name: str, traceparents: list[str | None]) -> list[str]:
    """The trace ids under which events applied together by one worker are logged as handled, one for each
    event's `traceparent`: its consumer span's, where spans are exported; otherwise the id such a span would
    get, without making one (a span made only to be named costs 26 µs an event, its id alone 4: the
    timeline's batches). The telemetry settings are read once for all of them (15 µs a read)."""
    if not Telemetry.of(container.config).OTLP_ENDPOINT:
        return [trace_id_continuing(traceparent) for traceparent in traceparents]
    spans = [worker_span(container, method_name, traceparent, SpanKind.CONSUMER) for traceparent in traceparents]
    for span in spans:
        span.end()
    return [trace_id_of(span) for span in spans]


def log_context(data: dict[str, Any], trace_id: str) -> dict[str, Any]:
    """What a worker's log lines carry: its correlation, causation and principal, and its trace id."""
    return {**{key: data[key] for key in CONTEXT_KEYS if data.get(key)}, "trace_id": trace_id}


def _correlated(data: dict[str, Any]) -> dict[str, Any]:
    """The worker's context data with a correlation id: the caller's, or a new one. (Not `setdefault`, which
    drew a uuid4, a `getrandom` call, twice per worker for nothing: about 5 µs each.)"""
    if "correlation_id" not in data:
        data["correlation_id"] = uuid.uuid4().hex
    return data


class CorrelationContext(DependencyProvider):
    def setup(self) -> None:
        self._spans: dict[Any, Span] = {}
        # Read once, not per worker (15 µs a read): the settings do not change while the container runs.
        self._otlp_endpoint = Telemetry.of(self.container.config).OTLP_ENDPOINT

    # nameko injects dependencies before it calls worker_setup: both make sure the ids exist.
    def worker_setup(self, worker_ctx) -> None:  # noqa: ANN001
        data = _correlated(worker_ctx.data)
        span = self._span(worker_ctx)
        clear_contextvars()
        bind_contextvars(**log_context(data, trace_id_of(span)))

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:  # noqa: ANN001
        span = self._spans.get(worker_ctx)
        if span is not None and exc_info is not None and not isinstance(exc_info[1], Refusal):
            span.record_exception(exc_info[1])
            span.set_status(Status(StatusCode.ERROR, type(exc_info[1]).__name__))

    def worker_teardown(self, worker_ctx) -> None:  # noqa: ANN001
        span = self._spans.pop(worker_ctx, None)
        if span is not None:
            span.end()
        clear_contextvars()

    def get_dependency(self, worker_ctx) -> Correlation:  # noqa: ANN001
        data = _correlated(worker_ctx.data)
        self._span(worker_ctx)
        return Correlation(data["correlation_id"], data.get("causation_id"), data.get("principal"),
                           data.get(TRACEPARENT))

    def _span(self, worker_ctx: Any) -> Span:
        """The worker's span, started once: a child of the incoming `traceparent`, which it then replaces."""
        span = self._spans.get(worker_ctx)
        if span is None:
            entrypoint, service = worker_ctx.entrypoint, self.container.service_name
            span = start_span(service, f"{service}.{entrypoint.method_name}", worker_ctx.data.get(TRACEPARENT),
                              getattr(entrypoint, "span_kind", SpanKind.SERVER), self._otlp_endpoint)
            self._spans[worker_ctx] = span
            worker_ctx.data[TRACEPARENT] = traceparent_of(span)
        return span
