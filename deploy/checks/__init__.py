"""Checks `make lint` runs on the deployment material: lockfiles, audit, manifests, dashboards.

Each module runs as `python -m deploy.checks.<name>` and exits non-zero with a reason per problem; the tests in
tests/unit/deploy call the same functions. None of this is installed in the image.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
