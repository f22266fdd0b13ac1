"""The trace context civreg carries (W3C traceparent) and how command outcomes are named, with no I/O."""

from __future__ import annotations

import re
import uuid

import pytest
from opentelemetry.trace import SpanKind, set_span_in_context

from shared.envelope import Metadata
from shared.errors import Refusal
from shared.eventstore.base import ConcurrencyConflict
from shared.nameko_ext.metrics import GAUGES, outcome_of, sample_names
from shared.tracing import (
    _PROPAGATOR,
    _tracers,
    _unexported_span,
    start_span,
    trace_id_continuing,
    trace_id_of,
    traceparent_of,
)

TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")  # flags: sampled, random (level 2)


def test_a_span_continues_the_clients_trace_and_hands_on_its_own_span():
    trace_id, parent_span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    span = start_span("funeral", "funeral.register_death", f"00-{trace_id}-{parent_span}-01", SpanKind.SERVER)
    assert trace_id_of(span) == trace_id
    onward = traceparent_of(span)
    assert TRACEPARENT.match(onward) and onward.split("-")[1] == trace_id
    assert onward.split("-")[2] != parent_span  # the next hop is the child of this span, not of the client's
    child = start_span("timeline", "timeline.on_funeral_event", onward, SpanKind.CONSUMER)
    assert trace_id_of(child) == trace_id


def test_an_unsampled_client_trace_keeps_its_id():
    trace_id = uuid.uuid4().hex
    span = start_span("marriage", "marriage.x", f"00-{trace_id}-{uuid.uuid4().hex[:16]}-00", SpanKind.SERVER)
    assert trace_id_of(span) == trace_id


@pytest.mark.parametrize("traceparent", [None, "", "garbage", "00-not-a-trace-01",
                                         f"00-{'0' * 32}-{'1' * 16}-01", "00-" + "g" * 32 + "-" + "1" * 16 + "-01"])
def test_a_missing_or_malformed_traceparent_starts_a_new_trace(traceparent):
    span = start_span("gateway", "gateway.handle", traceparent, SpanKind.SERVER)
    assert re.fullmatch(r"[0-9a-f]{32}", trace_id_of(span)) and trace_id_of(span) != "0" * 32
    assert TRACEPARENT.match(traceparent_of(span))


@pytest.mark.parametrize("flags", ["01", "00"])
def test_the_trace_id_without_a_span_is_the_one_a_continuing_span_gets(flags):
    traceparent = f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-{flags}"
    span = start_span("timeline", "timeline.on_marriage_event", traceparent, SpanKind.CONSUMER)
    assert trace_id_continuing(traceparent) == trace_id_of(span) == traceparent.split("-")[1]


@pytest.mark.parametrize("traceparent", [None, "", "garbage", "00-not-a-trace-01", f"00-{'0' * 32}-{'1' * 16}-01"])
def test_the_trace_id_without_a_span_is_a_new_one_for_a_missing_or_malformed_traceparent(traceparent):
    first, second = trace_id_continuing(traceparent), trace_id_continuing(traceparent)
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != "0" * 32 and first != second


_T, _S = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


@pytest.mark.parametrize("traceparent", [
    f"00-{_T}-{_S}-01", f"  00-{_T}-{_S}-01\t", f"00-{_T}-{_S}-01-more", f"01-{_T}-{_S}-01-more", f"cc-{_T}-{_S}-09",
    f"ff-{_T}-{_S}-01", f"00-{_T}-{'0' * 16}-01", f"00-{_T.upper()}-{_S}-01", f"00-{_T}-{_S}-1", f"00-{_T}-{_S}",
    f"00-{_T}-{_S}-01 " + " " * 520, f"00-{_T}-{_S}-01-" + "x" * 520, f"x00-{_T}-{_S}-01"])
def test_the_trace_id_without_a_span_is_a_continuing_spans_for_every_form_of_traceparent(traceparent):
    """Read by the propagator's pattern and checks, or by the propagator: the same trace id as a span's, kept
    where the propagator would keep it, a new one where it would not."""
    span = start_span("timeline", "timeline.on_marriage_event", traceparent, SpanKind.CONSUMER)
    continuing = trace_id_continuing(traceparent)
    assert re.fullmatch(r"[0-9a-f]{32}", continuing)
    assert (continuing == _T) == (trace_id_of(span) == _T)


