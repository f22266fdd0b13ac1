"""The gateway's RPC client and the services' `service_rpc` replies, on the real broker: what a request looks
like on the wire (transient, with the caller's context as nameko headers and the signed proof of its
principal for the target service alone), that a call to a service that is
not running is 503 at once without putting the channel's confirms out of step, and what a reply carries."""

from __future__ import annotations

import socket

import eventlet
import pytest
from kombu import Connection, Exchange, Queue
from nameko.exceptions import IncorrectSignature, RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import dummy, entrypoint_hook
from pydantic import BaseModel

from services.gateway.auth import Principal
from services.gateway.problems import Problem
from services.gateway.rpc import ServiceRpc
from shared.actor import Actor
from shared.errors import Refusal
from shared.nameko_ext import CorrelationContext, service_rpc
from shared.nameko_ext.commands import command_entrypoints
from shared.nameko_ext.proof import RpcProof
from shared.nameko_ext.service import Replies
from shared.reference.contract import CommandEntry, command_table
from shared.rpc_proof import ProofVerifier
from tests.support.infrastructure import broker_consumers
from tests.support.proof import proof_context, public_keys_config, signing_key_config
from tests.support.services import running

CLERK = Principal("clerk.MR-610502", "marriage_clerk", "MR-610502")
CLERK_ACTOR = Actor(CLERK.name, CLERK.role, CLERK.office)

pytestmark = pytest.mark.integration


class Caller:
    """Stands in for the gateway: one worker, so every call goes through the same producer and channel."""

    name = "gateway_rpc_test_caller"
    rpc = ServiceRpc()

    @dummy
    def call(self, service: str, method: str, *args: object) -> object:
        return getattr(self.rpc(service, CLERK, "registration"), method)(*args)


class Answering:
    name = "gateway_rpc_test_answering"
    context = CorrelationContext()
    caller = RpcProof()

    @service_rpc
    def echo(self, value: object) -> dict[str, object]:
        return {"value": value, "correlation_id": self.context.correlation_id, "principal": self.context.principal}

    @service_rpc
    def whoami(self, actor: object = None) -> dict[str, object]:
        return {"argument": actor, "caller": self.caller.to_rpc()}

    @service_rpc
    def refuse(self) -> None:
        raise Refusal("below_legal_age", "M-1 requires 22", errors=[{"loc": ["parties", 0], "msg": "under 22"}])

    @service_rpc
    def unserialisable(self) -> object:
        return object()


@pytest.fixture
def config(vhost):
    return {"AMQP_URI": vhost, "max_workers": 1, "RPC_TIMEOUT": 1, **public_keys_config()}


@pytest.fixture
def caller(config):
    with running(Caller, {**config, **signing_key_config()}) as container:
        yield container


@pytest.fixture
def answering(config):
    with running(Answering, config) as container:
        yield container


def call(container, *args: object, correlation_id: str = "rpc-test-1") -> object:
    with entrypoint_hook(container, "call", context_data={"correlation_id": correlation_id}) as hook:
        return hook(*args)


def test_a_service_that_is_not_running_is_503_and_later_calls_are_answered_as_themselves(caller, answering):
    # One worker, one producer: the broker returns each unroutable request and then confirms it, on the
    # same channel the answered calls use — their confirms and returns must stay matched to their calls.
    for round_ in range(3):
        with pytest.raises(Problem) as refused:
            call(caller, "gateway_rpc_test_nobody", "anything")
        assert (refused.value.status, refused.value.code) == (503, "service_unavailable")
        assert call(caller, "gateway_rpc_test_answering", "echo", round_)["value"] == round_


def test_an_unroutable_request_on_a_revived_connection_is_503_as_on_the_kept_one(caller, answering):
    # The producer's connection drops between two calls: kombu's reconnecting publish sends the next request on
    # a new channel, whose returns must reach the caller as the kept channel's do (503 at once, not a 504).
    assert call(caller, "gateway_rpc_test_answering", "echo", "before")["value"] == "before"
    with _rpc_of(caller).producers.acquire(block=True) as kept:  # one worker: the one producer
        kept.connection.connection.sock.shutdown(socket.SHUT_RDWR)  # the link is cut under it
    with pytest.raises(Problem) as refused:
        call(caller, "gateway_rpc_test_nobody", "anything")
    assert (refused.value.status, refused.value.code, refused.value.detail) == (
        503, "service_unavailable", "the gateway_rpc_test_nobody service is not running")
    assert call(caller, "gateway_rpc_test_answering", "echo", "after")["value"] == "after"


