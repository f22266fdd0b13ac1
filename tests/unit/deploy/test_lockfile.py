"""The hashed lockfiles agree with pyproject.toml's exact pins (deploy/checks/lockfile.py, run by `make lint`)."""

import pytest

from deploy.checks import lockfile
from deploy.checks.audit import accepted, verdict

PYPROJECT = {"project": {"dependencies": ["kombu==5.7.0", "PyYAML==6.0.4"],
                         "optional-dependencies": {"dev": ["pytest==9.2.0"]}}}
RUNTIME = """\
kombu==5.7.0 \\
    --hash=sha256:aa \\
    --hash=sha256:bb
    # via civreg (pyproject.toml)
pyyaml==6.0.4 \\
    --hash=sha256:cc
vine==5.1.0 \\
    --hash=sha256:dd
    # via kombu
"""
DEV = RUNTIME + "pytest==9.2.0 \\\n    --hash=sha256:ee\n"


def test_the_committed_lockfiles_agree_with_pyproject():
    assert lockfile.check() == []


def test_a_lockfile_that_agrees_has_no_problem():
    assert lockfile.problems(PYPROJECT, RUNTIME, DEV) == []


def test_a_pin_moved_in_pyproject_without_make_lock_is_reported():
    moved = {"project": {**PYPROJECT["project"], "dependencies": ["kombu==5.7.1", "PyYAML==6.0.4"]}}
    found = lockfile.problems(moved, RUNTIME, DEV)
    assert any("kombu is locked at 5.7.0, pyproject.toml pins 5.7.1" in p for p in found)


def test_a_dependency_added_to_pyproject_but_not_locked_is_reported():
    added = {"project": {**PYPROJECT["project"], "optional-dependencies": {"dev": ["pytest==9.2.0", "rich==15.0.0"]}}}
    assert lockfile.problems(added, RUNTIME, DEV) == [
        "requirements-dev.lock: rich==15.0.0 is in pyproject.toml but not locked (run make lock)"]


def test_a_range_in_pyproject_is_refused():
    ranged = {"project": {**PYPROJECT["project"], "dependencies": ["kombu>=5", "PyYAML==6.0.4"]}}
    assert any("'kombu>=5' is not pinned exactly" in p for p in lockfile.problems(ranged, RUNTIME, DEV))


def test_an_entry_without_hash_is_reported():
    unhashed = RUNTIME.replace("vine==5.1.0 \\\n    --hash=sha256:dd", "vine==5.1.0")
    assert "requirements.lock: vine has no hash (make lock generates them)" in lockfile.problems(
        PYPROJECT, unhashed, DEV)


def test_the_dev_lock_must_hold_the_runtime_versions():
    drifted = DEV.replace("vine==5.1.0", "vine==5.2.0")
    assert any("vine is 5.2.0 but 5.1.0 at runtime" in p for p in lockfile.problems(PYPROJECT, RUNTIME, drifted))


def test_names_are_compared_in_their_canonical_form():
    assert lockfile.canonical("PyYAML") == lockfile.canonical("pyyaml")
    assert lockfile.canonical("psycopg_pool") == lockfile.canonical("psycopg-pool")


def test_an_accepted_vulnerability_needs_a_reason():
    assert accepted("PYSEC-1  the affected parser is never called\n# comment\n") == {
        "PYSEC-1": "the affected parser is never called"}
    with pytest.raises(ValueError, match="without a reason"):
        accepted("PYSEC-1\n")


def test_the_audit_fails_on_a_vulnerability_and_tells_an_unreachable_service_from_a_clean_bill():
    report = {"dependencies": [
        {"name": "kombu", "version": "5.7.0", "vulns": [{"id": "GHSA-x", "fix_versions": ["5.7.1"]}]},
        {"name": "vine", "version": "5.1.0", "vulns": []},
        {"name": "rich", "skip_reason": "Dependency not found on PyPI"},
    ]}
    result = verdict(report)
    assert result.vulnerable == ["kombu 5.7.0: GHSA-x (fixed in 5.7.1)"]
    assert (result.audited, result.unaudited) == (2, ["rich"])
