"""OpenTelemetry traces across civreg: the gateway, the RPC, the event and each consumer (issue 18).

A trace follows the W3C `traceparent` (https://www.w3.org/TR/trace-context/):

* the gateway takes it from the client's request (a malformed one starts a new trace, it is never an error);
* each nameko worker (HTTP request, RPC call, event handler) runs in a span whose parent is the worker's
  `traceparent` context data, and replaces that value with its own span's, so that nameko copies it into the
  headers of every RPC call the worker makes (`nameko.traceparent`);
* events recorded by the worker carry it in their metadata (`Metadata.traceparent`), so the outbox relay
  publishes it and each subscriber's worker continues the trace;
* the worker's trace id is bound to the log context: every structlog line of the request, the RPC worker
  and the consumer carries `trace_id` (shared/nameko_ext/context.py).

Spans are exported only when `OTLP_ENDPOINT` is configured (OTLP over HTTP, e.g.
`http://collector:4318/v1/traces`). Otherwise a worker's span is only its ids: a non-recording span with the
trace id, span id and flags the SDK's span would have had (its sampler and id generator decide them), so that
logs, the next hop and recorded events carry the same trace — without the recording span's attributes, clock
readings, locks and span-processor calls, which only an exporter would read.
"""

from __future__ import annotations

import re

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Tracer, TracerProvider
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.sampling import DEFAULT_ON
from opentelemetry.trace import NonRecordingSpan, Span, SpanContext, SpanKind, TraceFlags
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from shared.logging import get_logger

TRACEPARENT = "traceparent"  # the W3C header, the context-data key and the metadata field alike
_PROPAGATOR = TraceContextTextMapPropagator()
_NEW_IDS = RandomIdGenerator()  # the SDK's own, as a root span's id would be drawn
_providers: dict[str, TracerProvider] = {}
_tracers: dict[str, Tracer] = {}  # per service, of its provider

log = get_logger(__name__)


def tracer_provider(service: str, otlp_endpoint: str | None = None) -> TracerProvider:
    """The process's tracer provider for `service`, made once; exporting only to a configured endpoint."""
    if service not in _providers:
        provider = TracerProvider(resource=Resource.create({"service.name": f"civreg-{service}"}))
        if otlp_endpoint:
            # Imported here: the exporter's dependencies are loaded only where traces leave the process.
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk.trace.export import BatchSpanProcessor

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint)))
            log.info("traces exported", endpoint=otlp_endpoint)
        _providers[service] = provider
    return _providers[service]


def start_span(service: str, name: str, traceparent: str | None, kind: SpanKind,
               otlp_endpoint: str | None = None) -> Span:
    """A span continuing `traceparent` (W3C), or the root of a new trace if it is absent or malformed; a
    recording one only where spans are exported (`otlp_endpoint`)."""
    tracer = _tracers.get(service)
    if tracer is None:  # made once: the SDK's get_tracer builds a tracer and edits the warning filters each call
        tracer = _tracers[service] = tracer_provider(service, otlp_endpoint).get_tracer("civreg")
    if not otlp_endpoint and (span := _unexported_span_of(tracer, traceparent)) is not None:
        return span
    parent = _PROPAGATOR.extract({TRACEPARENT: traceparent}) if traceparent else None
    if not otlp_endpoint:
        return _unexported_span(tracer, name, parent, kind)
    return tracer.start_span(name, context=parent, kind=kind)


def _unexported_span_of(tracer: Tracer, traceparent: str | None) -> Span | None:
    """`_unexported_span` without the propagator's context and the sampler's result objects, for the SDK's
    default sampler (`ParentBased(ALWAYS_ON)`: a remote parent's decision, else sampled) and a `traceparent`
    that is absent or one the propagator accepts (`_accepted`); None otherwise (the general way then runs).
    The flags are the parent's sampled and random-trace-id bits, or both set for a new trace of random ids,
    as `_unexported_span` gives them (tests/unit/shared/test_tracing.py compares the two). A worker's span
    and its `traceparent`: about 17 µs the general way (issue 19)."""
    if tracer.sampler is not DEFAULT_ON:
        return None
    ids = tracer.id_generator
    if not traceparent:
        if trace.get_current_span().get_span_context().is_valid:  # a current span would be the parent
            return None
        trace_id = ids.generate_trace_id()
        flags = TraceFlags.SAMPLED | (TraceFlags.RANDOM_TRACE_ID if ids.is_trace_id_random() else 0)
    elif (match := _accepted(traceparent)) is not None:
        trace_id, flags = int(match.group(2), 16), int(match.group(4), 16) & (TraceFlags.SAMPLED
                                                                            | TraceFlags.RANDOM_TRACE_ID)
    else:
        return None
    return NonRecordingSpan(SpanContext(trace_id, ids.generate_span_id(), is_remote=False,
                                        trace_flags=TraceFlags(flags)))


