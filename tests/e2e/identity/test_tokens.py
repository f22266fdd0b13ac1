"""Access tokens from outside: the JWKS verifies them, and the gateway refuses every token it did not issue
as it is — tampered, expired, signed by another key, `alg: none`, HMAC confusion, wrong issuer or audience —
and still accepts a token of the previous key after `civreg keys rotate`."""

from __future__ import annotations

import base64
import json
import time

import pytest
from joserfc import jws, jwt
from joserfc.jwk import ECKey, KeySet, OctKey

from services.gateway.identity.keys import KeyRing
from services.gateway.identity.settings import DEVELOPMENT_KEY_SECRET
from tests.e2e.identity.conftest import account, bearer, civreg, login
from tests.support.problems import assert_problem
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

CLERK = account("marriage_clerk", office="MR-610502")


def b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def parts(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (json.loads(base64.urlsafe_b64decode(pad(header))), json.loads(base64.urlsafe_b64decode(pad(payload))),
            signature)


@pytest.fixture(scope="module")
def token(api, seeded) -> str:
    return login(api, CLERK["username"], CLERK["password"]).json()["access_token"]


@pytest.fixture(scope="module")
def real_key(world) -> ECKey:
    """The gateway's current signing key, read as an insider could with the database and the key secret:
    to sign tokens that differ from a good one in one respect only."""
    ring = KeyRing(world[0].database("gateway"), DEVELOPMENT_KEY_SECRET, grace=3600)
    return ring.signing_key()


def signed(key: ECKey, **changes) -> str:
    now = int(time.time())
    claims = {"iss": "urn:civreg:gateway", "aud": "civreg", "sub": "clerk.mr-610502", "iat": now, "nbf": now,
              "exp": now + 300, "role": "marriage_clerk", "office": "MR-610502", **changes}
    header = {"alg": "ES256", "kid": key.kid, "typ": "at+jwt"}
    return jwt.encode(header, {k: v for k, v in claims.items() if v is not None}, key, algorithms=["ES256"])


def refused(api, token: str) -> None:
    response = api.get("/v1/me", headers=bearer(token))
    assert_problem(response, 401, "unauthenticated")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_the_jwks_is_public_and_verifies_an_access_token_without_the_gateway(api, token):
    response = api.get("/.well-known/jwks.json")

    assert response.status_code == 200
    keys = response.json()["keys"]
    assert keys and all(k["kty"] == "EC" and k["crv"] == "P-256" and k["kid"] and "d" not in k for k in keys)
    header, _, _ = parts(token)
    assert header["alg"] == "ES256" and header["typ"] == "at+jwt" and header["kid"] in {k["kid"] for k in keys}
    decoded = jwt.decode(token, KeySet.import_key_set(response.json()), algorithms=["ES256"])
    assert decoded.claims["sub"] == "clerk.mr-610502" and decoded.claims["exp"] - decoded.claims["iat"] <= 900


def test_a_token_signed_like_the_gateway_is_accepted(api, real_key):
    # The control for the refusals below: they differ from this token in one respect each.
    assert api.get("/v1/me", headers=bearer(signed(real_key))).status_code == 200


def test_a_tampered_token_is_refused(api, token):
    header, payload, signature = parts(token)
    as_admin = ".".join([b64(header), b64({**payload, "role": "admin"}), signature])
    refused(api, as_admin)
    refused(api, token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))


def test_an_expired_token_is_refused(api, real_key):
    past = int(time.time()) - 3600
    refused(api, signed(real_key, iat=past - 900, nbf=past - 900, exp=past))


def test_a_token_signed_by_another_key_under_the_gateways_kid_is_refused(api, real_key):
    impostor = ECKey.generate_key("P-256", parameters={"kid": real_key.kid})
    refused(api, signed(impostor))


def test_alg_none_and_hmac_with_the_public_key_are_refused(api, token, real_key):
    header, payload, _ = parts(token)
    refused(api, f"{b64({**header, 'alg': 'none'})}.{b64(payload)}.")
    public_as_secret = OctKey.import_key(json.dumps(real_key.as_dict(private=False)).encode())
    hmac = jws.serialize_compact({**header, "alg": "HS256"}, json.dumps(payload).encode(), public_as_secret,
                                 algorithms=["HS256"])
    refused(api, hmac)


def test_wrong_issuer_audience_type_or_role_is_refused(api, real_key):
    for changes in ({"iss": "https://elsewhere"}, {"aud": "another-api"}, {"role": "system"}, {"exp": None},
                    {"sub": None}):
        refused(api, signed(real_key, **changes))
    now = int(time.time())
    untyped = jwt.encode({"alg": "ES256", "kid": real_key.kid},
                         {"iss": "urn:civreg:gateway", "aud": "civreg", "sub": "x", "exp": now + 60,
                          "role": "admin"}, real_key, algorithms=["ES256"])
    refused(api, untyped)


def test_after_a_key_rotation_new_tokens_use_the_new_key_and_old_ones_still_verify(api, world, token):
    old_kid = parts(token)[0]["kid"]

    done = civreg(world[0].name, "keys", "rotate")

    assert done.returncode == 0, done.stderr
    wait_until(lambda: parts(login(api, CLERK["username"], CLERK["password"]).json()["access_token"])[0]["kid"]
               != old_kid, interval=0.5, what="the gateway to sign with the new key")
    kids = {k["kid"] for k in api.get("/.well-known/jwks.json").json()["keys"]}
    assert old_kid in kids and len(kids) >= 2
    assert api.get("/v1/me", headers=bearer(token)).status_code == 200