def published_to_an_idle_service(vhost, caller, *calls: tuple[tuple[object, ...], str]) -> tuple[list, list]:
    """The requests of `calls` ((arguments, correlation id) each) as a service whose one consumer never answers
    receives them, and the problem each call ended with: the queue has a consumer, so each call is published,
    and times out."""
    exchange = Exchange("nameko-rpc", type="topic", durable=True)
    queue = Queue("rpc-gateway_rpc_test_idle", exchange=exchange, routing_key="gateway_rpc_test_idle.*",
                  durable=True)
    received, problems = [], []
    with Connection(vhost) as connection, connection.Consumer(queue, callbacks=[lambda _, m: received.append(m)],
                                                              no_ack=True):
        for args, correlation_id in calls:
            with pytest.raises(Problem) as timed_out:
                call(caller, "gateway_rpc_test_idle", *args, correlation_id=correlation_id)
            problems.append(timed_out.value)
        while len(received) < len(calls):
            connection.drain_events(timeout=5)
    return received, problems


@pytest.mark.parametrize("producer", ["kept", "revived"])
def test_a_request_is_transient_expires_with_its_caller_and_carries_the_callers_context(caller, vhost, producer):
    # A request goes straight onto the kept producer's channel; one whose connection dropped since its last use
    # goes through kombu's reconnecting publish (shared/producer_pool.py). The message is the same either way.
    if producer == "revived":
        published_to_an_idle_service(vhost, caller, (("register", {"n": 0}), "rpc-test-before"))  # connects it
        with _rpc_of(caller).producers.acquire(block=True) as kept:  # one worker: the one producer
            kept.connection.connection.sock.shutdown(socket.SHUT_RDWR)  # the link is cut under it
    [message], [timed_out] = published_to_an_idle_service(vhost, caller, (("register", {"n": 1}), "rpc-test-wire"))

    assert (timed_out.status, timed_out.code) == (504, "upstream_timeout")
    assert message.properties["expiration"] == "1000"  # the caller's RPC_TIMEOUT: never run after it
    assert message.delivery_info["routing_key"] == "gateway_rpc_test_idle.register"
    assert message.properties["delivery_mode"] == 1  # transient: the broker writes nothing to disk
    assert message.properties["reply_to"] and message.properties["correlation_id"]
    assert message.headers["nameko.correlation_id"] == "rpc-test-wire"
    assert message.headers["nameko.principal"] == "clerk.MR-610502"
    assert message.payload == {"args": [{"n": 1}], "kwargs": {}}
    # The proof names the verified principal and is for the called service alone.
    proof = ProofVerifier.from_config(public_keys_config(), "gateway_rpc_test_idle").verify(
        message.headers["nameko.rpc_proof"])
    assert (proof.principal, proof.role, proof.office, proof.purpose) == (
        "clerk.MR-610502", "marriage_clerk", "MR-610502", "registration")


def test_a_reply_carries_the_result_and_the_callee_sees_the_callers_context(caller, answering):
    answer = call(caller, "gateway_rpc_test_answering", "echo", {"n": 2}, correlation_id="rpc-test-ctx")

    assert answer == {"value": {"n": 2}, "correlation_id": "rpc-test-ctx", "principal": "clerk.MR-610502"}


def test_replies_are_taken_without_acknowledgements_and_requests_with_them(caller, answering, vhost):
    for n in range(3):
        assert call(caller, "gateway_rpc_test_answering", "echo", n)["value"] == n

    consumers = broker_consumers(vhost)
    assert [ack for queue, ack in consumers.items() if queue.startswith("rpc.reply-")] == [False]
    assert consumers["rpc-gateway_rpc_test_answering"] is True  # a request is acknowledged once replied to


def test_a_reply_whose_connection_dropped_since_the_last_is_still_sent(caller, answering):
    # Replies go straight onto the producer's channel; a dead one falls back to kombu's reconnecting publish.
    assert call(caller, "gateway_rpc_test_answering", "echo", "before")["value"] == "before"
    replies = next(e for e in answering.extensions if isinstance(e, Replies))
    with replies.producers.acquire(block=True) as producer:
        producer.connection.connection.sock.shutdown(socket.SHUT_RDWR)  # the link is cut under it

    assert call(caller, "gateway_rpc_test_answering", "echo", "after")["value"] == "after"


