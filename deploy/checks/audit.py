"""`pip-audit` on the locked set: fails on any known vulnerability not accepted in deploy/audit-accepted.txt.

The dev lock holds the runtime lock (it is compiled under it), so one audit covers the image too. pip-audit asks
PyPI's vulnerability service per package; where that service cannot be reached every package comes back
"could not be audited". That is not a clean bill: the check says so loudly and, with CIVREG_AUDIT_STRICT=1 (set
it wherever the service is reachable, e.g. a release pipeline), fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from deploy.checks import REPO_ROOT
from deploy.checks.lockfile import DEV_LOCK

ACCEPTED = "deploy/audit-accepted.txt"


@dataclass(frozen=True)
class Verdict:
    vulnerable: list[str]  # "package version: ID (fixed in ...)"
    unaudited: list[str]  # packages the service had nothing for
    audited: int


def accepted(text: str) -> dict[str, str]:
    """Advisory id → reason; a line with no reason is refused (acceptance must say why)."""
    found = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        advisory, _, reason = line.partition(" ")
        if not reason.strip():
            raise ValueError(f"{ACCEPTED}:{number}: {advisory} is accepted without a reason")
        found[advisory] = reason.strip()
    return found


def verdict(report: dict) -> Verdict:
    vulnerable, unaudited, audited = [], [], 0
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            unaudited.append(dependency["name"])
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            vulnerable.append(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    return Verdict(vulnerable, unaudited, audited)


def run_audit(lock: Path, ignore: list[str]) -> dict:
    command = [sys.executable, "-m", "pip_audit", "-r", str(lock), "--require-hashes", "--disable-pip",
               "--progress-spinner", "off", "-f", "json"]
    for advisory in ignore:
        command += ["--ignore-vuln", advisory]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if not result.stdout.strip():
        raise RuntimeError(f"pip-audit produced no report: {result.stderr.strip()}")
    return json.loads(result.stdout)


def main() -> int:
    ignore = accepted((REPO_ROOT / ACCEPTED).read_text(encoding="utf-8"))
    for advisory, reason in ignore.items():
        print(f"audit: accepted {advisory}: {reason}")
    result = verdict(run_audit(REPO_ROOT / DEV_LOCK, list(ignore)))
    for line in result.vulnerable:
        print(f"audit: VULNERABLE {line}", file=sys.stderr)
    if result.vulnerable:
        return 1
    if result.unaudited and not result.audited:
        print(f"audit: NOT AUDITED: the vulnerability service answered for none of the {len(result.unaudited)} "
              "locked packages (unreachable from here?)", file=sys.stderr)
        return 1 if os.environ.get("CIVREG_AUDIT_STRICT") == "1" else 0
    if result.unaudited:
        print(f"audit: not audited (unknown to the service): {', '.join(result.unaudited)}", file=sys.stderr)
    print(f"audit: {result.audited} locked packages, no known vulnerability")
    return 0


if __name__ == "__main__":
    sys.exit(main())
