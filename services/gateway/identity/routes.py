"""The identity routes (api.md "Release 2 › Identity"): sign-in, refresh, logout, client credentials,
JWKS, and the admins' accounts and sign-in record.

Sign-in, refresh, logout, `/oauth/token` and the JWKS are public routes (no bearer token): they read their
own bodies, cookies and the client's address from the request. Browser mode (`?session=cookie` on login)
keeps the refresh token out of reach of scripts: an HttpOnly, SameSite=Strict cookie with path `/v1/auth`,
Secure outside the development profile; refresh and logout then read it from the cookie.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from werkzeug.http import dump_cookie
from werkzeug.wrappers import Request

from services.gateway.body import check_media_type, parse_json, read_body, validate
from services.gateway.identity.accounts import AccountView, NewAccount, Password
from services.gateway.identity.core import Identity, Session
from services.gateway.identity.oauth import OAuthError
from services.gateway.identity.sign_ins import SignInAttempt
from services.gateway.problems import Problem
from services.gateway.routing import PUBLIC, Call, Reply, Route

COOKIE = "civreg_refresh"
COOKIE_PATH = "/v1/auth"
_MAX_AUTH_BODY = 16 * 1024
_ADMIN = {"admin"}


class LoginQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    session: Literal["cookie"] | None = Field(
        default=None, description="`cookie`: the refresh token as an HttpOnly cookie on /v1/auth (the workbench)")


class SignInsQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    username: str | None = Field(default=None, max_length=64, description="only this account's attempts")


class Login(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class RefreshToken(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    refresh_token: str = Field(min_length=20, max_length=200)


class SignedInPrincipal(BaseModel):
    username: str
    name: str
    role: str
    office: str | None = None
    county: str | None = None
    township: str | None = None


class Tokens(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    refresh_token: str | None = None  # absent in browser (cookie) mode
    principal: SignedInPrincipal


class ClientToken(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    scope: str


class Listing(BaseModel):
    items: list[AccountView]


class SignInListing(BaseModel):
    items: list[SignInAttempt]


def _identity(call: Call) -> Identity:
    return call.ports.identity


def _request(call: Call) -> Request:
    return call.request


def _json(call: Call, model: type[BaseModel], *, optional: bool = False) -> Any:
    request = _request(call)
    if optional and not request.content_length and "chunked" not in request.headers.get("Transfer-Encoding", ""):
        return None
    check_media_type(request)
    text, _ = parse_json(read_body(request, _MAX_AUTH_BODY))
    return validate(model, text)


def _cookie(call: Call, token: str | None, max_age: int) -> dict[str, str]:
    secure = not _identity(call).settings.development
    return {"Set-Cookie": dump_cookie(COOKIE, token or "", max_age=max_age, path=COOKIE_PATH, secure=secure,
                                      httponly=True, samesite="Strict")}


def _tokens(call: Call, session: Session, *, cookie: bool) -> Reply:
    p = session.principal
    body = Tokens(access_token=session.access_token, expires_in=session.expires_in,
                  refresh_token=None if cookie else session.refresh_token,
                  principal=SignedInPrincipal(username=p.name, name=p.display_name or p.name, role=p.role,
                                              office=p.office, county=p.county, township=p.township))
    headers = _cookie(call, session.refresh_token, _identity(call).settings.refresh_ttl) if cookie else {}
    return Reply(body.model_dump(exclude_none=True), headers=headers)


def _presented_refresh(call: Call) -> tuple[str | None, bool]:
    """The refresh token from the body, else from the cookie; and whether it was the cookie."""
    body = _json(call, RefreshToken, optional=True)
    if body is not None:
        return body.refresh_token, False
    return _request(call).cookies.get(COOKIE), True


def login(call: Call) -> Reply:
    """Sign in with username and password: an access token and a rotating refresh token."""
    mode = call.query.get("session")
    if mode not in (None, "cookie"):
        raise Problem(400, "invalid_session_mode", "session may only be `cookie`")
    body: Login = _json(call, Login)
    session = _identity(call).login(body.username, body.password, _request(call).remote_addr)
    return _tokens(call, session, cookie=mode == "cookie")


def refresh(call: Call) -> Reply:
    """A new access token and refresh token for a valid refresh token; the old one stops working."""
    token, from_cookie = _presented_refresh(call)
    if not token:
        raise Problem(401, "invalid_refresh_token", "no refresh token was presented")
    return _tokens(call, _identity(call).refresh(token), cookie=from_cookie)


def logout(call: Call) -> Reply:
    """Sign out: the refresh chain is revoked."""
    token, from_cookie = _presented_refresh(call)
    if token:
        _identity(call).logout(token)
    headers = _cookie(call, None, 0) if from_cookie else {}
    return Reply(b"", status=204, headers=headers, content_type="text/plain")


def oauth_token(call: Call) -> Reply:
    """RFC 6749 client credentials for other bureaus' systems (form-encoded)."""
    request = _request(call)
    if request.mimetype != "application/x-www-form-urlencoded":
        raise OAuthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
    form = request.form
    if form.get("grant_type") != "client_credentials":
        raise OAuthError(400, "unsupported_grant_type", "only grant_type=client_credentials is supported")
    client_id, secret = form.get("client_id"), form.get("client_secret")
    basic = request.authorization  # client_secret_basic (RFC 6749 §2.3.1) as well as the form
    if basic is not None and basic.type == "basic":
        client_id, secret = basic.username, basic.password
    if not client_id or not secret:
        raise OAuthError(401, "invalid_client", "client authentication failed")
    token, principal = _identity(call).client_token(client_id, secret, form.get("scope"))
    return Reply(ClientToken(access_token=token, expires_in=_identity(call).settings.client_ttl,
                             scope=" ".join(principal.scopes)))