def test_a_reused_proof_leaves_each_call_its_own_correlation_id(caller, answering):
    """The gateway sends the same proof for the same caller and service while it lives (shared/rpc_proof.py);
    the correlation id, which is not in it, is still each call's own at the callee."""
    first = call(caller, "gateway_rpc_test_answering", "echo", 1, correlation_id="rpc-test-first")
    second = call(caller, "gateway_rpc_test_answering", "echo", 2, correlation_id="rpc-test-second")

    assert (first["correlation_id"], second["correlation_id"]) == ("rpc-test-first", "rpc-test-second")


def test_two_calls_of_one_caller_carry_one_proof_and_their_own_correlation_ids(caller, vhost):
    received, _ = published_to_an_idle_service(vhost, caller, (("register", 1), "rpc-test-1"),
                                               (("register", 2), "rpc-test-2"))

    assert [m.headers["nameko.correlation_id"] for m in received] == ["rpc-test-1", "rpc-test-2"]
    assert received[0].headers["nameko.rpc_proof"] == received[1].headers["nameko.rpc_proof"]


def test_a_refusal_replies_as_itself(caller, answering):
    with pytest.raises(Refusal) as refused:
        call(caller, "gateway_rpc_test_answering", "refuse")

    assert refused.value.code == "below_legal_age"


def test_an_unserialisable_result_replies_as_an_error_not_silence(answering, vhost):
    with ClusterRpcProxy({"AMQP_URI": vhost}, timeout=10,
                         context_data=proof_context("gateway_rpc_test_answering", CLERK_ACTOR)) as proxy:
        with pytest.raises(RemoteError) as failed:
            proxy.gateway_rpc_test_answering.unserialisable()
        assert proxy.gateway_rpc_test_answering.echo("after")["value"] == "after"

    assert failed.value.exc_type == "UnserializableValueError"


def test_a_call_whose_arguments_do_not_fit_the_method_is_refused_before_it_runs(answering, vhost):
    with ClusterRpcProxy({"AMQP_URI": vhost}, timeout=10,
                         context_data=proof_context("gateway_rpc_test_answering", CLERK_ACTOR)) as proxy:
        service = proxy.gateway_rpc_test_answering
        for wrong in (lambda: service.echo(), lambda: service.echo(1, 2), lambda: service.echo(nothing=1),
                      lambda: service.whoami({"name": "x"}, "one too many")):
            with pytest.raises(IncorrectSignature):  # nameko's own, raised again as itself at the caller
                wrong()
        assert service.echo(value="after")["value"] == "after"


def test_the_actor_a_service_acts_for_is_the_proven_one_whatever_the_message_says(answering, vhost):
    forged = {"name": "admin.city", "role": "admin", "office": None}
    with ClusterRpcProxy({"AMQP_URI": vhost}, timeout=10,
                         context_data=proof_context("gateway_rpc_test_answering", CLERK_ACTOR)) as proxy:
        answer = proxy.gateway_rpc_test_answering.whoami(forged)

    assert answer["argument"] == answer["caller"] == CLERK_ACTOR.to_rpc()


class _Body(BaseModel):
    pass


@command_entrypoints(command_table(CommandEntry(name="amend", method="POST", path="/v1/test/records/<record_id>",
                                                body=_Body, roles=frozenset({"marriage_clerk"}), stream="record")))
class Commanding:
    """A service whose entrypoints are generated from a command table (shared/nameko_ext/commands.py)."""

    name = "gateway_rpc_test_commanding"
    caller = RpcProof()

    def application(self) -> Commanding:
        return self

    def command(self, name: str, *args: object) -> dict[str, object]:
        return {"command": name, "args": list(args)}


def test_a_table_commands_actor_is_the_proven_one_whatever_the_message_says(config, vhost):
    forged = {"name": "registrar.city", "role": "marriage_registrar", "office": None}
    with running(Commanding, config), ClusterRpcProxy(
            {"AMQP_URI": vhost}, timeout=10,
            context_data=proof_context("gateway_rpc_test_commanding", CLERK_ACTOR)) as proxy:
        service = proxy.gateway_rpc_test_commanding
        keyed = service.amend("r-1", {"note": 1}, forged, "key-1")
        unkeyed = service.amend("r-1", {}, forged)
        with pytest.raises(IncorrectSignature):
            service.amend("r-1", {}, forged, "key-1", "one too many")

    assert keyed == {"command": "amend", "args": ["r-1", {"note": 1}, CLERK_ACTOR.to_rpc(), "key-1"]}
    assert unkeyed["args"] == ["r-1", {}, CLERK_ACTOR.to_rpc()]


