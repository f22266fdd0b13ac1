"""civreg's access tokens: JWTs (RFC 9068 `at+jwt`) signed ES256 with the key ring's current key.

A token names its principal completely (subject, role, place or division, bureau and scopes), so the
gateway verifies it locally, against cached keys, with no database read per request. A verified token is
remembered (by its SHA-256, never in clear) until it expires: a client sends the same token for minutes, and
the ES256 check cost the gateway ~0.9 ms of CPU per request where the rest of `GET /v1/me` cost ~1.2 ms
(docs/benchmarks.md). Access tokens are not revocable before they expire either way, so remembering one
changes no answer. Only ES256 is
accepted: `alg: none`, HMAC with the public key as secret and every other algorithm confusion are refused
before any claim is read. Issuer, audience, expiry and type are checked on every token.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError

from services.gateway.auth import ROLES, Principal
from services.gateway.identity.keys import ALGORITHM, KeyRing

TOKEN_TYPE = "at+jwt"
_LEEWAY = 30  # seconds of clock skew between gateway replicas
_REMEMBERED = 10_000  # verified tokens kept at most
_OPTIONAL = ("office", "county", "township", "bureau", "display_name")


class AccessTokens:
    def __init__(self, keys: KeyRing, *, issuer: str, audience: str) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self._claims = jwt.JWTClaimsRegistry(
            leeway=_LEEWAY,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            sub={"essential": True},
        )
        self._verified: dict[bytes, tuple[Principal, float]] = {}

    def issue(self, principal: Principal, lifetime: int) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.audience, "sub": principal.name, "iat": now, "nbf": now,
            "exp": now + lifetime, "jti": uuid.uuid4().hex, "role": principal.role, "via": principal.via,
        }
        for name in _OPTIONAL:
            if getattr(principal, name) is not None:
                claims[name] = getattr(principal, name)
        if principal.scopes:
            claims["scope"] = " ".join(principal.scopes)
        key = self.keys.signing_key()
        header = {"alg": ALGORITHM, "kid": key.kid, "typ": TOKEN_TYPE}
        return jwt.encode(header, claims, key, algorithms=[ALGORITHM])

    def verify(self, token: str) -> Principal | None:
        """The principal a valid token names, or None (malformed, forged, expired, wrong key or issuer)."""
        digest = hashlib.sha256(token.encode()).digest()
        known = self._verified.get(digest)
        if known is not None:
            if known[1] > time.time():
                return known[0]
            self._verified.pop(digest, None)
        principal, expires = self._verify(token)
        if principal is not None:
            if len(self._verified) >= _REMEMBERED:
                self._verified.clear()  # bounded memory; clearing costs one signature check per live token
            self._verified[digest] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal | None, float]:
        try:
            kid = jws.extract_compact(token.encode()).headers().get("kid") if token.count(".") == 2 else None
            if not isinstance(kid, str):
                return None, 0
            decoded = jwt.decode(token, self.keys.verifying_keys(kid), algorithms=[ALGORITHM])
            if decoded.header.get("typ") != TOKEN_TYPE:
                return None, 0
            self._claims.validate(decoded.claims)
        except (JoseError, ValueError, TypeError, KeyError):
            return None, 0
        return principal_of(decoded.claims), float(decoded.claims["exp"])


def principal_of(claims: dict[str, Any]) -> Principal | None:
    role, subject = claims.get("role"), claims.get("sub")
    if role not in ROLES or not isinstance(subject, str):
        return None
    scope = claims.get("scope")
    optional = {name: claims[name] if isinstance(claims.get(name), str) else None for name in _OPTIONAL}
    return Principal(name=subject, role=role, scopes=tuple(scope.split()) if isinstance(scope, str) else (),
                     via=str(claims.get("via") or "password"), **optional)
