"""The base of every event-sourced service class: its store, its outbox relay, the correlation context and
the proof of its RPC callers.

A service subclasses it, sets `name`, and adds its RPC entrypoints and `@subscribe` handlers; nameko finds
the inherited dependencies and entrypoints as if they were declared on the subclass.

`@service_rpc` is nameko's `@rpc` (same queue, same consumer, same message format) with a cheaper reply
(docs/architecture.md, "Gateway hot path"): published transient and without publisher confirms, through a
pooled producer of the container rather than a new publisher, connection and exchange for every reply,
and with the result serialised once rather than twice. A reply is worth exactly as much as its caller's
wait: if the broker loses it, the caller times out (504) — which is also all a confirm could have led to,
since the work it reports is already committed. The request is acknowledged after the reply is sent,
as nameko does.

It also admits no call without proof of its caller (docs/architecture.md, "Proof on RPC"): before any worker
is spawned, the service's `RpcProof` dependency (shared/nameko_ext/proof.py) verifies the gateway's signed
assertion; a refused call runs nothing, and an admitted one runs with the verified actor in its `actor`
(and `viewer`) argument.
"""

from __future__ import annotations

import inspect
import sys
from functools import partial
from typing import Any

import kombu.serialization
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError as KombuOperationalError
from nameko.exceptions import (
    ContainerBeingKilled,
    IncorrectSignature,
    MalformedRequest,
    UnserializableValueError,
    serialize,
)
from nameko.extensions import SharedExtension
from nameko.rpc import Rpc, get_rpc_exchange

from shared.errors import Refusal
from shared.eventstore.base import ConcurrencyConflict
from shared.logging import get_logger
from shared.nameko_ext.calendar import HolidayCalendarWatch
from shared.nameko_ext.context import CorrelationContext
from shared.nameko_ext.metrics import ServiceMetrics
from shared.nameko_ext.proof import RpcProof
from shared.nameko_ext.relay import OutboxRelayProvider
from shared.nameko_ext.store import EventStoreProvider
from shared.producer_pool import producer_pool, publish_kept
from shared.settings import Broker, ServiceSettings, Workers

log = get_logger(__name__)

TRANSIENT = 1  # AMQP delivery mode: kept in memory only


class Replies(SharedExtension):
    """Publishes RPC replies the way nameko's `Responder` does, minus its per-reply costs. A shared
    extension, so that it stops after the container's last worker has replied."""

    def setup(self) -> None:
        self.exchange = get_rpc_exchange(self.container.config)
        # One producer (channel and connection) per worker that may be replying at once; no confirms (module
        # docstring).
        self.producers = producer_pool(Broker.of(self.container.config).AMQP_URI,
                                       Workers.of(self.container.config).max_workers)

    def send(self, message: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        error = serialize(exc_info[1]) if exc_info is not None else None
        # The reply is encoded as the request was (nameko clients may choose their serializer).
        serializer = kombu.serialization.registry.type_to_name[message.properties["content_type"]]
        try:
            content_type, encoding, body = kombu.serialization.dumps({"result": result, "error": error}, serializer)
        except Exception:  # noqa: BLE001 - nameko's contract: an unserialisable result is the caller's error
            exc_info = sys.exc_info()
            result, error = None, serialize(UnserializableValueError(result))
            content_type, encoding, body = kombu.serialization.dumps({"result": None, "error": error}, serializer)
        reply_to, correlation_id = message.properties["reply_to"], message.properties.get("correlation_id")
        with self.producers.acquire(block=True) as producer:
            publish_kept(
                producer, body, exchange=self.exchange, routing_key=reply_to, content_type=content_type,
                content_encoding=encoding, correlation_id=correlation_id, delivery_mode=TRANSIENT,
                # A reply is worth little after the caller's RPC_TIMEOUT: a few quick retries, then give up.
                retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1},
            )
        return result, exc_info

    def stop(self) -> None:
        self.producers.force_close_all()
        self.producers.connections.force_close_all()

    kill = stop


