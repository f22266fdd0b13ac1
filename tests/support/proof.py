"""The test run's RPC proof keys, and signed proof for tests that call a service over RPC themselves.

A test stack signs exactly as production does (shared/rpc_proof.py): the run generates its own key pair
once, into a temporary directory removed at exit; the gateway gets the signing key, services the public one.
A test that calls a service directly (`ClusterRpcProxy`) proves its caller with `proof_context(...)`, the
gateway's assertion for that caller, signed with the same key:

    with ClusterRpcProxy(config, context_data=proof_context("marriage", CLERK)) as rpc:
        rpc.marriage.register_marriage(body, CLERK)
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

from shared.actor import Actor
from shared.rpc_proof import PROOF_CONTEXT_KEY, ProofSigner, generate_key_pair


@functools.cache
def key_files() -> tuple[Path, Path]:
    """(signing key, public key set) of this test run."""
    directory = Path(tempfile.mkdtemp(prefix="civreg-rpc-keys-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return generate_key_pair(directory / "keys", kid="test-run")


def public_keys_config() -> dict[str, str]:
    """A service's configuration of the gateway's public keys."""
    return {"RPC_PUBLIC_KEYS_FILE": str(key_files()[1])}


def signing_key_config() -> dict[str, str]:
    """The gateway's configuration of its signing key."""
    return {"RPC_SIGNING_KEY_FILE": str(key_files()[0])}


@functools.cache
def signer() -> ProofSigner:
    return ProofSigner.from_config(signing_key_config())


def signed_proof(service: str, actor: Actor | dict[str, Any], *, scopes: tuple[str, ...] = (),
                 purpose: str | None = None, **claims: Any) -> str:
    """The gateway's assertion of `actor` (an `Actor` or its RPC dict) for `service`."""
    who = actor if isinstance(actor, Actor) else Actor.from_rpc(actor)
    return signer().sign(audience=service, principal=who.name, role=who.role, office=who.office,
                         county=who.county, township=who.township, scopes=scopes, purpose=purpose, **claims)


def proof_context(service: str, actor: Actor | dict[str, Any], *, correlation_id: str | None = None,
                  **kwargs: Any) -> dict[str, str]:
    """nameko context data carrying the proof (nameko sends it as the `nameko.rpc_proof` header) and, if given,
    the correlation id, which travels beside the proof as the gateway sends it (without one, the service
    makes its own)."""
    proof = {PROOF_CONTEXT_KEY: signed_proof(service, actor, **kwargs)}
    return proof if correlation_id is None else {**proof, "correlation_id": correlation_id}
