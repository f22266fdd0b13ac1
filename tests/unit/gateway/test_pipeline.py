"""The request pipeline end to end with in-memory ports: order of checks, audit, idempotency, failures."""

import io
import json

import pytest
from werkzeug.test import Client

from tests.support.idempotency import NO_KEY
from tests.unit.gateway.fakes import FixedHealth, Notebook, RecordingAccessLog, bearer, make_app

NOTE = {"person_id": "610502199001010011", "text": "seen at the window"}


@pytest.fixture
def log():
    return RecordingAccessLog()


@pytest.fixture
def notebook():
    return Notebook()


@pytest.fixture
def client(log, notebook):
    return Client(make_app(access_log=log, notebook=notebook).wsgi)


def problem(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_json(force=True)
    assert body["code"] == code
    return body


def post_note(client, body=NOTE, who="clerk", **headers):
    data = body if isinstance(body, bytes) else json.dumps(body)
    content_type = headers.pop("content_type", "application/json")
    return client.post("/v1/test/notes", data=data, content_type=content_type,
                       headers={**bearer(who), **headers})


# -- order of the checks ------------------------------------------------------------------------------------
def test_an_oversized_declared_body_is_413_before_routing_or_authentication(client):
    problem(client.post("/nowhere", data=b"x" * 2048), 413, "payload_too_large")


def test_an_unknown_route_is_404_before_authentication(client):
    problem(client.get("/v1/nowhere"), 404, "not_found")


def test_a_wrong_method_is_405_with_allow(client):
    response = client.put("/v1/me", headers=bearer("clerk"))

    problem(response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "GET, HEAD"


def test_no_token_is_401_with_a_bearer_challenge(client, log):
    response = client.get("/v1/me")

    problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="civreg"'
    assert log.entries == []


def test_an_unknown_token_is_401_invalid_token(client):
    response = client.get("/v1/me", headers={"Authorization": "Bearer not-a-known-token-0123456789"})

    problem(response, 401, "unauthenticated")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_role_without_the_right_is_403(client):
    problem(client.get("/v1/test/registrar-only", headers=bearer("clerk")), 403, "forbidden")


def test_a_bureau_without_a_purpose_is_400_purpose_required(client):
    problem(client.get("/v1/me", headers=bearer("bureau")), 400, "purpose_required")
    problem(client.get("/v1/me", headers={**bearer("bureau"), "X-Purpose": "   "}), 400, "purpose_required")


def test_an_overlong_purpose_is_400(client):
    response = client.get("/v1/me", headers={**bearer("bureau"), "X-Purpose": "x" * 501})

    problem(response, 400, "invalid_purpose")


def test_the_role_is_checked_before_the_purpose(client):
    problem(client.get("/v1/test/registrar-only", headers=bearer("bureau")), 403, "forbidden")


def test_a_wrong_content_type_is_415(client):
    problem(post_note(client, content_type="text/plain"), 415, "unsupported_media_type")


def test_malformed_json_is_400(client):
    problem(post_note(client, b'{"person_id": '), 400, "malformed_json")


def test_a_body_breaking_the_schema_is_422(client, notebook):
    body = problem(post_note(client, {**NOTE, "extra": True}), 422, "validation_failed")

    assert body["errors"] == [{"loc": ["body", "extra"], "msg": "Extra inputs are not permitted"}]
    assert notebook.written == []


def test_a_chunked_body_over_the_limit_is_413(client):
    response = client.post("/v1/test/notes", input_stream=io.BytesIO(b"x" * 4096),
                           content_type="application/json",
                           headers={**bearer("clerk"), "Transfer-Encoding": "chunked"})

    problem(response, 413, "payload_too_large")


# -- success and audit --------------------------------------------------------------------------------------
def test_me_returns_the_principal_and_never_a_token(client):
    response = client.get("/v1/me", headers=bearer("clerk"))

    assert response.status_code == 200
    assert response.get_json() == {"username": "clerk.MR-610502", "name": "clerk.MR-610502",
                                   "role": "marriage_clerk", "office": "MR-610502", "county": None,
                                   "township": None, "bureau": None, "scopes": [], "via": "static"}
    assert "token" not in response.get_data(as_text=True)


def test_every_authenticated_call_is_audited_refusals_included(client, log):
    client.get("/v1/test/persons/610502199001010011/notes",
               headers={**bearer("bureau"), "X-Purpose": "刑事案件侦查".encode().decode("latin-1")})
    client.get("/v1/test/registrar-only", headers=bearer("clerk"))
    client.get("/v1/me", headers=bearer("bureau"))

    first, second, third = log.entries
    assert (first.principal, first.role, first.action, first.subject, first.purpose, first.outcome) == (
        "bureau.public_security", "bureau", "test.read_notes", "610502199001010011", "刑事案件侦查", 200)
    assert (second.action, second.outcome) == ("test.registrar_only", 403)
    assert (third.action, third.outcome, third.purpose) == ("principals.me", 400, None)


def test_public_calls_are_not_audited(client, log):
    assert client.get("/health").status_code == 200
    assert log.entries == []


def test_a_call_that_cannot_be_audited_is_withheld():
    client = Client(make_app(access_log=RecordingAccessLog(fail=True)).wsgi)

    problem(client.get("/v1/me", headers=bearer("clerk")), 503, "audit_unavailable")


def test_an_unexpected_exception_is_a_500_that_leaks_nothing(client, log):
    response = client.get("/v1/test/explosion", headers=bearer("clerk"))

    body = problem(response, 500, "internal_error")
    assert "hunter2" not in response.get_data(as_text=True)
    assert body["detail"]
    assert log.entries[-1].outcome == 500


# -- correlation ids ----------------------------------------------------------------------------------------
def test_a_sane_correlation_id_is_kept_and_returned(client, log):
    response = client.get("/v1/me", headers={**bearer("clerk"), "X-Correlation-Id": "req-42.a:b"})

    assert response.headers["X-Correlation-Id"] == "req-42.a:b"
    assert log.entries[-1].correlation_id == "req-42.a:b"


@pytest.mark.parametrize("value", ["", "x" * 200, "bad id", "<script>",
                                   # an ID number, which the logs' masking does not find when a letter touches it
                                   "req-610502199001010011", "a610502900101001b"])
def test_an_insane_correlation_id_is_replaced(client, value):
    response = client.get("/health", headers={"X-Correlation-Id": value})

    assert response.headers["X-Correlation-Id"] != value
    assert len(response.headers["X-Correlation-Id"]) == 32


# -- idempotency --------------------------------------------------------------------------------------------
def test_the_same_key_and_body_replay_the_first_response_without_executing_again(client, notebook):
    first = post_note(client, **{"Idempotency-Key": "k-1"})
    same_body_reordered = {"text": NOTE["text"], "person_id": NOTE["person_id"]}
    again = post_note(client, same_body_reordered, **{"Idempotency-Key": "k-1"})

    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(notebook.written) == 1


def test_the_same_key_with_another_body_is_422(client, notebook):
    post_note(client, **{"Idempotency-Key": "k-2"})

    problem(post_note(client, {**NOTE, "text": "other"}, **{"Idempotency-Key": "k-2"}), 422,
            "idempotency_key_reused")
    assert len(notebook.written) == 1


def test_keys_belong_to_their_principal(client, notebook):
    post_note(client, **{"Idempotency-Key": "k-3"})
    post_note(client, who="bureau", **{"Idempotency-Key": "k-3", "X-Purpose": "case"})

    assert len(notebook.written) == 2


def test_a_post_without_a_key_is_400_and_runs_nothing(client, notebook, log):
    """api.md release 2: the key is required on every POST and PUT of a command."""
    problem(post_note(client, **NO_KEY), 400, "idempotency_key_required")

    assert notebook.written == []


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "ключ"])
def test_a_malformed_key_is_400(client, key):
    problem(post_note(client, **{"Idempotency-Key": key}), 400, "invalid_idempotency_key")


def test_health_is_503_when_the_database_or_broker_is_down():
    client = Client(make_app(health=FixedHealth(database=True, broker=False)).wsgi)

    response = client.get("/health")

    assert response.status_code == 503
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["broker"] is False


def test_metrics_count_requests_by_route_template_not_path(client):
    client.get("/v1/test/persons/610502199001010011/notes", headers=bearer("clerk"))

    text = client.get("/metrics", headers=bearer("oversight")).get_data(as_text=True)

    assert 'route="/v1/test/persons/<person_id>/notes"' in text
    assert "610502199001010011" not in text


def test_if_match_is_read_as_a_version_bare_or_as_an_etag():
    import pytest

    from services.gateway.app import if_match_version
    from services.gateway.problems import Problem

    assert if_match_version(None) is None
    assert if_match_version("3") == if_match_version('"3"') == if_match_version('W/"3"') == 3
    for bad in ("three", "-1", "*", "1, 2", "9" * 12):
        with pytest.raises(Problem) as refused:
            if_match_version(bad)
        assert refused.value.code == "invalid_if_match"