@pytest.mark.parametrize("traceparent", [
    None, "", "garbage", f"00-{_T}-{_S}-01", f"00-{_T}-{_S}-00", f"00-{_T}-{_S}-03", f"00-{_T}-{_S}-02",
    f"  00-{_T}-{_S}-01\t", f"00-{_T}-{_S}-01-more", f"01-{_T}-{_S}-01-more", f"cc-{_T}-{_S}-09",
    f"ff-{_T}-{_S}-01", f"00-{_T}-{'0' * 16}-01", f"00-{_T.upper()}-{_S}-01", f"00-{_T}-{_S}-1",
    f"00-{_T}-{_S}-01-" + "x" * 520, f"x00-{_T}-{_S}-01"])
def test_a_workers_unexported_span_has_the_trace_and_flags_the_propagator_and_sampler_give(traceparent):
    """The short way (`start_span` with nothing exported: the pattern's ids, the parent's flags) against the
    general one (the propagator's context and the SDK's sampler), and `traceparent_of` against the propagator."""
    span = start_span("marriage", "marriage.register_marriage", traceparent, SpanKind.SERVER)
    parent = _PROPAGATOR.extract({"traceparent": traceparent}) if traceparent else None
    general = _unexported_span(_tracers["marriage"], "marriage.register_marriage", parent, SpanKind.SERVER)
    ours, theirs = span.get_span_context(), general.get_span_context()
    if theirs.trace_id == int(_T, 16):
        assert ours.trace_id == theirs.trace_id  # continued where the propagator continues it
    else:
        assert ours.trace_id != int(_T, 16)  # a new trace where it starts one
    assert ours.trace_flags == theirs.trace_flags and ours.is_valid and not ours.is_remote
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, context=set_span_in_context(span))
    assert traceparent_of(span) == carrier["traceparent"]


EXPORTED = "http://127.0.0.1:9/v1/traces"  # a port nothing listens on: the spans below are never ended, never sent


@pytest.mark.parametrize("flags", ["01", "00", "03", None])
def test_where_nothing_exports_spans_a_span_is_only_the_ids_and_flags_an_exported_one_gets(flags):
    traceparent = f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-{flags}" if flags else None
    unexported = start_span("marriage", "marriage.register_marriage", traceparent, SpanKind.SERVER)
    exported = start_span("exported", "exported.register_marriage", traceparent, SpanKind.SERVER, EXPORTED)

    assert not unexported.is_recording()
    assert exported.is_recording() == (flags != "00")  # an unsampled trace is not recorded either way
    onward, exported_onward = traceparent_of(unexported), traceparent_of(exported)
    assert TRACEPARENT.match(onward)
    assert onward.split("-")[3] == exported_onward.split("-")[3]  # the sampler's decision and the random flag
    if traceparent:
        assert onward.split("-")[1] == exported_onward.split("-")[1] == traceparent.split("-")[1]
        assert onward.split("-")[2] != traceparent.split("-")[2]
    assert trace_id_of(unexported) == onward.split("-")[1]


def test_event_metadata_carries_the_traceparent_and_refuses_an_oversized_one():
    value = f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"
    assert Metadata(traceparent=value).traceparent == value
    assert Metadata().traceparent is None  # events recorded before traces existed read as before
    with pytest.raises(ValueError):
        Metadata(traceparent="x" * 200)


def test_command_outcomes_are_accepted_refused_conflict_or_failed():
    assert outcome_of(None) == "accepted"
    assert outcome_of((Refusal, Refusal("x", "no"), None)) == "refused"
    assert outcome_of((ConcurrencyConflict, ConcurrencyConflict("s", 1, 2), None)) == "conflict"
    assert outcome_of((ValueError, ValueError("boom"), None)) == "failed"


def test_the_services_sample_names_include_every_gauge_counter_and_histogram():
    names = sample_names()
    assert set(GAUGES) <= names
    assert {"civreg_commands_total", "civreg_event_append_seconds_bucket", "civreg_event_append_seconds_count",
            "civreg_event_append_seconds_sum"} <= names
