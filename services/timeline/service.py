"""The timeline nameko service: entrypoints only; the domain and its handlers live beside it.

Today it runs the shared machinery (event store, outbox relay, status RPC); the timeline issue fills it in.
"""

from __future__ import annotations

from shared.nameko_ext import EventSourcedService


class TimelineService(EventSourcedService):
    name = "timeline"
