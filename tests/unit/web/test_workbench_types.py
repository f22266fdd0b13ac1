"""The workbench's API types (web/src/api/schema.d.ts) are those of the gateway's current OpenAPI document:
regenerate them with `make web-types` when a route changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.workbench import REPO_ROOT, build_bundle

WEB = REPO_ROOT / "web"


def test_the_workbench_types_match_the_gateway_openapi_document(tmp_path: Path) -> None:
    build_bundle()  # installs web/node_modules when the lockfile changed
    document = subprocess.run([sys.executable, "scripts/openapi_document.py"], cwd=WEB, capture_output=True,
                              text=True, check=True).stdout
    assert json.loads(document)["paths"]
    source = tmp_path / "openapi.json"
    source.write_text(document, encoding="utf-8")
    generated = tmp_path / "schema.d.ts"
    subprocess.run(["npx", "openapi-typescript", str(source), "-o", str(generated)], cwd=WEB, capture_output=True,
                   check=True)
    committed = (WEB / "src" / "api" / "schema.d.ts").read_text(encoding="utf-8")
    assert generated.read_text(encoding="utf-8") == committed, "stale workbench types: run `make web-types`"
