"""An external OpenID Connect issuer trusted instead of (or beside) civreg's own sign-in.

For a provincial unified identity platform: the configured issuer's tokens (an ID token or a JWT access
token) are accepted when their signature verifies against the issuer's JWKS, their `iss` and `aud` are the
configured ones and they have not expired. Claims are mapped to civreg's principal by configuration
(settings.py `OidcSettings`: which claim names the username, name, role, office, county, township; and
an optional mapping of the issuer's role values to civreg's roles). A token whose role is not a staff role
of civreg, or whose place does not suit its role, is refused. `bureau` cannot be claimed this way: bureaus'
systems are OAuth2 clients of civreg's own.

The JWKS is fetched once and cached; an unknown `kid` refetches it, at most every `refetch_seconds`, so a key
rotation at the issuer is followed without a network hop per request.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from services.gateway.auth import ROLES, Principal, check_scope
from services.gateway.identity.settings import OidcSettings
from shared.logging import get_logger

log = get_logger(__name__)

_LEEWAY = 30


class ExternalIssuer:
    def __init__(self, settings: OidcSettings, *, cache_seconds: float = 3600, refetch_seconds: float = 10) -> None:
        self.settings = settings
        self.cache_seconds = cache_seconds
        self.refetch_seconds = refetch_seconds
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()
        self._claims = jwt.JWTClaimsRegistry(
            leeway=_LEEWAY,
            iss={"essential": True, "value": settings.issuer},
            aud={"essential": True, "value": settings.audience},
            exp={"essential": True},
        )

    def verify(self, token: str) -> Principal | None:
        try:
            header = jws.extract_compact(token.encode()).headers()
            if header.get("alg") not in self.settings.algorithms:
                return None
            keys = self._key_set(header.get("kid"))
            if keys is None:
                return None
            decoded = jwt.decode(token, keys, algorithms=list(self.settings.algorithms))
            self._claims.validate(decoded.claims)
        except (JoseError, ValueError, TypeError, KeyError):
            return None
        return self.principal_of(decoded.claims)

    def principal_of(self, claims: dict) -> Principal | None:
        names = self.settings.claims

        def claim(field: str) -> str | None:
            value = claims.get(names.get(field, ""))
            return value if isinstance(value, str) and value else None

        username = claim("username") or (claims["sub"] if isinstance(claims.get("sub"), str) else None)
        role = claim("role")
        role = self.settings.role_map.get(role, role) if role else None
        if not username or role not in ROLES or role == "bureau":
            return None
        office, county, township = claim("office"), claim("county"), claim("township")
        try:
            check_scope(role, office, county, township)
        except ValueError:
            return None
        return Principal(username, role, office, county=county, township=township,
                         display_name=claim("name"), via="oidc")

    def _key_set(self, kid: object) -> KeySet | None:
        keys, now = self._keys, time.monotonic()
        stale = keys is None or now - self._fetched_at > self.cache_seconds
        unknown = keys is not None and isinstance(kid, str) and not any(k.kid == kid for k in keys.keys)
        if (stale or unknown) and now - self._fetched_at >= self.refetch_seconds:
            with self._lock:
                self._fetched_at = now
                try:
                    with urllib.request.urlopen(self.settings.jwks_url, timeout=5) as response:  # noqa: S310
                        self._keys = keys = KeySet.import_key_set(json.loads(response.read()))
                except (OSError, ValueError, JoseError) as exc:
                    log.warning("external issuer's JWKS unreachable", error=type(exc).__name__)
        return keys
