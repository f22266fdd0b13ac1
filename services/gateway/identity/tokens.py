"""civreg's access tokens: JWTs (RFC 9068 `at+jwt`) signed ES256 with the key ring's current key.

A token names its principal completely (subject, role, place or division, bureau and scopes), so the
gateway verifies it locally, against cached keys, with no database read per request. Only ES256 is
accepted: `alg: none`, HMAC with the public key as secret and every other algorithm confusion are refused
before any claim is read. Issuer, audience, expiry and type are checked on every token.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError

from services.gateway.auth import ROLES, Principal
from services.gateway.identity.keys import ALGORITHM, KeyRing

TOKEN_TYPE = "at+jwt"
_LEEWAY = 30  # seconds of clock skew between gateway replicas
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
        try:
            kid = jws.extract_compact(token.encode()).headers().get("kid") if token.count(".") == 2 else None
            if not isinstance(kid, str):
                return None
            decoded = jwt.decode(token, self.keys.verifying_keys(kid), algorithms=[ALGORITHM])
            if decoded.header.get("typ") != TOKEN_TYPE:
                return None
            self._claims.validate(decoded.claims)
        except (JoseError, ValueError, TypeError, KeyError):
            return None
        return principal_of(decoded.claims)


def principal_of(claims: dict[str, Any]) -> Principal | None:
    role, subject = claims.get("role"), claims.get("sub")
    if role not in ROLES or not isinstance(subject, str):
        return None
    scope = claims.get("scope")
    optional = {name: claims[name] if isinstance(claims.get(name), str) else None for name in _OPTIONAL}
    return Principal(name=subject, role=role, scopes=tuple(scope.split()) if isinstance(scope, str) else (),
                     via=str(claims.get("via") or "password"), **optional)
