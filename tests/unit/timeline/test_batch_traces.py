"""A batch of events applied by one timeline worker still gives each event the trace and the log line it would
have had on the single-event path (shared/nameko_ext/context.py): a consumer span continuing the event's
`traceparent`, and `event handled` with the event's correlation id, the event as cause and that trace's id.
No I/O: the batch's bookkeeping is tested on the real database in tests/integration/timeline."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

from opentelemetry.trace import SpanKind
from structlog.testing import capture_logs

from services.timeline.consumer import BatchedSubscription
from shared.envelope import Event, Metadata
from shared.nameko_ext.context import event_context, log_context, worker_span
from shared.tracing import TRACEPARENT, trace_id_of


def recorded(trace_id: str, correlation_id: str | None) -> Event:
    return Event(type="funeral.DeathRegistered", occurred_on=dt.date(2025, 6, 9), stream_id="death-1",
                 stream_version=1, global_position=7, recorded_at=dt.datetime(2025, 6, 9, 8, tzinfo=dt.UTC),
                 metadata=Metadata(correlation_id=correlation_id,
                                   traceparent=f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"))


def test_an_events_handler_runs_with_the_events_ids_over_what_its_message_carried():
    trace_id = uuid.uuid4().hex
    event = recorded(trace_id, "corr-recorded")

    data = event_context(event, {"correlation_id": "corr-of-the-message", "principal": "clerk.MR-610502"})

    assert data == {"correlation_id": "corr-recorded", "principal": "clerk.MR-610502",
                    "causation_id": str(event.event_id), TRACEPARENT: event.metadata.traceparent}
    span = worker_span(SimpleNamespace(service_name="timeline", config={}), "on_event", data[TRACEPARENT],
                       SpanKind.CONSUMER)
    assert log_context(data, trace_id_of(span)) == {"correlation_id": "corr-recorded",
                                                    "causation_id": str(event.event_id), "principal": "clerk.MR-610502",
                                                    "trace_id": trace_id}


def test_each_event_of_a_batch_is_logged_in_its_own_trace_with_its_own_ids():
    subscription = BatchedSubscription("funeral", "#")
    subscription.container = SimpleNamespace(service_name="timeline", config={})
    subscription.method_name = "on_funeral_event"
    subscription.spec = SimpleNamespace(name="evt-funeral--timeline.on_funeral_event")
    traces = [uuid.uuid4().hex, uuid.uuid4().hex]
    events = [recorded(traces[0], "corr-1"), recorded(traces[1], None)]

    with capture_logs() as lines:
        subscription._trace(events)

    handled = [line for line in lines if line["event"] == "event handled"]
    assert [(line["trace_id"], line.get("correlation_id"), line["causation_id"]) for line in handled] == [
        (traces[0], "corr-1", str(events[0].event_id)), (traces[1], None, str(events[1].event_id))]
