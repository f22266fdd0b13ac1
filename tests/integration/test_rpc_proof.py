"""Proof on every RPC (issue 12): whoever reaches the broker, no service answers a call the gateway did not
sign for it. A standalone nameko proxy — the issue's `marriage.person_status` caller — with a forged `admin`
actor and no proof, with a proof signed by another key, an expired proof, or a proof for another service,
gets a refusal with a stable code and no data, from every service; the same call with the gateway's proof
is answered."""

from __future__ import annotations

import json
import time
from contextlib import ExitStack

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from nameko.standalone.rpc import ClusterRpcProxy

from services.adoption.service import AdoptionService
from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.timeline.service import TimelineService
from services.vagrant_aid.service import VagrantAidService
from shared.actor import Actor
from shared.errors import Refusal
from shared.rpc_proof import ALGORITHM, PROOF_CONTEXT_KEY, ProofSigner
from tests.support.infrastructure import isolated_world
from tests.support.proof import key_files, proof_context, signer
from tests.support.services import running, service_config
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

FORGED_ADMIN = {"name": "admin.city", "role": "admin", "office": None}
ADMIN = Actor("admin.city", "admin")
PERSON = synthetic_id_number()

# One read per service, reads being where the issue found the door open (`actor` arguments are forged too).
CALLS = {
    "marriage": ("person_status", (PERSON,)),
    "child_welfare": ("tasks", ()),
    "funeral": ("expiring_terms", ()),
    "vagrant_aid": ("list_stations", (FORGED_ADMIN,)),
    "timeline": ("feed", (None, None, None, {"role": "admin", "scopes": ["status", "case", "protected"]})),
    "adoption": ("list_registrations", ({}, FORGED_ADMIN)),
}
# Adoptions are read by registrars and oversight only: an admin's proof is refused there as `forbidden`.
READERS = {"adoption": Actor("oversight.city", "oversight")}


@pytest.fixture(scope="module")
def broker():
    with isolated_world() as (namespace, vhost), ExitStack() as stack:
        config = service_config(namespace, vhost)
        for service in (MarriageService, ChildWelfareService, FuneralService, VagrantAidService, TimelineService,
                        AdoptionService):
            stack.enter_context(running(service, config))
        yield vhost


def call(vhost: str, service: str, context_data: dict[str, str]) -> object:
    method, args = CALLS[service]
    with ClusterRpcProxy({"AMQP_URI": vhost}, timeout=10, context_data=context_data) as proxy:
        return getattr(getattr(proxy, service), method)(*args)


def forged_key_proof(service: str) -> str:
    """Signed like the gateway's, with the test run's kid, by a key that is not the gateway's."""
    impostor = ECKey.generate_key("P-256", parameters={"kid": "test-run"}, private=True)
    return ProofSigner(impostor).sign(audience=service, principal="admin.city", role="admin")


def expired_proof(service: str) -> str:
    """The gateway's proof, signed two minutes ago."""
    return signer().sign(audience=service, principal="admin.city", role="admin",
                         now=time.time() - 120)


ATTEMPTS = {
    "no proof, a forged admin": (lambda service: {"principal": "admin.city"}, "rpc_proof_missing"),
    "a proof signed by another key": (lambda service: {PROOF_CONTEXT_KEY: forged_key_proof(service)},
                                      "rpc_proof_invalid"),
    "an expired proof": (lambda service: {PROOF_CONTEXT_KEY: expired_proof(service)}, "rpc_proof_expired"),
    "a proof for another service": (lambda service: proof_context("gateway", ADMIN), "rpc_proof_wrong_audience"),
    "an unsigned proof (alg none)": (lambda service: {PROOF_CONTEXT_KEY: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9."},
                                     "rpc_proof_invalid"),
}


@pytest.mark.parametrize("attempt", list(ATTEMPTS))
@pytest.mark.parametrize("service", list(CALLS))
def test_a_call_without_valid_proof_is_refused_with_no_data(broker, service, attempt):
    context_data, code = ATTEMPTS[attempt]
    with pytest.raises(Refusal) as refused:
        call(broker, service, context_data(service))

    assert (refused.value.code, refused.value.status) == (code, 401)


@pytest.mark.parametrize("service", list(CALLS))
def test_the_same_call_with_the_gateways_proof_is_answered(broker, service):
    who = READERS.get(service, ADMIN)
    answer = call(broker, service, proof_context(service, who, scopes=("status", "case", "protected")))

    assert answer is not None


def test_no_one_outside_can_claim_a_services_own_identity(broker):
    """`system` is the in-process identity of timers and reactions: even signed with the gateway's key (which
    the gateway never does), an assertion naming it is refused."""
    key = ECKey.import_key(json.loads(key_files()[0].read_text()))
    now = int(time.time())
    token = jwt.encode({"alg": ALGORITHM, "kid": key.kid}, {
        "iss": "civreg-gateway", "aud": "marriage", "sub": "marriage", "role": "system", "cid": "x",
        "iat": now, "exp": now + 30}, key, algorithms=[ALGORITHM])
    with pytest.raises(Refusal) as refused:
        call(broker, "marriage", {PROOF_CONTEXT_KEY: token})

    assert refused.value.code == "rpc_proof_invalid"
