"""RPC from gateway handlers to any civreg service: `call.rpc("marriage").register_marriage(...)`.

One nameko reply queue serves calls to every service. Each call carries the worker's context data (the
correlation id and the authenticated principal's name) as nameko headers, and the proof of its caller: an
assertion signed for the target service (shared/rpc_proof.py), without which no service runs anything. A
public route's call is signed for the principal `anonymous`, role `public`. A proof is reused for the same
caller and service while it has more than `RPC_TIMEOUT` plus the tolerated clock skew to live (it names no
single call; the correlation id travels in its own header): the gateway signs about one proof per caller and
service every 15 seconds rather than one per call. Each call waits at most `RPC_TIMEOUT`
seconds: a service that is not running is 503 `service_unavailable` at once, one that does not answer in time
504 `upstream_timeout`. Refusals (shared/errors.py) and concurrency conflicts raised by the service arrive as
themselves and become their problem+json; any other exception arrives as nameko's `RemoteError` and becomes a 500.

Replies are taken without acknowledgements (`no_ack`, `ReplyConsumer`): nameko acknowledged each reply as the
first thing it did with it, so the acknowledgement only made the broker read a frame, settle the delivery in
the channel and the reply queue, and the gateway write the frame (issue 19: about 9% of the broker's work
per registration). A reply is worth its caller's wait, which ends with the gateway process; the one
delivery an acknowledgement would have brought back — a reply on the wire when the gateway's connection
drops — comes to a caller whose call then answers 504 and is retried with its Idempotency-Key, which
returns the same outcome.

The request is the message nameko's own proxy would send (same exchange, routing key, headers, `reply_to`,
`correlation_id`, JSON body), published more cheaply (docs/architecture.md, "Gateway hot path"):

* through the container's pool of long-lived producers (a channel and connection each, one per worker),
  instead of nameko's new `Publisher`, kombu `Connection` and `Exchange` objects for every call;
* straight onto the producer's channel (`publish_kept`, shared/producer_pool.py), as the services' replies go:
  kombu's reconnecting `publish` (its `Connection.ensure` wrapper and message preparation) only when the
  producer's connection has dropped since its last use (a request's publish alone, two runs of eight alternations:
  110 → 78 and 90 → 68 µs of CPU);
* *transient* (delivery mode 1) instead of persistent. A request outlives its caller by at most
  `RPC_TIMEOUT`; persisting it only makes the broker write it to disk, and after a broker restart it would
  run for a caller that has long had its 504 (the reply queue does not survive the restart either);
* still `mandatory`, without publisher confirms: the broker returns (`basic.return`) a request no queue is bound
  to, which is how a service that never ran is told apart from a slow one. A return arrives only on the
  producer's own connection, and kombu sees it only when that connection is read (kombu issue 572: "the
  producer needs to drain events"); a confirm made the broker send it before the ack the publish waited for,
  at the price of a round trip and a frame to read on every call (issue 19). Instead the call keeps its
  producer while it waits for the reply, and reads the producer's connection only if the reply has not come
  by `RETURN_CHECKS` (50 ms, then 300 ms and 1.3 s into the call): a returned request is 503 then — a
  service that answers sooner never had its request returned, and the producer's socket is not even polled.

Commands run in time or never (docs/operations.md, "Faults"):

* each request *expires* with its caller's timeout (AMQP per-message `expiration` = `RPC_TIMEOUT`): a request
  still queued when its caller has given up is dropped by the broker, never run later for nobody — so a
  client's retry after a 504 cannot make the command run twice;
* a service that is stopped keeps its durable queue, so `mandatory` cannot tell; before publishing, the
  gateway asks the broker how many consumers the service's queue has (a passive declare on one long-lived
  channel, cached `RPC_CONSUMER_CHECK_TTL` seconds, shared/queue_probe.py). None: 503 `service_unavailable`
  with `Retry-After`, and nothing is published;
* a reply that arrives after its caller gave up is discarded and logged (`LateReplyListener`);
* a broker that cannot be reached is 503 `service_unavailable` with `Retry-After`, not a 500.
"""

