"""`Identity`: the gateway's identity components on its schema, and what the routes and the CLI ask of them.

It also authenticates (`Identity.authenticate`, the pipeline's `Authenticates`): a bearer token is, in
turn, a development static token (development profile only), an access token signed by civreg's own keys,
or a token of the trusted external OpenID Connect issuer. Each yields the same `Principal`.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.gateway.auth import Principal, Principals, bearer_token
from services.gateway.identity.accounts import Accounts
from services.gateway.identity.clients import Clients
from services.gateway.identity.keys import KeyRing
from services.gateway.identity.oauth import OAuthError
from services.gateway.identity.oidc import ExternalIssuer
from services.gateway.identity.passwords import verify_secret
from services.gateway.identity.refresh import RefreshChains
from services.gateway.identity.settings import IdentityConfigError, IdentitySettings
from services.gateway.identity.sign_ins import MAX_USERNAME, SUCCESS, SignIns
from services.gateway.identity.tokens import AccessTokens
from services.gateway.problems import Problem
from shared.db import Database


def invalid_credentials() -> Problem:
    return Problem(401, "invalid_credentials", "the username or the password is wrong")


def account_locked() -> Problem:
    return Problem(401, "account_locked", "this account is disabled or locked after too many failed sign-ins; "
                                          "try again later or ask an administrator")


@dataclass(frozen=True)
class Session:
    """What a sign-in or a refresh hands out."""

    access_token: str
    expires_in: int
    refresh_token: str
    principal: Principal


class Identity:
    def __init__(self, db: Database, settings: IdentitySettings, static: Principals | None = None) -> None:
        if static is not None and not settings.development:
            raise IdentityConfigError("static bearer tokens (PRINCIPALS_FILE) are for the development profile only")
        self.settings = settings
        self.static = static
        self.accounts = Accounts(db)
        self.clients = Clients(db)
        self.sign_ins = SignIns(db, failures=settings.lockout_failures, window=settings.lockout_window,
                                retention_days=settings.sign_in_retention_days)
        self.chains = RefreshChains(db, ttl=settings.refresh_ttl)
        grace = max(settings.access_ttl, settings.client_ttl)
        self.keys = KeyRing(db, settings.key_secret, grace=grace, cache_seconds=settings.key_cache_seconds)
        self.tokens = AccessTokens(self.keys, issuer=settings.issuer, audience=settings.audience)
        self.external = ExternalIssuer(settings.oidc) if settings.oidc else None

    def start(self) -> None:
        """At the gateway's start: a production gateway refuses development accounts; a first start makes a key."""
        if not self.settings.development and self.accounts.development_origin():
            raise IdentityConfigError("the development accounts or clients of deploy/dev/accounts.yaml are in this "
                                      "database: a production start refuses them (disable and replace them)")
        self.keys.ensure_signing_key()

    # -- authentication of every request -----------------------------------------------------------------
    def authenticate(self, authorization: str | None) -> Principal | None:
        token = bearer_token(authorization)
        if token is None:
            return None
        if self.static is not None:
            principal = self.static.lookup(token)
            if principal is not None:
                return principal
        if token.count(".") != 2:
            return None
        principal = self.tokens.verify(token)
        if principal is None and self.external is not None:
            principal = self.external.verify(token)
        return principal

    # -- people ----------------------------------------------------------------------------------------
    def login(self, username: str, password: str, ip: str | None) -> Session:
        username = username.strip().lower()[:MAX_USERNAME]
        if self.sign_ins.locked(username):
            self.sign_ins.record(username, "account_locked", ip)
            raise account_locked()
        account = self.accounts.get(username)
        if not verify_secret(account.password_hash if account else None, password) or account is None:
            self.sign_ins.record(username, "invalid_credentials", ip)
            raise invalid_credentials()
        if not account.active:
            self.sign_ins.record(username, "account_disabled", ip)
            raise account_locked()
        self.sign_ins.record(username, SUCCESS, ip)
        principal = account.principal()
        return Session(self.tokens.issue(principal, self.settings.access_ttl), self.settings.access_ttl,
                       self.chains.start(username), principal)

    def refresh(self, refresh_token: str) -> Session:
        rotated = self.chains.rotate(refresh_token)
        account = self.accounts.get(rotated.username)
        assert account is not None  # the chain's foreign key
        principal = account.principal()
        lifetime = min(self.settings.access_ttl, rotated.expires_in)
        return Session(self.tokens.issue(principal, lifetime), lifetime, rotated.refresh_token, principal)

    def logout(self, refresh_token: str) -> None:
        self.chains.revoke(refresh_token)

    # -- bureaus' systems ------------------------------------------------------------------------------
    def client_token(self, client_id: str, secret: str, scope: str | None) -> tuple[str, Principal]:
        """RFC 6749 §4.4: a bureau principal's access token; `OAuthError` for a bad client or scope."""
        client = self.clients.authenticate(client_id, secret)
        if client is None:
            raise OAuthError(401, "invalid_client", "client authentication failed")
        requested = tuple(dict.fromkeys(scope.split())) if scope else client.scopes
        if not requested or not set(requested) <= set(client.scopes):
            raise OAuthError(400, "invalid_scope", "the requested scope exceeds the client's grant")
        principal = client.principal(requested)
        return self.tokens.issue(principal, self.settings.client_ttl), principal
