"""Sign-in for people through HTTP (api.md "Release 2 › Identity"): tokens, refresh rotation and reuse,
logout, lockout, the sign-in record, and browser (cookie) mode."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.e2e.identity.conftest import account, bearer, login
from tests.support.problems import assert_problem

pytestmark = pytest.mark.integration

CLERK = account("marriage_clerk", office="MR-610502")


def new_account(api, role: str = "marriage_clerk", **fields) -> dict:
    body = {"username": f"u{uuid.uuid4().hex[:10]}", "name": "测试用户", "role": role,
            "password": "a-long-enough-password", **fields}
    if role == "marriage_clerk":
        body.setdefault("office", "MR-610503")
    created = api.post("/v1/admin/accounts", as_="admin", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert created.status_code == 201, created.text
    return body


def test_a_development_account_signs_in_and_its_access_token_names_the_principal(api, seeded):
    response = login(api, CLERK["username"], CLERK["password"])

    assert response.status_code == 200
    tokens = response.json()
    assert tokens["token_type"] == "Bearer" and 0 < tokens["expires_in"] <= 900
    assert tokens["refresh_token"] and tokens["access_token"].count(".") == 2
    assert tokens["principal"] == {"username": "clerk.mr-610502", "name": CLERK["name"], "role": "marriage_clerk",
                                   "office": "MR-610502"}
    me = api.get("/v1/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json() | {"scopes": []} == {"username": "clerk.mr-610502", "name": CLERK["name"],
                                          "role": "marriage_clerk", "office": "MR-610502", "county": None,
                                          "township": None, "bureau": None, "scopes": [], "via": "password"}
    assert response.headers["Cache-Control"] == "no-store"


def test_every_release_2_role_has_a_development_account_that_signs_in(api, seeded):
    for role, where in [("township_officer", {"township": "610502001"}), ("adoption_registrar", {}),
                        ("child_welfare_officer", {"county": "610528"})]:
        entry = account(role, **where)
        tokens = login(api, entry["username"], entry["password"]).json()
        me = api.get("/v1/me", headers=bearer(tokens["access_token"])).json()
        assert (me["role"], me["county"], me["township"]) == (role, where.get("county"), where.get("township"))


def test_a_wrong_username_and_a_wrong_password_get_the_same_answer(api, seeded):
    wrong_password = login(api, CLERK["username"], "not-the-password")
    wrong_username = login(api, f"nobody-{uuid.uuid4().hex[:8]}", CLERK["password"])

    for response in (wrong_password, wrong_username):
        assert_problem(response, 401, "invalid_credentials")
    assert wrong_password.json() == wrong_username.json()


def test_five_failures_lock_the_account_even_against_the_right_password_and_every_attempt_is_recorded(api, seeded):
    person = new_account(api)
    for _ in range(5):
        assert_problem(login(api, person["username"], "wrong-password!"), 401, "invalid_credentials")

    assert_problem(login(api, person["username"], person["password"]), 401, "account_locked")
    record = api.get("/v1/admin/sign-ins", as_="oversight", params={"username": person["username"]})
    assert record.status_code == 200
    attempts = record.json()["items"]
    assert [a["outcome"] for a in attempts] == ["account_locked"] + ["invalid_credentials"] * 5
    assert {a["ip"] for a in attempts} == {"127.0.0.1"}
    assert {a["username"] for a in attempts} == {person["username"]}
    assert api.get("/v1/admin/sign-ins", as_="admin").status_code == 200
    assert_problem(api.get("/v1/admin/sign-ins", as_="marriage_clerk"), 403, "forbidden")


def test_a_success_is_recorded_and_resets_the_count_of_failures(api, seeded):
    person = new_account(api)
    for _ in range(4):
        login(api, person["username"], "wrong-password!")
    assert login(api, person["username"], person["password"]).status_code == 200
    for _ in range(4):
        login(api, person["username"], "wrong-password!")

    assert login(api, person["username"], person["password"]).status_code == 200
    outcomes = [a["outcome"] for a in
                api.get("/v1/admin/sign-ins", as_="admin", params={"username": person["username"]}).json()["items"]]
    assert outcomes.count("success") == 2


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_whole_chain(api, seeded):
    first = login(api, CLERK["username"], CLERK["password"]).json()

    second = api.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert api.get("/v1/me", headers=bearer(rotated["access_token"])).json()["username"] == "clerk.mr-610502"

    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}),
                   401, "refresh_token_reused")
    # The thief's reuse ended the chain: the legitimate newest token is dead too.
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]}),
                   401, "invalid_refresh_token")


def test_logout_revokes_the_chain(api, seeded):
    tokens = login(api, CLERK["username"], CLERK["password"]).json()

    response = api.post("/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})

    assert response.status_code == 204 and response.content == b""
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
                   401, "invalid_refresh_token")


def test_unknown_or_malformed_refresh_tokens_are_refused(api, seeded):
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": "x" * 43}), 401, "invalid_refresh_token")
    assert_problem(api.post("/v1/auth/refresh"), 401, "invalid_refresh_token")
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": 5}), 422, "validation_failed")
    assert_problem(api.post("/v1/auth/login", json={"username": "a"}), 422, "validation_failed")
    assert_problem(api.post("/v1/auth/login", data="{", headers={"Content-Type": "application/json"}),
                   400, "malformed_json")


def test_browser_mode_keeps_the_refresh_token_in_an_http_only_strict_cookie(api, seeded):
    browser = requests.Session()
    base = api.base_url

    signed_in = browser.post(f"{base}/v1/auth/login?session=cookie",
                             json={"username": CLERK["username"], "password": CLERK["password"]}, timeout=10)

    assert signed_in.status_code == 200
    assert "refresh_token" not in signed_in.json() and signed_in.json()["access_token"]
    cookie = signed_in.headers["Set-Cookie"]
    assert cookie.startswith("civreg_refresh=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/v1/auth" in cookie
    assert "Secure" not in cookie  # development profile: plain http on localhost
    first_cookie = browser.cookies.get("civreg_refresh", path="/v1/auth")

    refreshed = browser.post(f"{base}/v1/auth/refresh", timeout=10)
    assert refreshed.status_code == 200 and "refresh_token" not in refreshed.json()
    assert browser.cookies.get("civreg_refresh", path="/v1/auth") not in (None, first_cookie)

    logged_out = browser.post(f"{base}/v1/auth/logout", timeout=10)
    assert logged_out.status_code == 204
    assert "Max-Age=0" in logged_out.headers["Set-Cookie"] or "Expires=Thu, 01 Jan 1970" in logged_out.headers[
        "Set-Cookie"]
    # The cookie's chain is revoked: presenting its last token again is refused.
    assert_problem(requests.post(f"{base}/v1/auth/refresh", cookies={"civreg_refresh": refreshed.cookies.get(
        "civreg_refresh")}, timeout=10), 401, "invalid_refresh_token")


def test_admins_manage_accounts_and_disabling_ends_sign_in_and_sessions(api, seeded):
    person = new_account(api, role="child_welfare_officer", county="610528")
    tokens = login(api, person["username"], person["password"]).json()
    listed = api.get("/v1/admin/accounts", as_="admin").json()["items"]
    mine = next(a for a in listed if a["username"] == person["username"])
    assert mine | {"created_at": None} == {"username": person["username"], "name": "测试用户",
                                           "role": "child_welfare_officer", "office": None, "county": "610528",
                                           "township": None, "active": True, "created_at": None}
    assert "password" not in str(listed)

    key = {"Idempotency-Key": uuid.uuid4().hex}
    disabled = api.post(f"/v1/admin/accounts/{person['username']}/disable", as_="admin", headers=key)
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert_problem(login(api, person["username"], person["password"]), 401, "account_locked")
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
                   401, "invalid_refresh_token")

    api.post(f"/v1/admin/accounts/{person['username']}/enable", as_="admin", headers={"Idempotency-Key": "e1"})
    assert login(api, person["username"], person["password"]).status_code == 200
    changed = api.post(f"/v1/admin/accounts/{person['username']}/password", as_="admin",
                       json={"password": "another-long-password"}, headers={"Idempotency-Key": "p1"})
    assert changed.status_code == 200
    assert_problem(login(api, person["username"], person["password"]), 401, "invalid_credentials")
    assert login(api, person["username"], "another-long-password").status_code == 200


def test_account_administration_refuses_bad_input_duplicates_and_non_admins(api, seeded):
    person = new_account(api)
    again = api.post("/v1/admin/accounts", as_="admin", json=person, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert_problem(again, 409, "account_exists")
    for wrong in ({"role": "marriage_clerk", "office": None}, {"role": "marriage_clerk", "office": "FH-610502"},
                  {"role": "township_officer"}, {"role": "system"}, {"password": "short"},
                  {"username": "Has Spaces"}):
        body = {**person, "username": f"u{uuid.uuid4().hex[:10]}", **wrong}
        response = api.post("/v1/admin/accounts", as_="admin", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
        assert_problem(response, 422, "validation_failed")
        assert "a-long-enough-password" not in response.text
    assert_problem(api.post("/v1/admin/accounts/nobody-here/disable", as_="admin",
                            headers={"Idempotency-Key": uuid.uuid4().hex}), 404, "not_found")
    assert_problem(api.get("/v1/admin/accounts", as_="oversight"), 403, "forbidden")
    assert_problem(api.get("/v1/admin/accounts"), 401, "unauthenticated")
