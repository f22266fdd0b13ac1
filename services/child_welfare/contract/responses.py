"""What the child welfare service answers, as the gateway documents it (OpenAPI): services may add fields."""

from __future__ import annotations

from shared.reference.contract import Response as View


class FileOpened(View):
    child_id: str
    version: int


class Changed(View):
    child_id: str
    version: int
