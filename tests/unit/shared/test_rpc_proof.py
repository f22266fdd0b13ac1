"""The RPC proof (shared/rpc_proof.py), with no broker: what a service's verifier accepts and what it refuses,
each refusal with its stable code."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, OctKey

from shared import rpc_proof
from shared.actor import Actor
from shared.rpc_proof import ALGORITHM, CLOCK_SKEW, MAX_LIFETIME, ProofRefused, ProofSigner, ProofVerifier


@pytest.fixture(scope="module")
def key():
    return ECKey.generate_key("P-256", parameters={"kid": "gateway-1"}, private=True)


@pytest.fixture(scope="module")
def signer(key):
    return ProofSigner(key)


def new_verifier(key, audience="marriage"):
    return ProofVerifier(KeySet([ECKey.import_key(key.as_dict(private=False))]), audience)


@pytest.fixture
def verifier(key):
    return new_verifier(key)


def clerk_proof(signer, audience="marriage", purpose="registration", **kwargs):
    return signer.sign(audience=audience, principal="clerk.MR-610502", role="marriage_clerk", office="MR-610502",
                       scopes=("status",), purpose=purpose, **kwargs)


def refusal(verifier, token):
    with pytest.raises(ProofRefused) as refused:
        verifier.verify(token)
    assert refused.value.status == 401
    return refused.value.code


def test_a_proof_for_this_service_names_the_verified_caller(signer, verifier):
    assertion = verifier.verify(clerk_proof(signer))

    assert assertion.actor() == Actor("clerk.MR-610502", "marriage_clerk", "MR-610502")
    assert (assertion.scopes, assertion.purpose) == (("status",), "registration")


def test_the_proof_names_its_key_and_lives_at_most_a_minute(signer):
    token = clerk_proof(signer)
    header = jwt.decode(token, signer._key, algorithms=[ALGORITHM]).header
    claims = jwt.decode(token, signer._key, algorithms=[ALGORITHM]).claims

    assert (header["alg"], header["kid"]) == ("ES256", "gateway-1")
    assert 0 < claims["exp"] - claims["iat"] <= MAX_LIFETIME


@pytest.mark.parametrize("token", [None, "", 42, "not-a-jwt", "a.b.c", "x" * 10000])
def test_a_missing_or_malformed_proof_is_refused(verifier, token):
    assert refusal(verifier, token) in ("rpc_proof_missing", "rpc_proof_invalid")


def test_a_proof_signed_by_another_key_is_refused_even_with_the_right_kid(verifier):
    impostor = ProofSigner(ECKey.generate_key("P-256", parameters={"kid": "gateway-1"}, private=True))

    assert refusal(verifier, clerk_proof(impostor)) == "rpc_proof_invalid"


def test_a_tampered_proof_is_refused(signer, verifier):
    head, body, signature = clerk_proof(signer).split(".")
    forged_body = jwt.encode({"alg": ALGORITHM}, {"sub": "admin.city", "role": "admin"}, signer._key,
                             algorithms=[ALGORITHM]).split(".")[1]

    assert refusal(verifier, f"{head}.{forged_body}.{signature}") == "rpc_proof_invalid"


def test_a_proof_for_another_service_is_refused(signer, verifier):
    assert refusal(verifier, clerk_proof(signer, audience="funeral")) == "rpc_proof_wrong_audience"


def test_an_expired_proof_is_refused(signer, verifier):
    assert refusal(verifier, clerk_proof(signer, now=time.time() - 120)) == "rpc_proof_expired"


def test_a_proof_that_would_live_longer_than_a_minute_is_refused(key, verifier):
    now = int(time.time())
    token = jwt.encode({"alg": ALGORITHM, "kid": key.kid}, {
        "iss": "civreg-gateway", "aud": "marriage", "sub": "a", "role": "admin", "cid": "c",
        "iat": now, "exp": now + 3600}, key, algorithms=[ALGORITHM])

    assert refusal(verifier, token) == "rpc_proof_invalid"


def test_no_proof_may_claim_a_services_own_identity(key, signer, verifier):
    with pytest.raises(ValueError):
        signer.sign(audience="marriage", principal="marriage", role="system")
    now = int(time.time())
    token = jwt.encode({"alg": ALGORITHM, "kid": key.kid}, {
        "iss": "civreg-gateway", "aud": "marriage", "sub": "marriage", "role": "system", "cid": "c",
        "iat": now, "exp": now + 30}, key, algorithms=[ALGORITHM])

    assert refusal(verifier, token) == "rpc_proof_invalid"


def test_a_symmetric_or_unsigned_proof_is_refused(verifier):
    now = int(time.time())
    claims = {"iss": "civreg-gateway", "aud": "marriage", "sub": "a", "role": "admin", "cid": "c",
              "iat": now, "exp": now + 30}
    hs256 = jwt.encode({"alg": "HS256", "kid": "gateway-1"}, claims, OctKey.generate_key(256), algorithms=["HS256"])

    assert refusal(verifier, hs256) == "rpc_proof_invalid"
    assert refusal(verifier, "eyJhbGciOiJub25lIn0." + hs256.split(".")[1] + ".") == "rpc_proof_invalid"


def test_a_service_is_never_configured_with_a_signing_key(key):
    with pytest.raises(ValueError):
        ProofVerifier(KeySet([key]), "marriage")


# -- one proof for many calls (the gateway's reuse, the services' memory of verified proofs) ---------------------
def test_the_gateway_reuses_a_proof_while_it_outlives_the_margin_and_signs_anew_after(key):
    signer = ProofSigner(key, lifetime=30, reuse_margin=15)
    now = time.time()
    first = clerk_proof(signer, now=now)

    assert clerk_proof(signer, now=now + 10) == first
    assert clerk_proof(signer, now=now + 16) != first  # 14 s left: not enough for a call's wait and skew
    assert clerk_proof(signer, audience="funeral", now=now + 16) != clerk_proof(signer, now=now + 16)
    assert clerk_proof(signer, purpose="inquiry", now=now + 16) != clerk_proof(signer, now=now + 16)


def test_a_proof_for_a_past_moment_is_signed_for_it_though_a_live_one_is_held(key, verifier):
    signer = ProofSigner(key, reuse_margin=15)
    live = clerk_proof(signer)

    assert refusal(verifier, clerk_proof(signer, now=time.time() - 120)) == "rpc_proof_expired"
    assert verifier.verify(clerk_proof(signer)).principal == verifier.verify(live).principal == "clerk.MR-610502"


def test_without_a_margin_every_proof_is_signed_anew(key):
    signer = ProofSigner(key)

    assert clerk_proof(signer) != clerk_proof(signer)


def test_a_remembered_proof_is_refused_once_it_has_expired(signer, verifier):
    now = time.time()
    token = clerk_proof(signer, now=now)
    expires = jwt.decode(token, signer._key, algorithms=[ALGORITHM]).claims["exp"]

    assert verifier.verify(token, now=now).principal == "clerk.MR-610502"  # verified, so remembered
    assert verifier.verify(token, now=now + 1).principal == "clerk.MR-610502"
    with pytest.raises(ProofRefused) as refused:
        verifier.verify(token, now=expires + CLOCK_SKEW + 1)
    assert refused.value.code == "rpc_proof_expired"


def test_a_verified_proof_is_not_checked_again_until_it_expires(signer, verifier, monkeypatch):
    token = clerk_proof(signer)
    verifier.verify(token)
    checks = []
    monkeypatch.setattr(rpc_proof.jwt, "decode", lambda *args, **kwargs: checks.append(args))

    assert verifier.verify(token).principal == "clerk.MR-610502"
    assert checks == []


def test_only_a_proof_that_passed_the_check_is_remembered(key, signer, verifier):
    genuine = clerk_proof(signer)
    verifier.verify(genuine)
    head, body, signature = genuine.split(".")
    other = clerk_proof(ProofSigner(ECKey.generate_key("P-256", parameters={"kid": "gateway-1"}, private=True)))

    # The remembered proof's claims under another signature, and a forged proof asked for twice.
    assert refusal(verifier, f"{head}.{body}.{other.split('.')[2]}") == "rpc_proof_invalid"
    assert refusal(verifier, other) == "rpc_proof_invalid"
    assert refusal(verifier, other) == "rpc_proof_invalid"
    # A proof for another service, refused by one verifier, is not admitted by it the second time either.
    for_funeral = clerk_proof(signer, audience="funeral")
    assert refusal(verifier, for_funeral) == "rpc_proof_wrong_audience"
    assert refusal(verifier, for_funeral) == "rpc_proof_wrong_audience"
    assert new_verifier(key, "funeral").verify(for_funeral).audience == "funeral"
    assert refusal(verifier, for_funeral) == "rpc_proof_wrong_audience"


def test_the_memory_of_verified_proofs_is_bounded(key, verifier, monkeypatch):
    monkeypatch.setattr(rpc_proof, "MOST_REMEMBERED", 3)
    signer = ProofSigner(key)
    for n in range(10):
        verifier.verify(signer.sign(audience="marriage", principal=f"clerk-{n}", role="marriage_clerk"))

    assert len(verifier._verified) <= 3
