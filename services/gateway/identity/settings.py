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
from typing import Annotated, Any, Literal

from pydantic import PositiveFloat

from services.gateway.identity.sign_ins import DEFAULT_RETENTION_DAYS
from shared.config import BLANK_IS_NONE, Section, SettingsError

Profile = Literal["development", "production"]

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
        try:
            profile = ProfileSetting.of(config).PROFILE
            section = IdentityConfig.of(config).IDENTITY
        except SettingsError as exc:  # a wrong type or an unknown key is as unusable as a cap exceeded
            raise IdentityConfigError(str(exc)) from None
        settings = cls(
            profile=profile,
            issuer=section.ISSUER or cls.issuer,
            audience=section.AUDIENCE or cls.audience,
            access_ttl=section.ACCESS_TOKEN_TTL,
            refresh_ttl=section.REFRESH_TOKEN_TTL,
            client_ttl=section.CLIENT_TOKEN_TTL,
            lockout_failures=section.LOCKOUT_FAILURES,
            lockout_window=section.LOCKOUT_WINDOW,
            sign_in_retention_days=section.SIGN_IN_RETENTION_DAYS,
            key_secret=section.KEY_SECRET or (DEVELOPMENT_KEY_SECRET if profile == "development" else ""),
            key_cache_seconds=section.KEY_CACHE_SECONDS,
            oidc=_oidc(section.OIDC) if section.OIDC is not None and section.OIDC.ISSUER else None,
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


class OidcOptions(Section):
    """`IDENTITY.OIDC` in config.yaml: the issuer, the claims that carry who is who, and role names mapped."""

    ISSUER: Annotated[str | None, BLANK_IS_NONE] = None
    AUDIENCE: Annotated[str | None, BLANK_IS_NONE] = None
    JWKS_URL: Annotated[str | None, BLANK_IS_NONE] = None
    CLAIMS: dict[str, str] = {}
    ROLE_MAP: dict[str, str] = {}


class IdentityOptions(Section):
    """`IDENTITY` in the gateway's config.yaml (the caps are checked by `IdentitySettings.check`)."""

    ISSUER: Annotated[str | None, BLANK_IS_NONE] = None
    AUDIENCE: Annotated[str | None, BLANK_IS_NONE] = None
    KEY_SECRET: Annotated[str | None, BLANK_IS_NONE] = None  # the development profile's own when empty
    ACCESS_TOKEN_TTL: int = IdentitySettings.access_ttl
    REFRESH_TOKEN_TTL: int = IdentitySettings.refresh_ttl
    CLIENT_TOKEN_TTL: int = IdentitySettings.client_ttl
    LOCKOUT_FAILURES: int = IdentitySettings.lockout_failures
    LOCKOUT_WINDOW: int = IdentitySettings.lockout_window
    SIGN_IN_RETENTION_DAYS: int = IdentitySettings.sign_in_retention_days
    KEY_CACHE_SECONDS: PositiveFloat = IdentitySettings.key_cache_seconds
    OIDC: OidcOptions | None = None


class IdentityConfig(Section):
    IDENTITY: IdentityOptions = IdentityOptions()


class ProfileSetting(Section):
    PROFILE: Profile = "development"  # environment CIVREG_PROFILE (config.yaml)


def _oidc(section: OidcOptions) -> OidcSettings:
    missing = [key for key in ("ISSUER", "AUDIENCE", "JWKS_URL") if not getattr(section, key)]
    if missing:
        raise IdentityConfigError(f"IDENTITY.OIDC needs {', '.join(missing)}")
    claims = {**OidcSettings.__dataclass_fields__["claims"].default_factory(),  # type: ignore[misc]
              **{k.lower(): v for k, v in section.CLAIMS.items()}}
    return OidcSettings(str(section.ISSUER), str(section.AUDIENCE), str(section.JWKS_URL), claims,
                        dict(section.ROLE_MAP))
