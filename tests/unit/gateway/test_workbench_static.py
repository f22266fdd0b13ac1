"""The gateway serves the workbench's bundle at `/` without ever shadowing an API path (static.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.test import Client

from services.gateway.static import API_SEGMENTS, Workbench
from tests.unit.gateway.fakes import call, code_of, make_app

INDEX = b'<!doctype html><html lang="zh-CN"><script type="module" src="/assets/index-abc123.js"></script></html>'


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('工作台')")
    (tmp_path / "favicon.ico").write_bytes(b"\0icon")
    # A file named like an API path must never be served in its place.
    (tmp_path / "openapi.json").write_text('{"shadow": true}')
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "me").write_text("shadow")
    return tmp_path


@pytest.fixture
def client(bundle: Path) -> Client:
    app = make_app()
    app.workbench = Workbench(bundle)
    return Client(app.wsgi)


def test_root_serves_index_with_a_strict_content_security_policy(client: Client) -> None:
    response = call(client, "GET", "/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.get_data() == INDEX
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hashed_assets_are_cached_for_a_year_and_revalidate_by_etag(client: Client) -> None:
    response = call(client, "GET", "/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert "immutable" in response.headers["Cache-Control"]
    again = call(client, "GET", "/assets/index-abc123.js", **{"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/login", "/marriage/registration", "/marriage/registrations/abc-123"])
def test_client_routes_fall_back_to_the_index(client: Client, path: str) -> None:
    response = call(client, "GET", path)
    assert response.status_code == 200 and response.get_data() == INDEX


@pytest.mark.parametrize("path", ["/assets/missing-123.js", "/missing.css"])
def test_a_missing_file_is_a_404_not_the_index(client: Client, path: str) -> None:
    response = call(client, "GET", path)
    assert response.status_code == 404
    assert code_of(response) == "not_found"


def test_api_paths_are_never_shadowed_by_the_bundle(client: Client) -> None:
    assert call(client, "GET", "/openapi.json").get_json()["openapi"].startswith("3.")
    assert call(client, "GET", "/v1/me").status_code == 401  # the API's answer, not the file v1/me
    assert call(client, "GET", "/health").get_json()["status"]
    assert call(client, "GET", "/v1/nothing-here").status_code == 404
    assert code_of(call(client, "GET", "/oauth/token")) in ("not_found", "method_not_allowed")
    assert code_of(call(client, "GET", "/.well-known/nothing-here")) == "not_found"  # the API's 404, not index.html
    assert {"v1", "health", "openapi.json", "oauth", ".well-known"} <= API_SEGMENTS


def test_only_get_and_head_reach_the_bundle(client: Client) -> None:
    assert call(client, "HEAD", "/").status_code == 200
    assert call(client, "POST", "/login", body={}).status_code in (404, 405)


def test_paths_cannot_escape_the_bundle(client: Client, bundle: Path) -> None:
    (bundle.parent / "secret.txt").write_text("secret")
    for path in ("/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt"):
        response = call(client, "GET", path)
        assert b"secret" not in response.get_data()


def test_an_unbuilt_workbench_says_how_to_build_it(tmp_path: Path) -> None:
    app = make_app()
    app.workbench = Workbench(tmp_path / "absent")
    response = call(Client(app.wsgi), "GET", "/")
    assert response.status_code == 404
    assert code_of(response) == "workbench_not_built"
