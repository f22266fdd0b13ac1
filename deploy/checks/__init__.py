"""Checks `make lint` runs on the deployment material: lockfiles, audit, manifests, dashboards.

Each module runs as `python -m deploy.checks.<name>` and exits non-zero with a reason per problem; the tests in
tests/unit/deploy call the same functions. None of this is installed in the image.
"""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def report(problems: list[str], verdict: str) -> int:
    """Print each problem on stderr (exit 1), or the verdict when there is none (exit 0)."""
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(verdict)
    return 1 if problems else 0
