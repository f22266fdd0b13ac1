"""An external OpenID Connect issuer trusted by configuration (identity/oidc.py), tested against an issuer
the test makes itself: its own key pair and its own JWKS served over HTTP on localhost."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from tests.e2e.identity.conftest import bearer
from tests.support.infrastructure import isolated_world
from tests.support.problems import assert_problem
from tests.support.stack import running_stack

pytestmark = pytest.mark.integration

ISSUER = "https://idp.example.gov.cn/realms/shaanxi"
AUDIENCE = "civreg-weinan"
KEY = ECKey.generate_key("P-256", parameters={"kid": "idp-1", "alg": "ES256"})


class Jwks(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = json.dumps(KeySet([KEY]).as_dict(private=False)).encode()
        self.send_response(200 if self.path == "/jwks" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def issuer_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    oidc = {"ISSUER": ISSUER, "AUDIENCE": AUDIENCE, "JWKS_URL": f"http://127.0.0.1:{server.server_port}/jwks",
            "CLAIMS": {"ROLE": "civreg_role", "OFFICE": "civreg_office"}, "ROLE_MAP": {"clerk": "marriage_clerk"}}
    try:
        with isolated_world(("gateway",)) as (namespace, vhost), \
                running_stack(namespace, vhost, [], IDENTITY={"OIDC": oidc}) as api:
            yield api
    finally:
        server.shutdown()


def issued(key: ECKey = KEY, **changes) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "5f1c-uuid", "preferred_username": "li.na", "name": "李娜",
              "iat": now, "exp": now + 300, "civreg_role": "clerk", "civreg_office": "MR-610502", **changes}
    return jwt.encode({"alg": "ES256", "kid": key.kid}, {k: v for k, v in claims.items() if v is not None}, key,
                      algorithms=["ES256"])


def test_a_token_of_the_trusted_issuer_signs_in_with_its_mapped_role_and_office(issuer_api):
    response = issuer_api.get("/v1/me", headers=bearer(issued()))

    assert response.status_code == 200
    assert response.json() == {"username": "li.na", "name": "李娜", "role": "marriage_clerk", "office": "MR-610502",
                               "county": None, "township": None, "bureau": None, "scopes": [], "via": "oidc"}


@pytest.mark.parametrize("changes", [
    {"aud": "another-service"}, {"iss": "https://impostor.example"}, {"exp": int(time.time()) - 600},
    {"civreg_role": "bureau"}, {"civreg_role": "unknown"}, {"civreg_office": "FH-610502"}, {"civreg_role": None},
])
def test_a_token_that_breaks_the_issuers_terms_is_refused(issuer_api, changes):
    assert_problem(issuer_api.get("/v1/me", headers=bearer(issued(**changes))), 401, "unauthenticated")


def test_a_token_signed_by_another_key_is_refused_even_under_the_issuers_kid(issuer_api):
    impostor = ECKey.generate_key("P-256", parameters={"kid": "idp-1"})
    assert_problem(issuer_api.get("/v1/me", headers=bearer(issued(impostor))), 401, "unauthenticated")
