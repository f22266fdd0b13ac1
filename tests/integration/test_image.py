"""The container image (deploy/Dockerfile): built where a Docker daemon answers, it starts the gateway with
/health answering, reads its principals only from a mounted file, and holds no development file.

This machine has the Docker client but no daemon: there the tests skip, saying so.
"""

import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.infrastructure import ADMIN_URL
from tests.support.proof import signing_key_config
from tests.support.stack import PRINCIPALS_FILE, free_port

ROOT = Path(__file__).resolve().parents[2]
TAG = "civreg:test"


def docker_answers() -> str | None:
    """None when a daemon answers, else why not."""
    try:
        result = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True,
                                text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"no docker client or no answer: {exc}"
    return None if result.returncode == 0 else f"no Docker daemon answers: {result.stderr.strip()[:200]}"


@pytest.fixture(scope="module")
def image():
    reason = docker_answers()
    if reason:
        pytest.skip(f"image test skipped: {reason}")
    subprocess.run(["docker", "build", "-f", "deploy/Dockerfile", "-t", TAG, "."], cwd=ROOT, check=True)
    return TAG


def docker_run(*args: str, detach: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", "run", *(["-d"] if detach else []), "--rm", "--network", "host", *args],
                          capture_output=True, text=True, check=False, timeout=120)


def test_the_image_holds_no_development_file_and_runs_as_a_non_root_user(image):
    listing = docker_run("--entrypoint", "sh", image, "-c",
                         "id -u; find / -path /proc -prune -o -name principals.yaml -print", detach=False)
    uid, *found = listing.stdout.split()
    assert uid != "0"
    assert found == []


def test_the_gateway_in_the_production_profile_without_its_key_secret_stops_naming_the_setting(
        image, namespace, amqp_uri):
    # The image starts in the production profile: no static tokens, and its own key secret is required.
    result = docker_run("-e", f"DATABASE_URL={ADMIN_URL}", "-e", f"CIVREG_NAMESPACE={namespace.name}",
                        "-e", f"AMQP_URI={amqp_uri}", "-e", f"WEB_SERVER_ADDRESS=127.0.0.1:{free_port()}",
                        image, "run", "gateway", detach=False)
    assert result.returncode != 0
    assert "KEY_SECRET" in result.stdout + result.stderr


def test_the_gateway_container_answers_health(image, namespace, amqp_uri):
    port = free_port()
    started = docker_run("-e", f"DATABASE_URL={ADMIN_URL}", "-e", f"CIVREG_NAMESPACE={namespace.name}",
                         "-e", f"AMQP_URI={amqp_uri}", "-e", f"WEB_SERVER_ADDRESS=127.0.0.1:{port}",
                         "-e", "CIVREG_PROFILE=development", "-e", "PRINCIPALS_FILE=/etc/civreg/principals.yaml",
                         "-e", "RPC_SIGNING_KEY_FILE=/gateway-keys/rpc-signing.jwk.json",
                         "-v", f"{PRINCIPALS_FILE}:/etc/civreg/principals.yaml:ro",
                         "-v", f"{signing_key_config()['RPC_SIGNING_KEY_FILE']}:/gateway-keys/rpc-signing.jwk.json:ro",
                         image, "run", "gateway")
    assert started.returncode == 0, started.stderr
    container = started.stdout.strip()
    try:
        deadline, status = time.monotonic() + 90, None
        while time.monotonic() < deadline and status != 200:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    status = response.status
            except OSError:
                time.sleep(1)
        assert status == 200
    finally:
        subprocess.run(["docker", "stop", container], capture_output=True, check=False)