def _unexported_span(tracer: Tracer, name: str, parent: Context | None, kind: SpanKind) -> Span:
    """The span nothing will export: the ids and flags `tracer.start_span` would give it (SDK 1.45: the parent's
    trace id or a new one, a new span id, the sampler's decision, the random-trace-id flag), as a non-recording
    span. A recording span costs about 17 µs more per worker, for data nobody reads."""
    parent_context = trace.get_current_span(parent).get_span_context()
    ids = tracer.id_generator
    if parent_context.is_valid:
        trace_id, random_id = parent_context.trace_id, parent_context.trace_flags.random_trace_id
    else:
        trace_id, random_id = ids.generate_trace_id(), ids.is_trace_id_random()
    sampled = tracer.sampler.should_sample(parent, trace_id, name, kind).decision.is_sampled()
    flags = (TraceFlags.SAMPLED if sampled else TraceFlags.DEFAULT) | (TraceFlags.RANDOM_TRACE_ID if random_id else 0)
    return NonRecordingSpan(SpanContext(trace_id, ids.generate_span_id(), is_remote=False,
                                        trace_flags=TraceFlags(flags)))


# The propagator's own pattern of a `traceparent` (SDK 1.45): version, trace id, span id, flags, what follows.
_TRACEPARENT_RE = TraceContextTextMapPropagator._TRACEPARENT_HEADER_FORMAT_RE  # noqa: SLF001 - one definition
_TRACEPARENT_MAX = TraceContextTextMapPropagator._TRACEPARENT_MAXIMUM_LENGTH  # noqa: SLF001
_NO_TRACE, _NO_SPAN = "0" * 32, "0" * 16


def trace_id_continuing(traceparent: str | None) -> str:
    """The trace id a span continuing `traceparent` gets (a new random one if it is absent or malformed),
    without making the span: where nothing is exported, a span would be made only for this id (measured:
    4 µs instead of 26 per event on the timeline's batch path, services/timeline/consumer.py).

    A `traceparent` the propagator would accept is read by its pattern and checks alone (version `00` with
    nothing after the flags, or a later version other than `ff`; neither id all zeros): its trace id is the
    one written there. Extracting a context, a span and its ids for it cost 10–30 µs an event under load;
    anything else takes the propagator's way, its warnings included."""
    if traceparent and (match := _accepted(traceparent)) is not None:
        return match.group(2)
    parent = trace.get_current_span(_PROPAGATOR.extract({TRACEPARENT: traceparent})) if traceparent else None
    if parent is not None and parent.get_span_context().is_valid:
        return trace.format_trace_id(parent.get_span_context().trace_id)
    return trace.format_trace_id(_NEW_IDS.generate_trace_id())


def _accepted(traceparent: str) -> re.Match[str] | None:
    """The propagator's match of a `traceparent` it would accept, read by its pattern and checks alone (version
    `00` with nothing after the flags, or a later version other than `ff`; neither id all zeros); else None."""
    if len(traceparent) > _TRACEPARENT_MAX:
        return None
    match = _TRACEPARENT_RE.search(traceparent)
    if (match is not None and match.group(2) != _NO_TRACE and match.group(3) != _NO_SPAN
            and match.group(1) != "ff" and not (match.group(1) == "00" and match.group(5))):
        return match
    return None


def traceparent_of(span: Span) -> str | None:
    """The W3C `traceparent` that makes the next hop a child of `span`: what the propagator's `inject` writes
    (version 00, the ids, the flags), without a context made to carry the span there."""
    context = span.get_span_context()
    if context == trace.INVALID_SPAN_CONTEXT:
        return None
    return f"00-{trace.format_trace_id(context.trace_id)}-{trace.format_span_id(context.span_id)}-" \
           f"{context.trace_flags:02x}"


def trace_id_of(span: Span) -> str:
    """The 32 hexadecimal digits that name the trace in logs and in the tracing back end."""
    return trace.format_trace_id(span.get_span_context().trace_id)
