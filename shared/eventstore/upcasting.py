"""Upcasting: old event shapes are translated to the current one when read (schema_version).

The registry is part of the event contracts (`shared/reference/events.py`), which contract packages may
import; the store, the relay and the outbox take it from here.
"""

from shared.reference.events import NO_UPCASTING, Payload, Step, Upcasters

__all__ = ["NO_UPCASTING", "Payload", "Step", "Upcasters"]