from __future__ import annotations

import uuid
from functools import partial
from time import monotonic
from typing import Any

import eventlet
import eventlet.patcher
import kombu.serialization
from nameko.constants import DEFAULT_RETRY_POLICY
from nameko.extensions import DependencyProvider
from nameko.messaging import HeaderEncoder, QueueConsumer
from nameko.rpc import RPC_QUEUE_TEMPLATE, ReplyListener, RpcReply, get_rpc_exchange

from services.gateway.problems import Problem
from services.gateway.settings import GatewayOptions
from shared.faults import ShuttingDown, is_transient
from shared.logging import get_logger
from shared.producer_pool import producer_pool, publish_kept
from shared.queue_probe import BrokerUnavailable, QueueProbe
from shared.rpc_proof import CLOCK_SKEW, PROOF_CONTEXT_KEY, ProofSigner
from shared.settings import Broker, Workers

log = get_logger(__name__)

RETRY_AFTER = {"Retry-After": "2"}  # seconds: a restarting service or broker is usually back by then
TRANSIENT = 1  # AMQP delivery mode: kept in memory only
PROOF_HEADER = f"nameko.{PROOF_CONTEXT_KEY}"
ANONYMOUS = ("anonymous", "public")  # who a public route's calls are signed for
# Seconds to wait for the reply before each look for a returned request on the producer's connection (the broker
# returns an unroutable request at once; the later looks are for a broker slowed down by load).
RETURN_CHECKS = (0.05, 0.25, 1.0)
RETURN_READ_TIMEOUT = 1.0  # seconds to read the rest of a frame whose start is on the socket
MOST_RETURNS_KEPT = 1000  # returned requests nobody looks for (their callers gave up) are forgotten past this
_select = eventlet.patcher.original("select")  # a zero-timeout poll of a socket: no need to yield to the hub


def service_unavailable(detail: str) -> Problem:
    return Problem(503, "service_unavailable", detail, headers=RETRY_AFTER)


class ReplyConsumer(QueueConsumer):
    """nameko's queue consumer (a connection of its own), consuming without acknowledgements (module
    docstring). kombu's `Message.ack` does nothing for a delivery taken this way, so nameko's own calls stay."""

    def get_consumers(self, consumer_cls, channel):  # noqa: ANN001, ANN201 - nameko's signature
        return super().get_consumers(partial(consumer_cls, no_ack=True), channel)

    def handle_message(self, provider, body, message):  # noqa: ANN001, ANN201 - nameko's signature
        """A reply only wakes its caller (an event set, or a line logged): done here, in the consumer's green
        thread, not in a managed green thread of its own per reply, as nameko does for any consumer (a thread
        made, scheduled, run and reaped for each registration). An error there still stops the container, as
        it did from the managed thread (nameko kills a container whose managed thread fails)."""
        provider.handle_message(body, message)


class LateReplyListener(ReplyListener):
    """nameko's reply listener, on a `ReplyConsumer`, saying so (at WARNING, not nameko's DEBUG) when it drops a
    reply nobody waits for: the caller timed out, so the command ran but its client was told 504."""

    queue_consumer = ReplyConsumer()

    def handle_message(self, body, message):  # noqa: ANN001, ANN201 - nameko's signature
        correlation_id = message.properties.get("correlation_id")
        if correlation_id not in self._reply_events:
            self.queue_consumer.ack_message(message)
            log.warning("late rpc reply discarded", rpc_correlation_id=correlation_id)
            return
        super().handle_message(body, message)


