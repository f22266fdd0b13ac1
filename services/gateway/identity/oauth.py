"""RFC 6749 error answers: a problem+json body that also carries the RFC's own `error` and
`error_description`, so that OAuth2 client libraries and civreg's clients both read it."""

from __future__ import annotations

from typing import Any

from services.gateway.problems import Problem


class OAuthError(Problem):
    def __init__(self, status: int, error: str, description: str) -> None:
        headers = {"WWW-Authenticate": 'Basic realm="civreg"'} if status == 401 else {}
        super().__init__(status, error, description, headers=headers)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "error": self.code, "error_description": self.detail}
