"""The health probe against the real PostgreSQL and RabbitMQ, including the outbox relays' lag."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services import SERVICES
from services.gateway.health import InfrastructureProbe
from shared.envelope import NewEvent
from shared.eventstore.postgres import PostgresEventStore

pytestmark = pytest.mark.integration

EVENT_SOURCED = [s.name for s in SERVICES if s.event_store]


def test_database_broker_and_relay_lag_of_every_event_sourced_service(namespace, amqp_uri):
    probe = InfrastructureProbe(namespace.database("gateway"), amqp_uri, namespace.name, EVENT_SOURCED)

    report = probe.check()

    assert (report.status, report.database, report.broker) == ("ok", True, True)
    assert set(report.relay_lag_events) == set(EVENT_SOURCED)
    assert all(isinstance(lag, int) and lag >= 0 for lag in report.relay_lag_events.values())
    # The timeline's projection exists in a full namespace: its lag is a count, not null.
    assert isinstance(report.projector_lag_events, int) and report.projector_lag_events >= 0


def test_relay_lag_counts_events_not_yet_published(fresh_namespace, amqp_uri):
    isolated = fresh_namespace("marriage", "gateway")
    probe = InfrastructureProbe(isolated.database("gateway"), amqp_uri, isolated.name,
                                ["marriage", "funeral"])
    assert probe.check().relay_lag_events == {"marriage": 0, "funeral": None}  # funeral has no schema here

    PostgresEventStore(isolated.database("marriage")).append(
        f"test-{uuid.uuid4()}", [NewEvent(type="marriage.Tested", occurred_on=dt.date(2025, 6, 1))], None)

    assert probe.check().relay_lag_events["marriage"] == 1


def test_an_unreachable_broker_is_reported_degraded(namespace):
    nowhere = "amqp://guest:guest@127.0.0.1:1/"
    probe = InfrastructureProbe(namespace.database("gateway"), nowhere, namespace.name, EVENT_SOURCED,
                                timeout=1.0)

    report = probe.check()

    assert (report.status, report.database, report.broker) == ("degraded", True, False)


def test_readiness_names_each_services_heartbeat_and_health_the_parked_dead_letters(namespace, vhost):
    from kombu import Connection, Queue

    probe = InfrastructureProbe(namespace.database("gateway"), vhost, namespace.name, EVENT_SOURCED,
                                domain_services=["health_test_running", "health_test_stopped", "health_test_never"],
                                dead_letter_queues=["health-test.dead", "health-test-empty.dead"])
    with Connection(vhost) as connection:
        channel = connection.default_channel
        for name in ("rpc-health_test_running", "rpc-health_test_stopped", "health-test.dead",
                     "health-test-empty.dead"):
            Queue(name, durable=True)(channel).declare()
        producer = connection.Producer(channel)
        for n in range(2):
            producer.publish({"n": n}, exchange="", routing_key="health-test.dead")
        with connection.Consumer(Queue("rpc-health_test_running"), callbacks=[lambda *_: None]):
            ready, full = probe.ready(), probe.check()
    probe.close()

    assert (ready.database, ready.broker, ready.healthy) == (True, True, True)
    assert ready.services == {"health_test_running": True, "health_test_stopped": False, "health_test_never": False}
    assert ready.status == "degraded"  # a service is down: said, but the gateway itself is ready
    assert full.dead_letter_messages == {"health-test.dead": 2}
