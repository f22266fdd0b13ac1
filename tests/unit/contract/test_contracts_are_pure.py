"""Issue 11: a service's contract package (`services/<name>/contract/`) is pure — pydantic, the standard
library, `shared.reference` and its own package — so that the gateway, other services, the documents and the
clients can import it without pulling in I/O, nameko or another service's internals."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("marriage", "child_welfare", "funeral", "vagrant_aid", "timeline", "adoption")
MODULES = sorted(path for name in SERVICES for path in (ROOT / "services" / name / "contract").glob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module the file imports, absolute (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            names.add(".".join(part for part in (base, node.module or "") if part))
    return names


def allowed(module: str, service: str) -> bool:
    top = module.split(".")[0]
    return (top == "pydantic" or top in sys.stdlib_module_names or module == "__future__"
            or module == "shared.reference" or module.startswith("shared.reference.")
            or module == f"services.{service}.contract" or module.startswith(f"services.{service}.contract."))


def test_every_service_has_a_contract_package():
    for name in SERVICES:
        assert (ROOT / "services" / name / "contract" / "__init__.py").is_file(), name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_contract_module_imports_only_pydantic_the_standard_library_and_shared_reference(path: Path):
    service = path.parent.parent.name
    assert not {module for module in imported(path) if not allowed(module, service)}


def test_the_check_catches_a_forbidden_import():
    """The check itself can fail: nameko, psycopg and another service's internals are refused."""
    for module in ("nameko.rpc", "psycopg", "services.marriage.domain.rules", "services.funeral.contract",
                   "shared.db"):
        assert not allowed(module, "marriage"), module
