"""A world for tests of subscriptions: fresh funeral (producer) and timeline (consumer) schemas, the consumer
service's queues declared, and an effects table its handler writes a row to per applied event — duplicates
would show as repeated rows."""

from __future__ import annotations

from services.topology import subscriptions_of
from shared.messaging import declare_all


def effects_world(fresh_namespace, vhost: str, consumer: type) -> tuple:
    namespace = fresh_namespace("funeral", "timeline")
    with namespace.admin("timeline").transaction() as conn:
        conn.execute("CREATE TABLE test_effects (event_id uuid, stream_id text, stream_version int)")
        conn.execute(f"GRANT SELECT, INSERT ON test_effects TO {namespace.name}_timeline")
    declare_all(vhost, subscriptions_of(consumer), ["funeral"])
    return namespace, vhost


def effects(namespace) -> list[tuple]:
    """(event id, stream id, stream version) of every effect row."""
    with namespace.admin("timeline").transaction() as conn:
        return conn.execute("SELECT event_id, stream_id, stream_version FROM test_effects").fetchall()
