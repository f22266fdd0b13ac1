"""Reading request bodies safely: size limit, media type, strict UTF-8 JSON, then the route's pydantic model.

The limit is enforced twice: on the declared `Content-Length` before a byte is read, and while reading, for
chunked bodies that declare nothing. JSON is parsed strictly (no NaN or Infinity, no duplicate keys — a
client that sends `{"office": "A", "office": "B"}` must not have one of them silently chosen).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import ClientDisconnected
from werkzeug.wrappers import Request
from werkzeug.wsgi import get_input_stream

from services.gateway.problems import FieldError, Problem, truncate
from shared.reference.refusals import VALIDATION_FAILED

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
JSON_MEDIA_TYPE = "application/json"
_READ_CHUNK = 64 * 1024


def too_large(limit: int) -> Problem:
    return Problem(413, "payload_too_large", f"the request body exceeds {limit} bytes")


def check_declared_length(request: Request, limit: int) -> None:
    """Refuse a body whose declared length is over the limit, before reading any of it."""
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)


def read_body(request: Request, limit: int) -> bytes:
    """The raw body, at most `limit` bytes; also for chunked bodies, which declare no length."""
    # safe_fallback=False: without a Content-Length the body is chunked; the WSGI server (eventlet) ends
    # the stream at its last chunk, and the loop below bounds how much of it is read.
    stream = get_input_stream(request.environ, safe_fallback=False)
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := stream.read(min(_READ_CHUNK, limit + 1 - size)):
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            chunks.append(chunk)
    except (ClientDisconnected, OSError, ValueError) as exc:  # eventlet: ChunkReadError is a ValueError
        raise Problem(400, "incomplete_body", "the request body could not be read to its end") from exc
    return b"".join(chunks)


def check_media_type(request: Request) -> None:
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if request.mimetype != JSON_MEDIA_TYPE or charset not in ("utf-8", "utf8"):
        raise Problem(415, "unsupported_media_type", "send the body as application/json in UTF-8")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {truncate(key, 64)!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> tuple[str, Any]:
    """The body as text and as a JSON value; 400 `malformed_json` otherwise, without quoting the input."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(400, "malformed_json", f"the body is not valid UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise Problem(400, "malformed_json", "the body is empty")
    try:
        value = json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise Problem(400, "malformed_json", f"line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        raise Problem(400, "malformed_json", truncate(str(exc), 200)) from None
    return text, value


def validate(model: type[BaseModel], text: str) -> BaseModel:
    """The body as the route's model; 422 `validation_failed` with one entry per offending field."""
    try:
        # Strict at the edge: JSON types as they are (no "1" for 1); the service validates the same contract
        # model again, from the JSON this forwards.
        return model.model_validate_json(text, strict=True)
    except ValidationError as exc:
        errors = [
            FieldError(("body", *error["loc"]), error["msg"])
            for error in exc.errors(include_url=False, include_input=False, include_context=False)
        ]
        raise Problem(422, VALIDATION_FAILED, "the request body does not match the schema",
                      errors=errors) from None


def canonical_json(value: Any) -> str:
    """One spelling per JSON value, so that equal bodies hash equal whatever their key order or spacing."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
