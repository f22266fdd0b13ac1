"""Body parsing: every way a body can be wrong is a clean 4xx that does not echo the input."""

import io
import json

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.gateway.body import (
    canonical_json,
    check_declared_length,
    check_media_type,
    parse_json,
    read_body,
    validate,
)
from services.gateway.problems import Problem
from tests.unit.gateway.fakes import Note


def request(data=b"", content_type="application/json", chunked=False):
    if chunked:  # no Content-Length: the server hands over a stream that ends with the last chunk
        builder = EnvironBuilder(method="POST", input_stream=io.BytesIO(data), content_type=content_type,
                                 headers={"Transfer-Encoding": "chunked"})
    else:
        builder = EnvironBuilder(method="POST", data=data, content_type=content_type)
    return Request(builder.get_environ())


def refusal(call, *args):
    with pytest.raises(Problem) as refused:
        call(*args)
    return refused.value


def test_a_declared_length_over_the_limit_is_413_before_reading():
    problem = refusal(check_declared_length, request(b"x" * 2048), 1024)

    assert (problem.status, problem.code) == (413, "payload_too_large")


def test_a_chunked_body_over_the_limit_is_413_while_reading():
    req = request(b"x" * 4096, chunked=True)
    assert req.content_length is None

    problem = refusal(read_body, req, 1024)

    assert (problem.status, problem.code) == (413, "payload_too_large")


def test_a_body_at_the_limit_is_read_whole():
    assert read_body(request(b"x" * 1024, chunked=True), 1024) == b"x" * 1024


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/json; charset=latin-1", ""])
def test_a_body_that_is_not_utf8_json_by_media_type_is_415(content_type):
    problem = refusal(check_media_type, request(b"{}", content_type=content_type))

    assert (problem.status, problem.code) == (415, "unsupported_media_type")


def test_json_with_utf8_charset_is_accepted():
    check_media_type(request(b"{}", content_type="application/json; charset=UTF-8"))


@pytest.mark.parametrize("raw", [
    b"", b"   ", b"{", b'{"a": 1,}', b"\xff\xfe{}", b'{"a": NaN}', b'{"a": Infinity}',
    b'{"office": "A", "office": "B"}', b"[" * 100_000,
])
def test_malformed_json_is_400(raw):
    problem = refusal(parse_json, raw)

    assert (problem.status, problem.code) == (400, "malformed_json")


def test_malformed_json_names_the_position_not_the_input():
    secret = "610502199001010011"
    problem = refusal(parse_json, f'{{"id_number": "{secret}" "x"}}'.encode())

    assert "line 1 column" in problem.detail
    assert secret not in json.dumps(problem.to_dict())


def test_schema_violations_are_422_with_the_field_locations():
    problem = refusal(validate, Note, json.dumps({"person_id": "nope", "text": "x" * 200, "extra": 1}))

    assert (problem.status, problem.code) == (422, "validation_failed")
    assert {tuple(e["loc"]) for e in problem.to_dict()["errors"]} == {
        ("body", "person_id"), ("body", "text"), ("body", "extra")}


def test_a_json_value_that_is_not_an_object_is_422():
    problem = refusal(validate, Note, "[1, 2]")

    assert problem.status == 422
    assert problem.to_dict()["errors"][0]["loc"] == ["body"]


def test_validation_errors_do_not_echo_huge_keys_or_values():
    huge = "k" * 50_000
    problem = refusal(validate, Note, json.dumps({"person_id": huge, huge: huge, "text": "t"}))

    assert len(json.dumps(problem.to_dict())) < 2_000


def test_canonical_json_ignores_key_order_and_spacing():
    assert canonical_json(json.loads('{"b": 1, "a": [1, 2]}')) == canonical_json({"a": [1, 2], "b": 1})
