"""The error body of api.md: `type, title, status, detail, code, errors`, as application/problem+json."""

import json

from services.gateway.problems import FieldError, Problem, internal_error


def test_problem_body_has_exactly_the_fields_of_the_contract():
    body = Problem(409, "already_married", "one of the parties is married").to_dict()

    assert set(body) == {"type", "title", "status", "detail", "code", "errors"}
    assert body["status"] == 409
    assert body["code"] == "already_married"
    assert body["type"].endswith("already_married")
    assert body["title"] == "Conflict"
    assert body["errors"] == []


def test_problem_response_is_problem_json_with_its_status_and_headers():
    response = Problem(405, "method_not_allowed", headers={"Allow": "GET"}).response()

    assert response.status_code == 405
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Allow"] == "GET"
    assert json.loads(response.get_data())["code"] == "method_not_allowed"


def test_field_errors_are_listed_with_loc_and_msg():
    error = FieldError(("body", "parties", 0, "id_number"), "bad")
    problem = Problem(422, "validation_failed", errors=[error])

    assert problem.to_dict()["errors"] == [{"loc": ["body", "parties", 0, "id_number"], "msg": "bad"}]


def test_huge_input_is_never_echoed_back_in_full():
    huge = "x" * 100_000
    problem = Problem(422, "validation_failed", huge, errors=[FieldError(("body", huge), huge)] * 500)

    text = json.dumps(problem.to_dict())

    assert len(text) < 20_000
    assert len(problem.to_dict()["errors"]) == 20


def test_internal_error_says_nothing_of_the_failure():
    body = internal_error().to_dict()

    assert body["status"] == 500
    assert body["code"] == "internal_error"
    assert "correlation id" in body["detail"]
