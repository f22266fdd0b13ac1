"""Refusals: a rule said no. Raised by domain code, carried over RPC intact, answered as problem+json.

A `Refusal` has a stable `code` (`below_legal_age`, `already_married`, …), a human `detail`, the HTTP
status the gateway answers with (422 a rule or schema, 409 the current state, 404 an unknown id) and
optional field `errors` (`[{"loc": [...], "msg": ...}]`). Its constructor arguments are its only state, so
nameko can rebuild it on the caller's side (registered in shared/nameko_ext) — from arguments that nameko
has turned into strings on the way, hence the conversions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class Refusal(Exception):
    def __init__(
        self, code: str, detail: str = "", status: int = 422, errors: Sequence[dict[str, Any]] = ()
    ) -> None:
        errors = [{"loc": [_index(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                  for e in errors if isinstance(e, dict)]
        super().__init__(code, detail, int(status), errors)
        self.code, self.detail, self.status, self.errors = code, detail, int(status), errors

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}" if self.detail else self.code


class NotFound(Refusal):
    def __init__(self, detail: str = "no such resource", *_: Any) -> None:
        super().__init__("not_found", detail, 404)
        self.args = (detail,)


def _index(part: Any) -> Any:
    """A list index in an error location (`["parties", 0]`) survives RPC as "0": make it a number again."""
    return int(part) if isinstance(part, str) and part.isascii() and part.isdigit() else part
