"""Identity settings from the gateway's configuration (`config.yaml`, section `IDENTITY`), and the profile.

The profile (`PROFILE`, environment `CIVREG_PROFILE`) is `development` (what `make up` and `make test` run)
or `production`. Only the development profile accepts the static bearer tokens of the principals file, the
development accounts of `deploy/dev/accounts.yaml` and the published development key secret; a production
start refuses all three (`IdentityConfigError`), so that no public credential can reach production by a
forgotten setting.

Lifetimes are capped by api.md: access tokens ≤ 15 min, refresh chains ≤ 12 h, client tokens ≤ 1 h.
Sign-in attempts are kept `SIGN_IN_RETENTION_DAYS` (180, sign_ins.py says why), at least a day and never
shorter than the lockout window that reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from services.gateway.identity.sign_ins import DEFAULT_RETENTION_DAYS

Profile = Literal["development", "production"]
PROFILES = ("development", "production")

MAX_ACCESS_TTL = 15 * 60
MAX_REFRESH_TTL = 12 * 3600
MAX_CLIENT_TTL = 3600

# The key secret of the development profile: published here, hence refused in production. It encrypts the
# private signing keys stored in the gateway's schema (keys.py). base64url of 32 bytes.
DEVELOPMENT_KEY_SECRET = "Y2l2cmVnIGRldmVsb3BtZW50IGtleSBzZWNyZXQhISE"


class IdentityConfigError(ValueError):
    """The identity settings are unusable or unsafe for the profile: the gateway does not start."""


@dataclass(frozen=True)
class OidcSettings:
    """An external OpenID Connect issuer whose ID or access tokens the gateway accepts (oidc.py)."""

    issuer: str
    audience: str
    jwks_url: str
    # Which claim carries what; role values may be mapped (`ROLE_MAP: {clerk: marriage_clerk}`).
    claims: Mapping[str, str] = field(default_factory=lambda: {
        "username": "preferred_username", "name": "name", "role": "civreg_role", "office": "civreg_office",
        "county": "civreg_county", "township": "civreg_township"})
    role_map: Mapping[str, str] = field(default_factory=dict)
    algorithms: tuple[str, ...] = ("RS256", "ES256", "EdDSA")


@dataclass(frozen=True)
class IdentitySettings:
    profile: Profile = "development"
    issuer: str = "urn:civreg:gateway"
    audience: str = "civreg"
    access_ttl: int = MAX_ACCESS_TTL
    refresh_ttl: int = MAX_REFRESH_TTL
    client_ttl: int = MAX_CLIENT_TTL
    lockout_failures: int = 5
    lockout_window: int = 15 * 60
    sign_in_retention_days: int = DEFAULT_RETENTION_DAYS
    key_secret: str = DEVELOPMENT_KEY_SECRET
    key_cache_seconds: float = 30.0  # how long the gateway trusts its cached key set before rereading it
    oidc: OidcSettings | None = None

    @property
    def development(self) -> bool:
        return self.profile == "development"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> IdentitySettings:
        profile = str(config.get("PROFILE") or "development")
        if profile not in PROFILES:
            raise IdentityConfigError(f"PROFILE must be one of {', '.join(PROFILES)}, not {profile!r}")
        section: Mapping[str, Any] = config.get("IDENTITY") or {}
        oidc = section.get("OIDC") or {}
        settings = cls(
            profile=profile,  # type: ignore[arg-type]
            issuer=str(section.get("ISSUER") or cls.issuer),
            audience=str(section.get("AUDIENCE") or cls.audience),
            access_ttl=int(section.get("ACCESS_TOKEN_TTL") or cls.access_ttl),
            refresh_ttl=int(section.get("REFRESH_TOKEN_TTL") or cls.refresh_ttl),
            client_ttl=int(section.get("CLIENT_TOKEN_TTL") or cls.client_ttl),
            lockout_failures=int(section.get("LOCKOUT_FAILURES") or cls.lockout_failures),
            lockout_window=int(section.get("LOCKOUT_WINDOW") or cls.lockout_window),
            sign_in_retention_days=int(section.get("SIGN_IN_RETENTION_DAYS") or cls.sign_in_retention_days),
            key_secret=str(section.get("KEY_SECRET") or (DEVELOPMENT_KEY_SECRET if profile == "development" else "")),
            key_cache_seconds=float(section.get("KEY_CACHE_SECONDS") or cls.key_cache_seconds),
            oidc=_oidc(oidc) if oidc.get("ISSUER") else None,
        )
        settings.check()
        return settings

    def check(self) -> None:
        for name, value, cap in (("ACCESS_TOKEN_TTL", self.access_ttl, MAX_ACCESS_TTL),
                                 ("REFRESH_TOKEN_TTL", self.refresh_ttl, MAX_REFRESH_TTL),
                                 ("CLIENT_TOKEN_TTL", self.client_ttl, MAX_CLIENT_TTL)):
            if not 0 < value <= cap:
                raise IdentityConfigError(f"IDENTITY.{name} must be between 1 and {cap} seconds")
        if self.lockout_failures < 1 or self.lockout_window < 1:
            raise IdentityConfigError("IDENTITY.LOCKOUT_FAILURES and LOCKOUT_WINDOW must be positive")
        if self.sign_in_retention_days < 1 or self.sign_in_retention_days * 86400 < self.lockout_window:
            raise IdentityConfigError("IDENTITY.SIGN_IN_RETENTION_DAYS must be at least a day and the lockout window")
        if not self.development and self.key_secret in ("", DEVELOPMENT_KEY_SECRET):
            raise IdentityConfigError("production needs its own IDENTITY.KEY_SECRET (SIGNING_KEY_SECRET), "
                                      "not the development one")


def _oidc(section: Mapping[str, Any]) -> OidcSettings:
    missing = [k for k in ("ISSUER", "AUDIENCE", "JWKS_URL") if not section.get(k)]
    if missing:
        raise IdentityConfigError(f"IDENTITY.OIDC needs {', '.join(missing)}")
    claims = {**OidcSettings.__dataclass_fields__["claims"].default_factory(),  # type: ignore[misc]
              **{str(k).lower(): str(v) for k, v in (section.get("CLAIMS") or {}).items()}}
    return OidcSettings(str(section["ISSUER"]), str(section["AUDIENCE"]), str(section["JWKS_URL"]), claims,
                        {str(k): str(v) for k, v in (section.get("ROLE_MAP") or {}).items()})