class ServiceRpcEntrypoint(Rpc):
    """nameko's RPC entrypoint, replying through `Replies`, admitting only calls with proof (module docstring)."""

    replies = Replies()
    requires_proof = True

    def setup(self) -> None:
        super().setup()
        proofs = [d for d in self.container.dependencies if isinstance(d, RpcProof)]
        if len(proofs) != 1:
            raise TypeError(f"{self.container.service_name}: an RPC service needs exactly one RpcProof dependency")
        self.proof = proofs[0]
        # Read once: `inspect.signature` per call, and nameko's `check_signature` (`inspect.getcallargs`,
        # which builds the signature again), cost about 30 µs of every call.
        self.signature = inspect.signature(getattr(self.container.service_cls, self.method_name))
        # The arguments that name the caller: set from the proof, never taken from the message.
        self.caller_arguments = {name for name in ("actor", "viewer") if name in self.signature.parameters}
        # A method whose parameters are all positional-or-keyword (a command table's, most written by hand), called
        # with positional arguments only, as the gateway calls it: `_placed` puts the caller's arguments in their
        # places and checks the count, without binding the signature twice (`bind_partial`, then `bind`: 20 µs a
        # call for four parameters). Any other call is bound, which also words the refusal of a wrong one.
        parameters = list(self.signature.parameters.values())[1:]
        plain = all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters)
        self.positions = ({p.name: n for n, p in enumerate(parameters) if p.name in self.caller_arguments}
                          if plain else None)
        # A positional call is placed only if it has at least these arguments (every required one, and each
        # caller argument's place) and at most one per parameter.
        self.fewest = max(sum(p.default is inspect.Parameter.empty for p in parameters),
                          max((self.positions or {}).values(), default=-1) + 1)
        self.most = len(parameters)

    def handle_message(self, body: Any, message: Any) -> None:
        # As nameko's Rpc.handle_message, with the proof checked first: an unproven caller learns nothing,
        # not even whether its arguments fit. A refusal raised here is answered by the RPC consumer.
        assertion = self.proof.admit(self.method_name, message.headers)
        try:
            args, kwargs = body["args"], body["kwargs"]
        except (KeyError, TypeError):
            raise MalformedRequest("Message missing `args` or `kwargs`") from None
        placed = self._placed(args, kwargs, assertion)
        if placed is None:
            args, kwargs = self._with_caller(args, kwargs, assertion)
            self.check_signature(args, kwargs)
        else:
            args, kwargs = placed, {}
        context_data = RpcProof.context(self.unpack_message_headers(message), assertion)
        try:
            self.container.spawn_worker(self, args, kwargs, context_data=context_data,
                                        handle_result=partial(self.handle_result, message))
        except ContainerBeingKilled:
            self.rpc_consumer.requeue_message(message)

    def _placed(self, args: Any, kwargs: Any, assertion: Any) -> list[Any] | None:
        """The arguments with the caller's in their places, if the call fits the method by its count alone
        (positional arguments only, of a method with no other kind of parameter); else None."""
        if (self.positions is None or kwargs or not isinstance(args, list | tuple)
                or not self.fewest <= len(args) <= self.most):
            return None
        placed = list(args)
        if "actor" in self.positions:
            placed[self.positions["actor"]] = assertion.actor().to_rpc()
        if "viewer" in self.positions:
            placed[self.positions["viewer"]] = assertion.viewer()
        return placed

    def _with_caller(self, args: Any, kwargs: Any, assertion: Any) -> tuple[Any, Any]:
        if not self.caller_arguments:
            return args, kwargs
        try:
            bound = self.signature.bind_partial(None, *args, **kwargs)
        except TypeError:
            return args, kwargs  # check_signature refuses it
        if "actor" in self.caller_arguments:
            bound.arguments["actor"] = assertion.actor().to_rpc()
        if "viewer" in self.caller_arguments:
            bound.arguments["viewer"] = assertion.viewer()
        return bound.args[1:], bound.kwargs

    def check_signature(self, args: Any, kwargs: Any) -> None:
        """nameko's check (the arguments fit the method, the instance in `self`'s place; else
        `IncorrectSignature`), against the signature read once."""
        try:
            self.signature.bind(None, *args, **kwargs)
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        try:
            result, exc_info = self.replies.send(message, result, exc_info)
        except (OSError, KombuOperationalError, AmqpConnectionError) as exc:
            # The broker went away after the work was done: the reply is lost, not the service. Its caller
            # answers 503/504 and retries with its Idempotency-Key, which returns this outcome (a keyed
            # command's event ids are derived from the key). An exception here would kill the container.
            log.warning("rpc reply lost: broker unreachable", method=self.method_name, error=type(exc).__name__)
        self.rpc_consumer.queue_consumer.ack_message(message)  # nameko skips the ack on a dead channel
        return result, exc_info


# The RPC entrypoint of civreg's services: a refusal is an answer to the caller, not a failure of the
# service, so nameko logs it as a warning without a traceback (it still reaches the caller as itself).
service_rpc = ServiceRpcEntrypoint.decorator(expected_exceptions=(Refusal, ConcurrencyConflict))


class EventSourcedService:
    name: str
    settings_model: type[ServiceSettings] = ServiceSettings  # what `civreg run` checks config.yaml against
    context = CorrelationContext()
    caller = RpcProof()  # admits RPC calls; the worker's acting identity (shared/nameko_ext/proof.py)
    store = EventStoreProvider()
    relay = OutboxRelayProvider()
    holiday_calendar = HolidayCalendarWatch()  # rule 0.3: shipped plus loaded years, kept current
    metrics = ServiceMetrics()  # Prometheus, on METRICS_PORT when configured

    @service_rpc
    def status(self) -> dict[str, Any]:
        """Liveness for operators: the store's head position and the relay's lag behind it."""
        return {
            "service": self.name,
            "head_position": self.store.head_position(),
            "relay_lag_events": self.relay.lag(),
            "relay_leader": self.relay.is_leader,
        }
