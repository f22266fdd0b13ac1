"""The lockfiles agree with pyproject.toml: every exact pin there is the version locked, with hashes.

`requirements.lock` holds the runtime set (what the image installs), `requirements-dev.lock` the runtime and the
dev extras (what `make up` and CI install); both come from `make lock`. A dependency added or moved in
pyproject.toml without `make lock` fails here, before an install could drift from the file.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from deploy.checks import REPO_ROOT, report

RUNTIME_LOCK = "requirements.lock"
DEV_LOCK = "requirements-dev.lock"

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([^\s;#]+)")


def canonical(name: str) -> str:
    """PEP 503 name: `PyYAML` and `pyyaml`, `psycopg_pool` and `psycopg-pool` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Locked:
    version: str
    hashes: int


def parse_lock(text: str) -> dict[str, Locked]:
    """`name==version` entries of a pip-compile style lockfile, with the number of hashes each carries."""
    locked: dict[str, Locked] = {}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace():
            match = _PIN.match(stripped)
            if not match:
                raise ValueError(f"not a pinned requirement: {stripped!r}")
            current = canonical(match.group(1))
            locked[current] = Locked(match.group(3), 0)
        if current and "--hash=" in stripped:
            locked[current] = Locked(locked[current].version, locked[current].hashes + stripped.count("--hash="))
    return locked


def pins(requirements: list[str]) -> dict[str, str]:
    """Exact pins of a pyproject dependency list; a requirement that is not `==` is reported by `problems`."""
    found = {}
    for requirement in requirements:
        match = _PIN.match(requirement.strip())
        found[canonical(match.group(1)) if match else requirement] = match.group(3) if match else ""
    return found


def problems(pyproject: dict, runtime_lock: str, dev_lock: str) -> list[str]:
    project = pyproject["project"]
    runtime = pins(project["dependencies"])
    dev = pins(project.get("optional-dependencies", {}).get("dev", []))
    runtime_locked, dev_locked = parse_lock(runtime_lock), parse_lock(dev_lock)
    found = []
    for name, version in {**runtime, **dev}.items():
        if not version:
            found.append(f"pyproject.toml: {name!r} is not pinned exactly (==)")
    for lock_name, locked, wanted in ((RUNTIME_LOCK, runtime_locked, runtime),
                                      (DEV_LOCK, dev_locked, {**runtime, **dev})):
        for name, version in wanted.items():
            if not version:
                continue
            if name not in locked:
                found.append(f"{lock_name}: {name}=={version} is in pyproject.toml but not locked (run make lock)")
            elif locked[name].version != version:
                found.append(f"{lock_name}: {name} is locked at {locked[name].version}, pyproject.toml pins "
                             f"{version} (run make lock)")
        for name, entry in locked.items():
            if entry.hashes == 0:
                found.append(f"{lock_name}: {name} has no hash (make lock generates them)")
    for name, entry in runtime_locked.items():
        if name in dev_locked and dev_locked[name].version != entry.version:
            found.append(f"{DEV_LOCK}: {name} is {dev_locked[name].version} but {entry.version} at runtime "
                         f"(the dev lock is compiled under the runtime one: run make lock)")
        elif name not in dev_locked:
            found.append(f"{DEV_LOCK}: {name} of the runtime lock is missing (run make lock)")
    return found


def check(root: Path = REPO_ROOT) -> list[str]:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return problems(pyproject, (root / RUNTIME_LOCK).read_text(encoding="utf-8"),
                    (root / DEV_LOCK).read_text(encoding="utf-8"))


def main() -> int:
    return report(check(), f"lockfiles: {RUNTIME_LOCK} and {DEV_LOCK} agree with pyproject.toml")


if __name__ == "__main__":
    sys.exit(main())
