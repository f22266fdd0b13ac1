"""Observability on the real stack (issue 18): every service, run as `make up` runs it (`civreg run`, a process
each, its own METRICS_PORT), answers Prometheus metrics whose command counters move with the commands sent
through the gateway, and so does the gateway's /metrics; and a client's W3C `traceparent` reaches the consumers'
log lines (timeline projector, marriage's reaction to a death) through the gateway, the RPC and the event's
metadata."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from services import SERVICES as ALL_SERVICES
from shared.business_dates import local_today
from tests.support.infrastructure import isolated_world
from tests.support.processes import running_processes
from tests.support.stack import free_port, principal_token
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

SERVICES = [service.name for service in ALL_SERVICES if service.event_store]
TRACE_ID = uuid.uuid4().hex  # the client's: the services must continue it, not start their own
TRACEPARENT = f"00-{TRACE_ID}-{uuid.uuid4().hex[:16]}-01"


def parse(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return parse(requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text)


def answers(port: int) -> bool:
    try:
        return bool(scrape(port))
    except requests.RequestException:
        return False


def commands(samples: dict, service: str, outcome: str) -> float:
    return sum(value for (name, labels), value in samples.items()
               if name == "civreg_commands_total" and ("service", service) in labels and ("outcome", outcome) in labels)


def named(samples: dict, metric: str) -> dict:
    return {labels: value for (name, labels), value in samples.items() if name == metric}


def deaths_by_status(base_url: str) -> dict[str, float]:
    """The gateway's count of death registrations answered 201, and of those refused (any 4xx)."""
    samples = parse(requests.get(f"{base_url}/metrics", timeout=5,
                                 headers={"Authorization": f"Bearer {principal_token('admin')}"}).text)
    counts: dict[str, float] = {}
    for labels, value in named(samples, "civreg_http_requests_total").items():
        label = dict(labels)
        if label["route"] == "/v1/funeral/deaths" and label["method"] == "POST":
            status = "4xx" if label["status"].startswith("4") else label["status"]
            counts[status] = counts.get(status, 0) + value
    return counts


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    log_dir: Path = tmp_path_factory.mktemp("observability")
    ports = {service: free_port() for service in SERVICES}
    with isolated_world() as (namespace, vhost), running_processes(
            namespace, vhost, SERVICES, log_dir,
            service_env={s: {"METRICS_PORT": str(p)} for s, p in ports.items()}) as processes:
        # A service's metrics answer once it has started, its subscription queues declared before.
        for service, port in ports.items():
            wait_until(lambda port=port: answers(port), timeout=60, what=f"{service}'s metrics")
        yield processes, ports, log_dir


def register_death(base_url: str, headers: dict[str, str] | None = None, died_on: str | None = None
                   ) -> requests.Response:
    """A death registered by the funeral home's staff; one dated in the future is refused."""
    died_on = died_on or (local_today() - dt.timedelta(days=1)).isoformat()
    body = {"id_number": synthetic_id_number(), "died_on": died_on, "place_division": "610502",
            "certificate_no": "F6105020001", "issuer": "渭南市中心医院", "natural": True, "funeral_home": "FH-610502"}
    return requests.post(f"{base_url}/v1/funeral/deaths", json=body, timeout=15, headers={
        "Authorization": f"Bearer {principal_token('funeral_staff', 'FH-610502')}",
        "Idempotency-Key": uuid.uuid4().hex, **(headers or {})})


