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


def test_a_problem_is_localised_for_a_chinese_reader_and_any_other_answer_is_left_as_it_is():
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Response

    from services.gateway.problems import localise

    chinese = EnvironBuilder(headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_request()
    refused = localise(Problem(409, "already_married", "one of the parties is married").response(), chinese)
    assert json.loads(refused.get_data())["title"] == "当事人已有配偶"
    assert json.loads(refused.get_data())["code"] == "already_married"
    assert refused.headers["Content-Language"] == "zh-CN"

    # An answer that is not a problem keeps its bytes and headers, even one carrying a problem's fields.
    body = json.dumps({"code": "already_married", "title": "Conflict"}).encode()
    created = localise(Response(body, status=201, content_type="application/problem+json"), chinese)
    assert created.get_data() == body and "Content-Language" not in created.headers

    english = EnvironBuilder(headers={"Accept-Language": "en"}).get_request()
    kept = localise(Problem(409, "already_married", "one of the parties is married").response(), english)
    assert json.loads(kept.get_data())["title"] == "Conflict"
