"""What the image is built from (deploy/Dockerfile, .dockerignore), checked without a Docker daemon; the image
itself is built and run by tests/integration/test_image.py where one answers."""

import re
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text()


def build_context() -> list[str]:
    """The files `docker build .` sends, by .dockerignore's rules (allow-list: `*` then `!path`)."""
    rules = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    sent = []
    for path in ROOT.rglob("*"):
        if not path.is_file() or ".git" in path.parts or ".venv" in path.parts:
            continue
        relative = path.relative_to(ROOT).as_posix()
        included = True
        for rule in rules:
            negated, pattern = rule.startswith("!"), rule.lstrip("!").rstrip("/")
            if fnmatch(relative, pattern) or relative.startswith(pattern + "/") or (
                    pattern.startswith("**/") and fnmatch(Path(relative).name, pattern[3:])) or (
                    pattern.startswith("**/") and f"/{pattern[3:]}/" in f"/{relative}/"):
                included = negated
        if included:
            sent.append(relative)
    return sent


def test_the_build_context_holds_no_development_file_test_or_virtualenv():
    sent = build_context()
    assert "requirements.lock" in sent and "services/cli.py" in sent
    assert not [p for p in sent if p.startswith(("deploy/", "tests/", ".venv/", "docs/")) or "__pycache__" in p]
    assert not [p for p in sent if p.endswith("principals.yaml")]


def test_the_base_is_pinned_by_digest_and_both_stages_use_it():
    assert re.search(r"^ARG PYTHON_IMAGE=python:[\w.-]+@sha256:[0-9a-f]{64}$", DOCKERFILE, re.MULTILINE)
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE) == ["${PYTHON_IMAGE}", "${PYTHON_IMAGE}"]


def test_the_image_installs_the_hashed_lockfile_and_civreg_without_resolving():
    assert "pip install --require-hashes --no-deps -r requirements.lock" in DOCKERFILE
    assert "pip install --no-deps ." in DOCKERFILE


def test_the_image_runs_as_a_non_root_user_with_a_healthcheck_in_the_production_profile():
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*CMD \[\"civreg\", \"healthcheck\"\]", DOCKERFILE, re.MULTILINE)
    assert "CIVREG_PROFILE=production" in DOCKERFILE and "PRINCIPALS_FILE" not in DOCKERFILE
    assert "deploy/dev" not in DOCKERFILE