# -- commands run in time or never (issue 17) -------------------------------------------------------------
RUNS: list[str] = []


class Counting:
    """Records every call it runs: what a command that must never run late looks like from the service."""

    name = "gateway_rpc_test_counting"
    caller = RpcProof()

    @service_rpc
    def count(self, key: str) -> int:
        RUNS.append(key)
        return len(RUNS)

    @service_rpc
    def slow(self, seconds: float) -> str:
        eventlet.sleep(seconds)
        return "slow"


def test_a_stopped_service_is_503_at_once_and_the_request_never_runs_when_it_returns(config, vhost):
    RUNS.clear()
    # RPC_TIMEOUT 30: a 504 would take 30 s, so a 503 proves the caller was not left waiting for it.
    slow_to_time_out = {**config, **signing_key_config(), "RPC_TIMEOUT": 30, "RPC_CONSUMER_CHECK_TTL": 0.2}
    with running(Caller, slow_to_time_out) as caller:
        with running(Counting, {**config, "max_workers": 1}):
            assert call(caller, "gateway_rpc_test_counting", "count", "while running") == 1
        eventlet.sleep(0.3)  # past the consumer check's cache
        with Connection(vhost) as connection:  # stopped, not absent: its durable queue is still there
            _, _, consumers = connection.default_channel.queue_declare("rpc-gateway_rpc_test_counting", passive=True)
        assert consumers == 0

        with pytest.raises(Problem) as refused:
            call(caller, "gateway_rpc_test_counting", "count", "while stopped")

        assert (refused.value.status, refused.value.code) == (503, "service_unavailable")
        assert refused.value.headers["Retry-After"]
        with running(Counting, {**config, "max_workers": 1}):
            eventlet.sleep(1.0)
            assert call(caller, "gateway_rpc_test_counting", "count", "after restart") == 2
    assert RUNS == ["while running", "after restart"]


def test_a_request_still_queued_when_its_caller_gives_up_never_runs_and_a_late_reply_is_dropped(config):
    RUNS.clear()
    two_at_once = {**config, **signing_key_config(), "max_workers": 2}  # RPC_TIMEOUT 1
    with running(Caller, two_at_once) as caller, running(Counting, {**config, "max_workers": 1}):
        # The service's one worker is busy for 2 s: the slow call's own reply comes late (504, then dropped),
        # and the count waits in the queue behind it past its caller's timeout.
        busy = eventlet.spawn(_outcome, caller, "slow", 2)
        eventlet.sleep(0.3)
        assert _outcome(caller, "count", "queued too long") == 504
        assert busy.wait() == 504
        eventlet.sleep(2.5)  # the worker is free again: a request not expired would have run by now

        assert call(caller, "gateway_rpc_test_counting", "count", "in time") == 1
    assert RUNS == ["in time"]


def _outcome(caller, method: str, *args: object) -> object:
    try:
        return call(caller, "gateway_rpc_test_counting", method, *args)
    except Problem as problem:
        return problem.status


def _rpc_of(container) -> ServiceRpc:
    return next(extension for extension in container.extensions if isinstance(extension, ServiceRpc))


def test_a_call_in_flight_when_the_gateway_stops_is_503_and_nothing_is_published(caller, answering):
    assert call(caller, "gateway_rpc_test_answering", "echo", "before")["value"] == "before"

    _rpc_of(caller).stop()  # SIGTERM: the gateway closes its producers while this worker still runs

    with pytest.raises(Problem) as refused:
        call(caller, "gateway_rpc_test_answering", "echo", "during")
    assert (refused.value.status, refused.value.code) == (503, "service_unavailable")
    assert "stopping" in refused.value.detail and refused.value.headers["Retry-After"]


def test_a_closed_producer_pool_while_the_gateway_runs_is_a_bug_not_a_stopping_gateway(caller, answering):
    _rpc_of(caller).producers.force_close_all()  # closed by nothing that stops the gateway

    with pytest.raises(RuntimeError) as failed:
        call(caller, "gateway_rpc_test_answering", "echo", "lost")
    assert not isinstance(failed.value, Problem)