class ServiceRpc(DependencyProvider):
    rpc_reply_listener = LateReplyListener()

    def setup(self) -> None:
        config = self.container.config
        options, broker = GatewayOptions.of(config), Broker.of(config)
        self.timeout = options.RPC_TIMEOUT
        self.exchange = get_rpc_exchange(config)
        # A gateway without its signing key does not start. A proof is reused while it outlives any wait for its
        # call (the request expires with RPC_TIMEOUT) by the clock skew a service tolerates.
        self.signer = ProofSigner.from_config(config, reuse_margin=self.timeout + CLOCK_SKEW)
        self.serializer = broker.serializer
        # No publisher confirms: see the module docstring (a returned request is looked for while waiting).
        # The container's own pool (not kombu's process-wide one, which two gateways in a test process would
        # share): a producer per concurrent call, each with its channel on its own connection, held by the
        # call until its reply (only that call reads the connection).
        self.producers = producer_pool(broker.AMQP_URI, Workers.of(config).max_workers)
        self.consumers = QueueProbe(broker.AMQP_URI, ttl=options.RPC_CONSUMER_CHECK_TTL)
        self.stopping = False
        self.returned: set[str] = set()  # correlation ids of requests the broker returned (no queue bound)

    def stop(self) -> None:
        self.stopping = True  # before the pool closes: a call that then finds it closed knows why
        self.consumers.close()
        self.producers.force_close_all()
        self.producers.connections.force_close_all()

    kill = stop

    def _producer(self) -> Any:
        """A pooled producer, or `ShuttingDown` when `stop` has closed the pool while a request was in flight
        (kombu says so only as a RuntimeError: the gateway's own state tells the two apart, not the text)."""
        try:
            return self.producers.acquire(block=True)
        except RuntimeError as exc:
            if not self.stopping:
                raise
            raise ShuttingDown("the gateway is stopping") from exc

    def get_dependency(self, worker_ctx):  # noqa: ANN001, ANN201 - nameko's signature
        def service(name: str, principal: Any = None, purpose: str | None = None) -> _TimedService:
            """`principal`: the verified `services.gateway.auth.Principal` (None on a public route)."""
            if principal is not None:
                # Context data travels as nameko headers: the callee's Correlation knows who acted.
                worker_ctx.data["principal"] = principal.name
            return _TimedService(self, worker_ctx, name, principal, purpose)

        return service

    def proof(self, service: str, principal: Any, purpose: str | None) -> str:
        """The assertion of the verified caller, signed for `service` alone (the correlation id goes as the
        worker's context header `nameko.correlation_id`, not in the proof)."""
        if principal is None:
            return self.signer.sign(audience=service, principal=ANONYMOUS[0], role=ANONYMOUS[1])
        return self.signer.sign(
            audience=service, principal=principal.name, role=principal.role, scopes=principal.scopes,
            office=principal.office, county=getattr(principal, "county", None),
            township=getattr(principal, "township", None), bureau=principal.bureau, purpose=purpose,
        )

    def call(self, worker_ctx: Any, service: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any],
             proof: str) -> Any:
        self.check_consumers(service)
        correlation_id = str(uuid.uuid4())
        reply_event = self.rpc_reply_listener.get_reply_event(correlation_id)
        try:
            content_type, encoding, body = kombu.serialization.dumps({"args": args, "kwargs": kwargs},
                                                                     self.serializer)
            with self._producer() as producer:
                publish_kept(
                    producer, body, exchange=self.exchange, routing_key=f"{service}.{method}", mandatory=True,
                    delivery_mode=TRANSIENT, reply_to=self.rpc_reply_listener.routing_key,
                    correlation_id=correlation_id, content_type=content_type, content_encoding=encoding,
                    headers={**_HEADERS.get_message_headers(worker_ctx), PROOF_HEADER: proof},
                    retry_policy=DEFAULT_RETRY_POLICY,
                    expiration=self.timeout,  # dropped by the broker once its caller has stopped waiting
                )
                # After the publish: if the connection had dropped, kombu sent the request on a new channel,
                # whose returns must reach `_on_return` too. Nothing is read from the channel before `_await`.
                producer.channel.events["basic_return"].add(self._on_return)  # a set: once per channel
                answered = self._await(reply_event, producer, correlation_id, service)
        except BaseException as exc:
            # No reply is coming: drop the waiting event from the listener's table (nameko leaves it there).
            self.rpc_reply_listener._reply_events.pop(correlation_id, None)
            if isinstance(exc, ShuttingDown):  # nothing was published: the client may retry elsewhere
                log.warning("rpc publish refused: the gateway is stopping", service=service)
                raise service_unavailable("the gateway is stopping; try again") from None
            if isinstance(exc, OSError) or is_transient(exc):
                log.warning("rpc publish failed: broker unreachable", service=service, error=type(exc).__name__)
                raise service_unavailable("the message broker is not reachable; try again") from None
            raise
        if not answered:
            self.rpc_reply_listener._reply_events.pop(correlation_id, None)
            raise Problem(504, "upstream_timeout", f"{service} did not answer in time")
        return RpcReply(reply_event).result()

    def _await(self, reply_event: Any, producer: Any, correlation_id: str, service: str) -> bool:
        """Wait for the reply until `RPC_TIMEOUT` (False if none came), looking for the request among those the
        broker returned at each of `RETURN_CHECKS` (503 if it is)."""
        deadline = monotonic() + self.timeout
        for wait in (*RETURN_CHECKS, None):
            remaining = deadline - monotonic()
            if remaining <= 0:
                return False
            if reply_event.wait(remaining if wait is None else min(wait, remaining)) is not None:
                return True
            if wait is not None and self._was_returned(producer, correlation_id):
                raise service_unavailable(f"the {service} service is not running")
        return False

    def _was_returned(self, producer: Any, correlation_id: str) -> bool:
        """Read what the broker sent on the producer's connection (returned requests) without waiting for more."""
        connection = producer.channel.connection
        while _select.select([connection.sock], [], [], 0)[0]:
            connection.blocking_read(RETURN_READ_TIMEOUT)  # one frame; a return is dispatched to `_on_return`
        if correlation_id in self.returned:
            self.returned.discard(correlation_id)
            return True
        return False

    def _on_return(self, exc: Exception, exchange: str, routing_key: str, message: Any) -> None:
        """py-amqp's `basic_return` handler: the broker returned a request that no queue is bound to."""
        if len(self.returned) >= MOST_RETURNS_KEPT:
            self.returned.clear()
        self.returned.add(message.properties.get("correlation_id"))

    def check_consumers(self, service: str) -> None:
        """503 before anything is published when the broker can tell that nobody consumes the service's queue
        (stopped: the durable queue stays, its consumers are gone)."""
        try:
            stats = self.consumers.stats(RPC_QUEUE_TEMPLATE.format(service))
        except BrokerUnavailable:
            raise service_unavailable("the message broker is not reachable; try again") from None
        if stats is not None and stats.consumers == 0:
            raise service_unavailable(f"the {service} service is not running")


_HEADERS = HeaderEncoder()  # the worker's context data as `nameko.<key>` headers, as nameko sends them


class _TimedService:
    def __init__(self, rpc: ServiceRpc, worker_ctx: Any, name: str, principal: Any, purpose: str | None) -> None:
        self._rpc = rpc
        self._worker_ctx = worker_ctx
        self.service_name = name
        self._principal = principal
        self._purpose = purpose

    def __getattr__(self, method: str) -> _TimedMethod:
        if method.startswith("_"):
            raise AttributeError(method)
        return _TimedMethod(self, method)


class _TimedMethod:
    def __init__(self, service: _TimedService, method: str) -> None:
        self._service = service
        self._method = method

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        service = self._service
        # Taken just before the call leaves: a proof signed earlier is sent only while it outlives the call.
        proof = service._rpc.proof(service.service_name, service._principal, service._purpose)
        return service._rpc.call(service._worker_ctx, service.service_name, self._method, args, kwargs, proof)
