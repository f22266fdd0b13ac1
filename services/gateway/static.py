"""The workbench's built bundle (`web/dist`), served by the gateway at `/` so that it shares the API's origin.

Only GET and HEAD, and never a path of the API's own (`/v1`, `/health`, `/openapi.json`, `/oauth`,
`/.well-known`, …): those always reach the route table, so a file in the bundle can never shadow a route.
Hashed assets (`/assets/…`) are cached for a year; `index.html` and every client route (the SPA fallback)
are revalidated on each load, so a new build is picked up at once. Every answer carries a strict
Content-Security-Policy: scripts, styles and connections to this origin only.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response

from services.gateway.problems import Problem
from shared.reference.refusals import NOT_FOUND

# First path segments that belong to the API; the workbench's own routes must not use them.
API_SEGMENTS = frozenset({"v1", "health", "openapi.json", "asyncapi.json", "metrics", "oauth", ".well-known"})

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data: blob:",  # Element Plus draws some icons as data: URLs; blob: for printed previews
    "frame-src 'self' blob:",  # the certificate PDF previewed in an iframe (workbench.md §6)
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
IMMUTABLE = "public, max-age=31536000, immutable"  # Vite puts a content hash in every asset's name
REVALIDATE = "no-cache"


def is_api_path(path: str) -> bool:
    return path.lstrip("/").split("/", 1)[0] in API_SEGMENTS


class Workbench:
    """Answers the workbench's requests from a built bundle directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def serve(self, request: Request) -> Response | None:
        """The response for a workbench request, or None when the request is the API's."""
        if request.method not in ("GET", "HEAD") or is_api_path(request.path):
            return None
        index = self.root / "index.html"
        if not index.is_file():
            raise Problem(404, "workbench_not_built", "the workbench is not built: run `make web`")
        relative = request.path.lstrip("/")
        file = safe_join(str(self.root), relative) if relative else None
        if file is not None and Path(file).is_file():
            cache = IMMUTABLE if relative.startswith("assets/") else REVALIDATE
            return self._file(Path(file), cache, request)
        if relative.startswith("assets/") or Path(relative).suffix:
            # A missing asset is a 404, not the index page: a stale page must fail loudly, not parse HTML as JS.
            raise Problem(404, NOT_FOUND, "no such file")
        return self._file(index, REVALIDATE, request)  # a client route: the application decides

    @staticmethod
    def _file(path: Path, cache: str, request: Request) -> Response:
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        response = Response(path.read_bytes(), mimetype=mimetype)
        response.headers.update(SECURITY_HEADERS)
        response.headers["Cache-Control"] = cache
        response.add_etag()
        return response.make_conditional(request)
