"""Assertions tests share about refusals: a refusal is problem+json with its code (over HTTP) or a `Refusal`
with its code (in the domain), and a refusal adds no event to the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from shared.errors import Refusal


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is a problem+json refusal with this status and code; its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code, body
    return body


def events_in(db: Any) -> int:
    """How many events a service's store holds (`db`: a superuser pool on its schema): a refusal adds none."""
    with db.connection() as conn:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]


@contextmanager
def refused(code: str, status: int | None = None) -> Iterator[None]:
    """Expect the block to be refused (`Refusal`) with this code (and status)."""
    with pytest.raises(Refusal) as caught:
        yield
    assert caught.value.code == code, f"refused with {caught.value.code} ({caught.value.detail}), expected {code}"
    if status is not None:
        assert caught.value.status == status
