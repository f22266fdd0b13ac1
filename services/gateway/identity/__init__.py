"""Identity at the edge (api.md "Release 2 › Identity"): who may call the gateway, and how they prove it.

People sign in with an account (`accounts.py`, `sign_in.py`) and receive a short-lived access token, a JWT
signed with the gateway's own key (`keys.py`, `tokens.py`), and a rotating refresh token (`refresh.py`).
Other bureaus' systems obtain access tokens with OAuth2 client credentials (`clients.py`). An external
OpenID Connect issuer may be trusted as well (`oidc.py`). Every way of signing in yields the same
`services.gateway.auth.Principal` (`authenticator.py`), so what follows authentication never asks how.
The gateway is the only component that ever sees a password or a client secret.
"""