def test_every_service_exposes_metrics_and_the_command_counters_move(stack):
    processes, ports, _ = stack
    before, gateway_before = scrape(ports["funeral"]), deaths_by_status(processes.base_url)
    assert register_death(processes.base_url).status_code == 201
    assert register_death(processes.base_url).status_code == 201
    refused = register_death(processes.base_url, died_on=(local_today() + dt.timedelta(days=30)).isoformat())
    assert 400 <= refused.status_code < 500

    after = scrape(ports["funeral"])
    assert commands(after, "funeral", "accepted") - commands(before, "funeral", "accepted") == 2
    assert commands(after, "funeral", "refused") - commands(before, "funeral", "refused") == 1
    appends = named(after, "civreg_event_append_seconds_count")
    assert sum(appends.values()) >= 2
    for service, port in ports.items():
        samples = scrape(port)
        assert named(samples, "civreg_outbox_relay_lag_events"), service
        pool = named(samples, "civreg_db_pool_connections")
        assert {dict(labels)["state"] for labels in pool} == {"in_use", "idle", "max"}, service
    # The consumers: their queues' depth and dead letters, and the projector's lag per source.
    marriage = scrape(ports["marriage"])
    assert any("evt-funeral--marriage" in dict(labels)["queue"]
               for labels in named(marriage, "civreg_dead_letter_messages"))
    assert named(marriage, "civreg_consumer_lag_messages")
    lag = wait_until(lambda: (lags := named(scrape(ports["timeline"]), "civreg_projector_lag_events"))
                     and all(v == 0 for v in lags.values()) and lags, what="the projector catching up")
    assert {dict(labels)["source"] for labels in lag} >= {"funeral", "marriage"}
    # The gateway's own /metrics (on its HTTP port, for a principal): the same commands by route and status.
    gateway_after = deaths_by_status(processes.base_url)
    assert gateway_after["201"] - gateway_before.get("201", 0) == 2
    assert gateway_after["4xx"] - gateway_before.get("4xx", 0) == 1


def log_lines(path: Path) -> list[dict]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue  # a warning printed by a library at import
    return lines


def test_a_clients_traceparent_reaches_the_consumers_log_lines(stack):
    processes, _, log_dir = stack
    response = register_death(processes.base_url, {"traceparent": TRACEPARENT})
    assert response.status_code == 201

    def handled(service: str) -> list[dict]:
        return [line for line in log_lines(log_dir / f"{service}.log")
                if line.get("event") == "event handled" and line.get("trace_id") == TRACE_ID]

    # The timeline projector's and marriage's reaction (M-11) to the death, in the client's trace.
    [projected] = wait_until(lambda: handled("timeline"), what="the projector's line with the client's trace id")
    [reacted] = wait_until(lambda: handled("marriage"), what="marriage's reaction with the client's trace id")
    assert projected["type"] == reacted["type"] == "funeral.DeathRegistered"
    assert projected["correlation_id"] == reacted["correlation_id"] == response.headers["X-Correlation-Id"]


def test_the_gateways_and_the_services_lines_of_a_request_carry_the_clients_trace_id(stack):
    processes, _, log_dir = stack
    trace_id = uuid.uuid4().hex
    # A refused command: the gateway logs it at INFO (a success is a DEBUG line), the service's worker too.
    response = register_death(processes.base_url, {"traceparent": f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"},
                              died_on=(local_today() + dt.timedelta(days=30)).isoformat())
    assert 400 <= response.status_code < 500
    [request] = wait_until(lambda: [line for line in log_lines(log_dir / "gateway.log")
                                    if line.get("event") == "http request" and line.get("trace_id") == trace_id],
                           what="the gateway's request line")
    assert request["correlation_id"] == response.headers["X-Correlation-Id"]
    assert wait_until(lambda: [line for line in log_lines(log_dir / "funeral.log") if line.get("trace_id") == trace_id],
                      what="the funeral worker's line")


def test_a_malformed_traceparent_starts_a_new_trace_and_is_no_error(stack):
    processes, _, log_dir = stack
    response = register_death(processes.base_url, {"traceparent": "00-not-a-trace-01"})
    assert response.status_code == 201
    correlation = response.headers["X-Correlation-Id"]
    [line] = wait_until(lambda: [entry for entry in log_lines(log_dir / "timeline.log")
                                 if entry.get("event") == "event handled"
                                 and entry.get("correlation_id") == correlation], what="the projector's line")
    assert len(line["trace_id"]) == 32 and line["trace_id"] != "0" * 32
