"""The gateway as clients see it: the real nameko `GatewayService` on a free port, spoken to with `requests`.

A test subclass adds test-only routes (a POST with a body, a handler that fails, RPC calls to a small echo
service); the production route table stays as it is.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import socket
import time

import pytest
import requests
import yaml
from nameko.rpc import rpc
from pydantic import BaseModel, ConfigDict, Field

from services import SERVICES, asyncapi
from services.gateway.routes import ROUTES
from services.gateway.routing import ANY_ROLE, Call, Reply, Route
from services.gateway.service import GatewayAppProvider, GatewayService
from shared.errors import Refusal
from shared.eventstore.base import ConcurrencyConflict
from shared.nameko_ext import CorrelationContext
from tests.support.services import gateway_config, running

pytestmark = pytest.mark.integration

TWO_MEGABYTES = 2 * 1024 * 1024
TOKENS = {
    "clerk": f"e2e-clerk-610502-{secrets.token_hex(16)}",
    "bureau": f"e2e-bureau-courts-{secrets.token_hex(16)}",
    "admin": f"e2e-admin-{secrets.token_hex(16)}",
}


# -- test-only service pieces -------------------------------------------------------------------------------
class Note(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(max_length=100)


def append_note(call: Call) -> Reply:
    """Accept a note (test route)."""
    return Reply({"received": call.body.text}, status=201)


def explode(call: Call) -> Reply:
    """Fail unexpectedly (test route)."""
    raise RuntimeError("dsn=postgresql://secret@db.internal")


def rpc_context(call: Call) -> Reply:
    """What the echo service saw of this request's context (test route)."""
    return Reply(call.rpc("gateway_test_echo").seen_context())


def rpc_slow(call: Call) -> Reply:
    """Call a service that answers too late (test route)."""
    return Reply(call.rpc("gateway_test_echo").slow())


def rpc_refusal(call: Call) -> Reply:
    """Call a service whose rule refuses (test route)."""
    return Reply(call.rpc("gateway_test_echo").refuse())


def rpc_conflict(call: Call) -> Reply:
    """Call a service whose append meets a moved stream (test route)."""
    return Reply(call.rpc("gateway_test_echo").conflict())


def rpc_nobody(call: Call) -> Reply:
    """Call a service that is not running (test route)."""
    return Reply(call.rpc("gateway_test_nobody").anything())


TEST_ROUTES = ROUTES.with_routes(
    Route("POST", "/v1/test/notes", "test.append_note", ANY_ROLE, append_note, body=Note, status=201),
    Route("GET", "/v1/test/explosion", "test.explode", ANY_ROLE, explode),
    Route("GET", "/v1/test/rpc/context", "test.rpc_context", ANY_ROLE, rpc_context),
    Route("GET", "/v1/test/rpc/slow", "test.rpc_slow", ANY_ROLE, rpc_slow),
    Route("GET", "/v1/test/rpc/nobody", "test.rpc_nobody", ANY_ROLE, rpc_nobody),
    Route("GET", "/v1/test/rpc/refusal", "test.rpc_refusal", ANY_ROLE, rpc_refusal),
    Route("GET", "/v1/test/rpc/conflict", "test.rpc_conflict", ANY_ROLE, rpc_conflict),
)


class GatewayWithTestRoutes(GatewayService):
    gateway = GatewayAppProvider(TEST_ROUTES)


class EchoService:
    name = "gateway_test_echo"
    context = CorrelationContext()

    @rpc
    def seen_context(self):
        return {"correlation_id": self.context.correlation_id, "principal": self.context.principal}

    @rpc
    def refuse(self):
        raise Refusal("below_legal_age", "the man is 21 on 2025-06-01; M-1 requires 22",
                      errors=[{"loc": ["parties", 0, "id_number"], "msg": "under 22"}])

    @rpc
    def conflict(self):
        raise ConcurrencyConflict("marriage-1", 3, 4)

    @rpc
    def slow(self):
        time.sleep(3)
        return "too late"


# -- fixtures -----------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def principals_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("gateway") / "principals.yaml"
    path.write_text(yaml.safe_dump([
        {"token": TOKENS["clerk"], "name": "clerk.MR-610502", "role": "marriage_clerk",
         "office": "MR-610502"},
        {"token": TOKENS["bureau"], "name": "bureau.courts", "role": "bureau", "bureau": "courts",
         "scopes": ["status"]},
        # production style: only the token's hash is on file
        {"token_sha256": hashlib.sha256(TOKENS["admin"].encode()).hexdigest(), "name": "admin.city",
         "role": "admin"},
    ]))
    return path


@pytest.fixture(scope="module")
def base_url(namespace, amqp_uri, principals_file):
    port = free_port()
    config = gateway_config(namespace, amqp_uri, WEB_SERVER_ADDRESS=f"127.0.0.1:{port}",
                            PRINCIPALS_FILE=str(principals_file), MAX_BODY_BYTES=1024 * 1024, RPC_TIMEOUT=1)
    with running(EchoService, config), running(GatewayWithTestRoutes, config):
        yield f"http://127.0.0.1:{port}"