def jwks(call: Call) -> Reply:
    """The public keys that verify civreg's access tokens (RFC 7517)."""
    return Reply(_identity(call).keys.jwks(), headers={"Cache-Control": "public, max-age=300"})


# -- administration ---------------------------------------------------------------------------------------
def create_account(call: Call) -> Reply:
    """Create an account for a member of staff (admin)."""
    body: NewAccount = call.body  # type: ignore[assignment]
    _identity(call).accounts.add(body)
    account = _identity(call).accounts.get(body.username)
    assert account is not None
    return Reply(account.view(), status=201, headers={"Location": f"/v1/admin/accounts/{body.username}"})


def list_accounts(call: Call) -> Reply:
    """Every account (admin)."""
    return Reply(Listing(items=[a.view() for a in _identity(call).accounts.all()]))


def disable_account(call: Call) -> Reply:
    """Disable an account; its sessions end (admin)."""
    return Reply(_identity(call).accounts.set_active(call.params["username"], False).view())


def enable_account(call: Call) -> Reply:
    """Enable an account again (admin)."""
    return Reply(_identity(call).accounts.set_active(call.params["username"], True).view())


def set_password(call: Call) -> Reply:
    """Set an account's password; its sessions end (admin)."""
    body: Password = call.body  # type: ignore[assignment]
    return Reply(_identity(call).accounts.set_password(call.params["username"], body.password).view())


def sign_ins(call: Call) -> Reply:
    """Sign-in attempts, newest first, optionally of one username (oversight, admin)."""
    username = call.query.get("username")
    return Reply(SignInListing(items=_identity(call).sign_ins.history(username.strip().lower() if username else None)))


_ACCOUNT = "/v1/admin/accounts/<username>"
ROUTES = [
    Route("POST", "/v1/auth/login", "identity.login", PUBLIC, login, body=Login, response=Tokens,
          query=LoginQuery),
    Route("POST", "/v1/auth/refresh", "identity.refresh", PUBLIC, refresh, body=RefreshToken, response=Tokens),
    Route("POST", "/v1/auth/logout", "identity.logout", PUBLIC, logout, body=RefreshToken, status=204),
    Route("POST", "/oauth/token", "identity.client_credentials", PUBLIC, oauth_token, response=ClientToken),
    Route("GET", "/.well-known/jwks.json", "identity.jwks", PUBLIC, jwks),
    Route("POST", "/v1/admin/accounts", "identity.accounts.create", _ADMIN, create_account, body=NewAccount,
          response=AccountView, status=201),
    Route("GET", "/v1/admin/accounts", "identity.accounts.list", _ADMIN, list_accounts, response=Listing),
    Route("POST", f"{_ACCOUNT}/disable", "identity.accounts.disable", _ADMIN, disable_account, response=AccountView),
    Route("POST", f"{_ACCOUNT}/enable", "identity.accounts.enable", _ADMIN, enable_account, response=AccountView),
    Route("POST", f"{_ACCOUNT}/password", "identity.accounts.password", _ADMIN, set_password, body=Password,
          response=AccountView),
    Route("GET", "/v1/admin/sign-ins", "identity.sign_ins", {"oversight", "admin"}, sign_ins, query=SignInsQuery,
          response=SignInListing),
]
