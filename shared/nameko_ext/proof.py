"""`RpcProof`: the one dependency provider that stands between the broker and every RPC entrypoint.

A service's `@service_rpc` entrypoint (shared/nameko_ext/service.py) asks it to admit each call before any
worker runs: the call's `nameko.rpc_proof` header must be the gateway's assertion, signed for this service
and unexpired (shared/rpc_proof.py). A call that is not admitted is answered with its refusal
(`rpc_proof_missing`, `rpc_proof_invalid`, `rpc_proof_expired`, `rpc_proof_wrong_audience`; 401), logged as
a warning, and runs nothing. An admitted call runs with the verified caller: the entrypoint puts it in the
method's `actor` (and the timeline's `viewer`) argument, whatever the message carried there, and in the
worker's context data as `principal`; the correlation id is the message's `nameko.correlation_id` header.

As a dependency, `self.caller` is the worker's acting identity: the verified actor for an RPC call, the
service's own in-process identity (`Actor.system(<service>)`) for its timers and event reactions — an
identity no message can claim, because the verifier refuses any assertion naming `system`.
"""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider

from shared.actor import Actor
from shared.logging import get_logger
from shared.rpc_proof import PROOF_CONTEXT_KEY, Assertion, ProofRefused, ProofVerifier

log = get_logger(__name__)

PROOF_HEADER = f"nameko.{PROOF_CONTEXT_KEY}"
_VERIFIED = "_rpc_caller"  # context-data key of the admitted assertion, taken out before the method runs


class RpcProof(DependencyProvider):
    def setup(self) -> None:
        # Without the gateway's public keys the service cannot start: it would otherwise run unprotected.
        self.verifier = ProofVerifier.from_config(self.container.config, self.container.service_name)

    def admit(self, method: str, headers: dict[str, Any] | None) -> Assertion:
        """The verified caller of one RPC message, or the refusal it is answered with."""
        try:
            return self.verifier.verify((headers or {}).get(PROOF_HEADER))
        except ProofRefused as refusal:
            log.warning("rpc refused", service=self.container.service_name, method=method, code=refusal.code)
            raise

    @staticmethod
    def context(context_data: dict[str, Any], assertion: Assertion) -> dict[str, Any]:
        """The worker's context data: the verified principal replaces what the message said, and the proof
        itself goes no further (it is for this service alone). The correlation id is the message's own header,
        a label the proof does not carry (shared/rpc_proof.py)."""
        data = {key: value for key, value in context_data.items() if key not in (PROOF_CONTEXT_KEY, "principal")}
        return {**data, "principal": assertion.principal, _VERIFIED: assertion}

    def get_dependency(self, worker_ctx: Any) -> Actor | None:
        assertion = worker_ctx.data.pop(_VERIFIED, None)
        if isinstance(assertion, Assertion):
            return assertion.actor()
        if getattr(worker_ctx.entrypoint, "requires_proof", False):
            return None  # not reached: a proof-requiring entrypoint spawns no worker it has not admitted
        return Actor.system(self.container.service_name)