def auth(who: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[who]}", **headers}


def assert_problem(response: requests.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "code", "errors"}
    assert (body["status"], body["code"]) == (status, code)
    return body


# -- operations ---------------------------------------------------------------------------------------------
def test_health_reports_database_broker_and_relay_lag_without_a_token(base_url):
    response = requests.get(f"{base_url}/health", timeout=10)

    assert response.status_code == 200
    body = response.json()
    assert (body["database"], body["broker"]) == (True, True)
    # Each domain service's heartbeat; one that is not running here makes the status "degraded" (issue 17).
    assert set(body["services"]) == {s.name for s in SERVICES if s.name != "gateway"}
    assert body["status"] == ("ok" if all(body["services"].values()) else "degraded")
    assert body["dead_letter_messages"] == {}
    assert set(body["relay_lag_events"]) == {s.name for s in SERVICES if s.event_store}
    assert isinstance(body["projector_lag_events"], int) and body["projector_lag_events"] >= 0  # timeline checkpoints


def test_liveness_does_no_io_and_readiness_needs_the_database_and_the_broker(base_url):
    live = requests.get(f"{base_url}/health/live", timeout=10)
    ready = requests.get(f"{base_url}/health/ready", timeout=10)

    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200
    assert (ready.json()["database"], ready.json()["broker"]) == (True, True)


def test_openapi_document_is_served_and_describes_the_routes(base_url):
    document = requests.get(f"{base_url}/openapi.json", timeout=10).json()

    assert document["openapi"] == "3.1.0"
    assert {"/health", "/openapi.json", "/metrics", "/v1/me"} <= set(document["paths"])
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_asyncapi_document_is_public_and_is_the_generated_one(base_url):
    response = requests.get(f"{base_url}/asyncapi.json", timeout=10)  # no token

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == json.loads(asyncapi.render())


def test_metrics_are_prometheus_text(base_url):
    requests.get(f"{base_url}/health", timeout=10)

    response = requests.get(f"{base_url}/metrics", headers=auth("admin"), timeout=10)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert 'civreg_http_requests_total{method="GET",route="/health",status="200"}' in response.text


# -- authentication and authorisation -----------------------------------------------------------------------
def test_no_token_is_401_with_a_bearer_challenge(base_url):
    response = requests.get(f"{base_url}/v1/me", timeout=10)

    assert_problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_token_is_401(base_url):
    response = requests.get(f"{base_url}/v1/me", headers={"Authorization": "Bearer " + "x" * 40}, timeout=10)

    assert_problem(response, 401, "unauthenticated")


def test_me_returns_the_principal_also_for_a_hashed_token_entry(base_url):
    clerk = requests.get(f"{base_url}/v1/me", headers=auth("clerk"), timeout=10)
    admin = requests.get(f"{base_url}/v1/me", headers=auth("admin"), timeout=10)

    assert clerk.status_code == 200
    assert clerk.json() == {"username": "clerk.MR-610502", "name": "clerk.MR-610502", "role": "marriage_clerk",
                            "office": "MR-610502", "county": None, "township": None, "bureau": None,
                            "scopes": [], "via": "static"}
    assert admin.json()["name"] == "admin.city"
    assert TOKENS["clerk"] not in clerk.text


def test_a_bureau_without_a_purpose_is_400(base_url):
    silent = requests.get(f"{base_url}/v1/me", headers=auth("bureau"), timeout=10)
    stated = requests.get(f"{base_url}/v1/me", headers=auth("bureau", **{"X-Purpose": "divorce case"}),
                          timeout=10)

    assert_problem(silent, 400, "purpose_required")
    assert stated.status_code == 200


def test_an_authenticated_call_writes_its_access_log_row(base_url, namespace):
    correlation_id = f"e2e-{secrets.token_hex(6)}"
    headers = auth("bureau", **{"X-Purpose": "divorce case", "X-Correlation-Id": correlation_id})
    requests.get(f"{base_url}/v1/me", headers=headers, timeout=10)

    with namespace.admin("gateway").transaction() as conn:
        rows = conn.execute("SELECT principal, role, action, purpose, outcome FROM access_log"
                            " WHERE correlation_id = %s", (correlation_id,)).fetchall()
    assert rows == [("bureau.courts", "bureau", "principals.me", "divorce case", 200)]


# -- clean 4xx, never a 500 ---------------------------------------------------------------------------------
def test_an_unknown_route_is_404(base_url):
    assert_problem(requests.get(f"{base_url}/v1/no/such/thing", timeout=10), 404, "not_found")
    assert_problem(requests.get(f"{base_url}/v1", timeout=10), 404, "not_found")
    # `/` and other paths outside the API are the workbench's (docs/workbench.md), never an API 404.


@pytest.mark.parametrize("path", ["/v1/funeral/plots/%0A%F0%B6%B1%B2/reservations", "/v1/a//b/", "//v1", "/v1//"])
def test_every_path_reaches_the_app_a_newline_in_it_too(base_url, path):
    # The web server routes nothing itself (services/gateway/service.py): no HTML 404 or redirect of werkzeug's
    # for a decoded newline in a path parameter (found by schemathesis) or doubled slashes; the app's problem.
    response = requests.get(f"{base_url}{path}", timeout=10, allow_redirects=False)

    assert 400 <= response.status_code < 500
    assert response.headers["Content-Type"] == "application/problem+json"


