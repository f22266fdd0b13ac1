"""Other bureaus' systems through OAuth2 client credentials (RFC 6749 §4.4) at `POST /oauth/token`."""

from __future__ import annotations

import pytest

from tests.e2e.identity.conftest import bearer, civreg, client
from tests.support.problems import assert_problem

pytestmark = pytest.mark.integration

POLICE = client("public_security")


def token_request(api, **form):
    return api.post("/oauth/token", data={"grant_type": "client_credentials", **form})


def test_a_bureau_client_gets_a_token_of_its_scopes_that_still_needs_a_stated_purpose(api, seeded):
    response = token_request(api, client_id=POLICE["client_id"], client_secret=POLICE["client_secret"])

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and 0 < body["expires_in"] <= 3600
    assert body["scope"] == "status case"
    assert_problem(api.get("/v1/me", headers=bearer(body["access_token"])), 400, "purpose_required")
    me = api.get("/v1/me", headers={**bearer(body["access_token"]), "X-Purpose": "criminal investigation"})
    assert me.status_code == 200
    assert me.json() | {"name": None} == {"username": "public-security", "name": None, "role": "bureau",
                                          "office": None, "county": None, "township": None,
                                          "bureau": "public_security", "scopes": ["status", "case"], "via": "client"}


def test_a_client_may_ask_for_fewer_scopes_never_more(api, seeded):
    narrower = token_request(api, client_id=POLICE["client_id"], client_secret=POLICE["client_secret"],
                             scope="status")
    assert narrower.status_code == 200 and narrower.json()["scope"] == "status"
    wider = token_request(api, client_id=POLICE["client_id"], client_secret=POLICE["client_secret"],
                          scope="status protected")
    body = assert_problem(wider, 400, "invalid_scope")
    assert body["error"] == "invalid_scope"


def test_http_basic_client_authentication_works_too(api, seeded):
    response = api.post("/oauth/token", data={"grant_type": "client_credentials"},
                        auth=(POLICE["client_id"], POLICE["client_secret"]))
    assert response.status_code == 200


def test_a_bad_client_gets_invalid_client_with_the_rfc_6749_error_body(api, seeded):
    for form in ({"client_id": POLICE["client_id"], "client_secret": "wrong-secret"},
                 {"client_id": "no-such-client", "client_secret": POLICE["client_secret"]},
                 {"client_id": POLICE["client_id"]}):
        response = token_request(api, **form)
        body = assert_problem(response, 401, "invalid_client")
        assert body["error"] == "invalid_client" and body["error_description"]
        assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_other_grants_and_json_bodies_are_refused(api, seeded):
    body = assert_problem(token_request(api, grant_type="password", username="a", password="b"),
                          400, "unsupported_grant_type")
    assert body["error"] == "unsupported_grant_type"
    assert_problem(api.post("/oauth/token", json={"grant_type": "client_credentials"}), 400, "invalid_request")


def test_a_disabled_client_gets_no_token(api, world, seeded):
    made = civreg(world[0].name, "clients", "add", "county-court", "--bureau", "courts", "--scope", "status")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip().splitlines()[-1]
    assert token_request(api, client_id="county-court", client_secret=secret).status_code == 200

    assert civreg(world[0].name, "clients", "disable", "county-court").returncode == 0

    assert_problem(token_request(api, client_id="county-court", client_secret=secret), 401, "invalid_client")
