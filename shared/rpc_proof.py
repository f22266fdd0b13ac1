"""Proof on every RPC: the gateway's short-lived assertion of who is calling, signed for one service.

Whoever can reach the broker can send a service a message; only the gateway can sign (docs/architecture.md,
"Proof on RPC"). With each call the gateway sends, as the nameko context header `nameko.rpc_proof`, a JWT:

* signed ES256 with the gateway's private key, named by `kid` (joserfc; no hand-written crypto);
* bound to the target service (`aud`) and living at most `MAX_LIFETIME` seconds (`exp`, `iat`);
* carrying the verified principal (`sub`), `role`, `scopes`, the place that scopes them (`office`, `county`,
  `township`), `bureau` and the stated `purpose`.

A proof asserts who calls, for which service, until when — nothing about any one call. So both ends keep
one rather than paying an ES256 signature or check per call (issue 19: ~14% of the gateway's and of the
timeline's CPU per timeline query):

* the gateway's `ProofSigner` (given a `reuse_margin`) reuses the proof it signed for the same assertion
  (audience, principal, role, scopes, place, bureau, purpose) while it has more than `reuse_margin` seconds
  of life left — the gateway's RPC timeout plus the tolerated clock skew, so a reused proof still outlives
  every wait for its call — and signs a new one after that. A proof still lives at most `MAX_LIFETIME`: a
  captured one is worth no more, and for no longer, than before (it could always be replayed within its
  lifetime: a proof was never single-use);
* a service's `ProofVerifier` remembers the proofs it has verified (by their SHA-256, bounded) until their
  `exp`: the same text again is the same signed assertion, so it is admitted without a second check. Only a
  proof that passed the full check is remembered; past its `exp` it is checked in full again (and refused as
  expired once past the tolerated clock skew), and a verifier remembers only proofs addressed to its own service.

The correlation id is not in the proof: it travels as nameko's own `nameko.correlation_id` context header,
as it does between services. It is a label that ties log lines and events of one request together, not an
authority — no service decides anything by it — so that it is unsigned lets whoever holds a valid proof
(the gateway, or someone replaying one within its lifetime, as before) choose a label, and nothing more.

Services hold only the public keys (a JWK set, so keys can rotate: add the new public key everywhere, then
switch the gateway to the new private key). A service's `ProofVerifier` refuses a missing, forged, expired
or misaddressed proof with a stable code, and an assertion naming `system` (the in-process identity of a
service's timers and reactions) or carrying no principal. The key files are configured by path
(`RPC_SIGNING_KEY_FILE` at the gateway, `RPC_PUBLIC_KEYS_FILE` at services); `python -m shared.rpc_proof
<dir>` writes a development pair (what `make up` does, into the ignored `.run/keys/`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import ECKey, KeySet

from shared.actor import SYSTEM_ROLE, Actor
from shared.errors import Refusal
from shared.settings import RpcProofKeys, RpcProofSigning

PROOF_CONTEXT_KEY = "rpc_proof"  # nameko sends context data as `nameko.<key>` headers
ALGORITHM = "ES256"
ISSUER = "civreg-gateway"
MOST_REMEMBERED = 4096  # proofs a verifier or signer keeps at most (a few hundred bytes each)
MAX_LIFETIME = 60  # seconds, the most a verifier accepts between `iat` and `exp`
DEFAULT_LIFETIME = 30  # seconds: a call outlives its RPC_TIMEOUT (10 s) by a margin for clock skew, no more
CLOCK_SKEW = 5  # seconds of disagreement between the gateway's and a service's clock that are tolerated

REPO_ROOT = Path(__file__).resolve().parents[1]
DEV_KEY_DIR = ".run/keys"
SIGNING_KEY_FILE = "rpc-signing.jwk.json"
PUBLIC_KEYS_FILE = "rpc-public.jwks.json"

# Refusal codes (stable; docs/architecture.md). 401: the call does not prove who makes it.
MISSING = "rpc_proof_missing"
INVALID = "rpc_proof_invalid"
EXPIRED = "rpc_proof_expired"
WRONG_AUDIENCE = "rpc_proof_wrong_audience"


class ProofRefused(Refusal):
    def __init__(self, code: str, detail: str = "", *_: Any) -> None:
        super().__init__(code, detail or "the call carries no valid proof of its caller", 401)
        self.args = (code, self.detail)


@dataclass(frozen=True)
class Assertion:
    """A verified caller, as the gateway vouched for it."""

    principal: str
    role: str
    audience: str
    scopes: tuple[str, ...] = ()
    office: str | None = None
    county: str | None = None
    township: str | None = None
    bureau: str | None = None
    purpose: str | None = None

    def actor(self) -> Actor:
        return Actor(self.principal, self.role, self.office, county=self.county, township=self.township,
                     bureau=self.bureau)

    def viewer(self) -> dict[str, Any]:
        """What the timeline filters by (role and scopes; a bureau's name, for reads only one bureau makes)."""
        return {"role": self.role, "scopes": list(self.scopes), "bureau": self.bureau}


def _config_path(value: str | os.PathLike[str] | None, default: str) -> Path:
    path = Path(value or Path(DEV_KEY_DIR) / default)
    return path if path.is_absolute() else REPO_ROOT / path


class ProofSigner:
    """The gateway's side: signs the assertions of its calls. Only the gateway is configured with it.

    `reuse_margin`: seconds of life a proof signed earlier for the same assertion must still have to be sent
    again (module docstring); None signs a new proof every time."""

    def __init__(self, key: ECKey, *, lifetime: int = DEFAULT_LIFETIME, reuse_margin: float | None = None) -> None:
        if not key.is_private or not key.kid:
            raise ValueError("the RPC signing key must be a private key with a kid")
        if not 0 < lifetime <= MAX_LIFETIME:
            raise ValueError(f"an RPC proof lives at most {MAX_LIFETIME} s")
        self._key = key
        self._header = {"alg": ALGORITHM, "kid": key.kid, "typ": "JWT"}
        self.lifetime = lifetime
        self.reuse_margin = reuse_margin
        self._signed: dict[tuple[Any, ...], tuple[str, int, int]] = {}  # assertion -> (proof, iat, exp)

    @classmethod
    def from_config(cls, config: dict[str, Any], *, reuse_margin: float | None = None) -> ProofSigner:
        """`RPC_SIGNING_KEY_FILE`: a private JWK (relative paths from the repository root)."""
        settings = RpcProofSigning.of(config)
        path = _config_path(settings.RPC_SIGNING_KEY_FILE, SIGNING_KEY_FILE)
        key = ECKey.import_key(json.loads(path.read_text()))
        return cls(key, lifetime=settings.RPC_PROOF_LIFETIME or DEFAULT_LIFETIME, reuse_margin=reuse_margin)

    def sign(self, *, audience: str, principal: str, role: str, scopes: Iterable[str] = (),
             office: str | None = None, county: str | None = None, township: str | None = None,
             bureau: str | None = None, purpose: str | None = None, now: float | None = None) -> str:
        if not principal or not role or role == SYSTEM_ROLE:
            raise ValueError("an RPC proof names a principal and a role other than system")
        moment = time.time() if now is None else now
        assertion = (audience, principal, role, tuple(scopes), office, county, township, bureau, purpose)
        if self.reuse_margin is not None:
            signed = self._signed.get(assertion)
            # Issued by now (a caller's `now` in the past never gets a later proof) and alive for the margin.
            if signed is not None and signed[1] <= moment and signed[2] - moment > self.reuse_margin:
                return signed[0]
        issued = int(moment)
        claims: dict[str, Any] = {
            "iss": ISSUER, "aud": audience, "sub": principal, "role": role, "scopes": list(assertion[3]),
            "iat": issued, "exp": issued + self.lifetime, "jti": uuid.uuid4().hex,
        }
        for name, value in (("office", office), ("county", county), ("township", township),
                            ("bureau", bureau), ("purpose", purpose)):
            if value is not None:
                claims[name] = value
        token = jwt.encode(self._header, claims, self._key, algorithms=[ALGORITHM])
        if self.reuse_margin is not None:
            if len(self._signed) >= MOST_REMEMBERED:
                self._signed.clear()  # bounded memory; clearing costs one signature per assertion in use
            self._signed[assertion] = (token, issued, claims["exp"])
        return token


class ProofVerifier:
    """A service's side: holds the gateway's public keys, verifies assertions addressed to `audience`."""

    def __init__(self, keys: KeySet, audience: str) -> None:
        if any(key.is_private for key in keys):
            raise ValueError("a service holds no signing key: configure it with public keys only")
        self._keys = keys
        self.audience = audience
        # SHA-256 of a proof that passed `_verify` -> (its assertion, its `exp`); never a proof that did not.
        self._verified: dict[bytes, tuple[Assertion, int]] = {}

    @classmethod
    def from_config(cls, config: dict[str, Any], audience: str) -> ProofVerifier:
        """`RPC_PUBLIC_KEYS_FILE`: a JWK set of the gateway's public keys."""
        path = _config_path(RpcProofKeys.of(config).RPC_PUBLIC_KEYS_FILE, PUBLIC_KEYS_FILE)
        return cls(KeySet.import_key_set(json.loads(path.read_text())), audience)

    def verify(self, token: Any, *, now: float | None = None) -> Assertion:
        """The assertion of a valid proof addressed to this service, or its refusal. A proof verified before
        is admitted again without the check until its `exp` (module docstring)."""
        if not token:
            raise ProofRefused(MISSING, "the call carries no proof of its caller")
        if not isinstance(token, str) or len(token) > 8192:
            raise ProofRefused(INVALID)
        moment = time.time() if now is None else now
        digest = hashlib.sha256(token.encode()).digest()
        known = self._verified.get(digest)
        if known is not None:
            if moment < known[1]:
                return known[0]
            self._verified.pop(digest, None)  # past its exp: the full check decides (skew allowed, then expired)
        assertion, expires = self._verify(token, moment)
        if moment < expires:
            if len(self._verified) >= MOST_REMEMBERED:
                self._forget_expired(moment)
            self._verified[digest] = (assertion, expires)
        return assertion

    def _forget_expired(self, moment: float) -> None:
        """Room in the bounded memory: the expired proofs go, and all of them if none has (one check each)."""
        for digest in [d for d, (_, expires) in self._verified.items() if expires <= moment]:
            del self._verified[digest]
        if len(self._verified) >= MOST_REMEMBERED:
            self._verified.clear()

    def _verify(self, token: str, moment: float) -> tuple[Assertion, int]:
        """The full check: signature, issuer, audience, expiry, lifetime and claims; (assertion, exp)."""
        try:
            claims = jwt.decode(token, self._keys, algorithms=[ALGORITHM]).claims
        except (JoseError, ValueError, TypeError, KeyError):
            # A bad signature, an unknown kid, another algorithm (`none`, HS256 with the public key) or garbage.
            raise ProofRefused(INVALID) from None
        registry = jwt.JWTClaimsRegistry(
            now=int(moment), leeway=CLOCK_SKEW,
            iss={"essential": True, "value": ISSUER}, aud={"essential": True, "value": self.audience},
            exp={"essential": True}, iat={"essential": True},
            sub={"essential": True}, role={"essential": True},
        )
        try:
            registry.validate(claims)
        except ExpiredTokenError:
            raise ProofRefused(EXPIRED, "the call's proof has expired") from None
        except InvalidClaimError as exc:
            if exc.claim == "aud":
                raise ProofRefused(WRONG_AUDIENCE, "the call's proof is addressed to another service") from None
            raise ProofRefused(INVALID) from None
        except (MissingClaimError, JoseError):
            raise ProofRefused(INVALID) from None
        if not isinstance(claims["exp"], int) or not isinstance(claims["iat"], int) or \
                claims["exp"] - claims["iat"] > MAX_LIFETIME:
            raise ProofRefused(INVALID, "the call's proof lives longer than a proof may")
        return _assertion(claims, self.audience), claims["exp"]


def _text(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is not None and not isinstance(value, str):
        raise ProofRefused(INVALID)
    return value


def _assertion(claims: dict[str, Any], audience: str) -> Assertion:
    principal, role = _text(claims, "sub"), _text(claims, "role")
    scopes = claims.get("scopes") or []
    if not principal or not role or role == SYSTEM_ROLE or not isinstance(scopes, list) \
            or not all(isinstance(s, str) for s in scopes):
        raise ProofRefused(INVALID)
    return Assertion(
        principal=principal, role=role, audience=audience, scopes=tuple(scopes),
        office=_text(claims, "office"), county=_text(claims, "county"), township=_text(claims, "township"),
        bureau=_text(claims, "bureau"), purpose=_text(claims, "purpose"),
    )


def generate_key_pair(directory: Path, *, kid: str | None = None) -> tuple[Path, Path]:
    """Writes a new signing key and the JWK set of its public key into `directory` (mode 0700); keeps an
    existing pair, so `make up` may run it every time."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    signing, public = directory / SIGNING_KEY_FILE, directory / PUBLIC_KEYS_FILE
    if signing.exists() and public.exists():
        return signing, public
    key = ECKey.generate_key("P-256", parameters={"kid": kid or f"rpc-{uuid.uuid4().hex[:12]}"}, private=True)
    descriptor = os.open(signing, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(key.as_dict(private=True), out)
    public.write_text(json.dumps({"keys": [key.as_dict(private=False)]}))
    return signing, public


if __name__ == "__main__":  # python -m shared.rpc_proof [directory]
    written = generate_key_pair(Path(sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT / DEV_KEY_DIR))
    print("RPC proof keys:", *written)