def test_a_wrong_method_is_405_with_allow(base_url):
    response = requests.delete(f"{base_url}/health", timeout=10)

    assert_problem(response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "GET, HEAD"


def test_a_two_megabyte_body_is_413(base_url):
    response = requests.post(f"{base_url}/v1/test/notes", data=b"x" * TWO_MEGABYTES,
                             headers=auth("clerk", **{"Content-Type": "application/json"}), timeout=30)

    assert_problem(response, 413, "payload_too_large")


def test_a_two_megabyte_chunked_body_is_413(base_url):
    def chunks():
        for _ in range(32):
            yield b"x" * (TWO_MEGABYTES // 32)

    response = requests.post(f"{base_url}/v1/test/notes", data=chunks(),
                             headers=auth("clerk", **{"Content-Type": "application/json"}), timeout=30)

    assert_problem(response, 413, "payload_too_large")


def test_malformed_json_is_400(base_url):
    response = requests.post(f"{base_url}/v1/test/notes", data=b'{"text": "unterminated',
                             headers=auth("clerk", **{"Content-Type": "application/json"}), timeout=10)

    assert_problem(response, 400, "malformed_json")


def test_a_wrong_content_type_is_415(base_url):
    response = requests.post(f"{base_url}/v1/test/notes", data=b"text=hello",
                             headers=auth("clerk", **{"Content-Type": "application/x-www-form-urlencoded"}),
                             timeout=10)

    assert_problem(response, 415, "unsupported_media_type")


def test_a_body_against_the_schema_is_422_and_a_good_one_201(base_url):
    url = f"{base_url}/v1/test/notes"
    refused = requests.post(url, json={"text": "hi", "more": 1}, headers=auth("clerk"), timeout=10)
    accepted = requests.post(url, json={"text": "hi"}, headers=auth("clerk"), timeout=10)

    assert assert_problem(refused, 422, "validation_failed")["errors"][0]["loc"] == ["body", "more"]
    assert (accepted.status_code, accepted.json()) == (201, {"received": "hi"})


def test_an_idempotent_post_is_replayed(base_url):
    headers = auth("clerk", **{"Idempotency-Key": secrets.token_hex(8)})
    first = requests.post(f"{base_url}/v1/test/notes", json={"text": "once"}, headers=headers, timeout=10)
    again = requests.post(f"{base_url}/v1/test/notes", json={"text": "once"}, headers=headers, timeout=10)
    other = requests.post(f"{base_url}/v1/test/notes", json={"text": "twice"}, headers=headers, timeout=10)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert_problem(other, 422, "idempotency_key_reused")


def test_an_unexpected_failure_is_a_500_problem_that_leaks_nothing(base_url):
    response = requests.get(f"{base_url}/v1/test/explosion", headers=auth("clerk"), timeout=10)

    assert_problem(response, 500, "internal_error")
    assert "secret" not in response.text and "RuntimeError" not in response.text


# -- correlation and RPC ------------------------------------------------------------------------------------
def test_the_correlation_id_and_principal_are_carried_over_rpc(base_url):
    response = requests.get(f"{base_url}/v1/test/rpc/context",
                            headers=auth("clerk", **{"X-Correlation-Id": "e2e-corr-1"}), timeout=10)

    assert response.status_code == 200
    assert response.headers["X-Correlation-Id"] == "e2e-corr-1"
    assert response.json() == {"correlation_id": "e2e-corr-1", "principal": "clerk.MR-610502"}


def test_a_generated_correlation_id_is_returned_when_none_is_sent(base_url):
    response = requests.get(f"{base_url}/health", timeout=10)

    assert len(response.headers["X-Correlation-Id"]) == 32


def test_a_service_that_answers_too_late_is_504(base_url):
    response = requests.get(f"{base_url}/v1/test/rpc/slow", headers=auth("clerk"), timeout=10)

    assert_problem(response, 504, "upstream_timeout")


def test_a_refusal_raised_in_a_service_reaches_the_client_with_its_code(base_url):
    response = requests.get(f"{base_url}/v1/test/rpc/refusal", headers=auth("clerk"), timeout=10)

    body = assert_problem(response, 422, "below_legal_age")
    assert body["errors"] == [{"loc": ["parties", 0, "id_number"], "msg": "under 22"}]


def test_a_concurrency_conflict_in_a_service_is_409(base_url):
    response = requests.get(f"{base_url}/v1/test/rpc/conflict", headers=auth("clerk"), timeout=10)

    assert_problem(response, 409, "concurrency_conflict")


def test_a_service_that_is_not_running_is_503(base_url):
    response = requests.get(f"{base_url}/v1/test/rpc/nobody", headers=auth("clerk"), timeout=10)

    assert_problem(response, 503, "service_unavailable")
