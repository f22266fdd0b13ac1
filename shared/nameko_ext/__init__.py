"""nameko adapters of the shared machinery: database pool, event store, outbox relay, subscriptions and
the correlation context. Service classes use these; nothing else in `shared` knows about nameko."""

from nameko.exceptions import deserialize_to_instance

from shared.errors import NotFound, Refusal
from shared.eventstore.base import ConcurrencyConflict
from shared.nameko_ext.context import Correlation, CorrelationContext
from shared.nameko_ext.database import DatabasePool
from shared.nameko_ext.proof import RpcProof
from shared.nameko_ext.relay import OutboxRelayProvider
from shared.nameko_ext.service import EventSourcedService, service_rpc
from shared.nameko_ext.store import EventStoreProvider
from shared.nameko_ext.subscription import Subscription, subscribe
from shared.reference.calendar import CalendarYearMissing
from shared.rpc_proof import ProofRefused

__all__ = [
    "Correlation",
    "CorrelationContext",
    "DatabasePool",
    "EventSourcedService",
    "EventStoreProvider",
    "OutboxRelayProvider",
    "RpcProof",
    "Subscription",
    "service_rpc",
    "subscribe",
]

# Refusals cross RPC as themselves (not as nameko's RemoteError), so the gateway can answer with their code.
for _refusal in (Refusal, NotFound, ProofRefused, ConcurrencyConflict, CalendarYearMissing):
    deserialize_to_instance(_refusal)
