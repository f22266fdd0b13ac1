"""The gateway's RPC client and the services' `service_rpc` replies, on the real broker: what a request looks
like on the wire (transient, with the caller's context as nameko headers and the signed proof of its
principal for the target service alone), that a call to a service that is
not running is 503 at once without putting the channel's confirms out of step, and what a reply carries."""

from __future__ import annotations

import pytest
from kombu import Connection, Exchange, Queue
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import dummy, entrypoint_hook

from services.gateway.auth import Principal
from services.gateway.problems import Problem
from services.gateway.rpc import ServiceRpc
from shared.actor import Actor
from shared.errors import Refusal
from shared.nameko_ext import CorrelationContext, service_rpc
from shared.nameko_ext.proof import RpcProof
from shared.rpc_proof import ProofVerifier
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


def test_a_request_is_transient_and_carries_the_callers_context(caller, vhost):
    exchange = Exchange("nameko-rpc", type="topic", durable=True)
    queue = Queue("rpc-gateway_rpc_test_idle", exchange=exchange, routing_key="gateway_rpc_test_idle.*",
                  durable=True)
    with Connection(vhost) as connection:
        queue(connection).declare()  # bound, so routable, but nobody consumes: the call times out

        with pytest.raises(Problem) as timed_out:
            call(caller, "gateway_rpc_test_idle", "register", {"n": 1}, correlation_id="rpc-test-wire")
        message = queue(connection).get(no_ack=True)

    assert (timed_out.value.status, timed_out.value.code) == (504, "upstream_timeout")
    assert message.delivery_info["routing_key"] == "gateway_rpc_test_idle.register"
    assert message.properties["delivery_mode"] == 1  # transient: the broker writes nothing to disk
    assert message.properties["reply_to"] and message.properties["correlation_id"]
    assert message.headers["nameko.correlation_id"] == "rpc-test-wire"
    assert message.headers["nameko.principal"] == "clerk.MR-610502"
    assert message.payload == {"args": [{"n": 1}], "kwargs": {}}
    # The proof names the verified principal, is for the called service alone, and carries the correlation id.
    proof = ProofVerifier.from_config(public_keys_config(), "gateway_rpc_test_idle").verify(
        message.headers["nameko.rpc_proof"])
    assert (proof.principal, proof.role, proof.office, proof.purpose, proof.correlation_id) == (
        "clerk.MR-610502", "marriage_clerk", "MR-610502", "registration", "rpc-test-wire")


def test_a_reply_carries_the_result_and_the_callee_sees_the_callers_context(caller, answering):
    answer = call(caller, "gateway_rpc_test_answering", "echo", {"n": 2}, correlation_id="rpc-test-ctx")

    assert answer == {"value": {"n": 2}, "correlation_id": "rpc-test-ctx", "principal": "clerk.MR-610502"}


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


def test_the_actor_a_service_acts_for_is_the_proven_one_whatever_the_message_says(answering, vhost):
    forged = {"name": "admin.city", "role": "admin", "office": None}
    with ClusterRpcProxy({"AMQP_URI": vhost}, timeout=10,
                         context_data=proof_context("gateway_rpc_test_answering", CLERK_ACTOR)) as proxy:
        answer = proxy.gateway_rpc_test_answering.whoami(forged)

    assert answer["argument"] == answer["caller"] == CLERK_ACTOR.to_rpc()
