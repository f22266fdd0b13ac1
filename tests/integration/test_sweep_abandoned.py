"""A test run killed before its clean-up leaves its schemas, roles and virtual host behind; the next run's sweep
(`sweep_abandoned`, tests/support/infrastructure.py) removes them, and nothing of a run that still lives: test
data is kept no longer than the run that made it (docs/architecture.md, "Test isolation")."""

from __future__ import annotations

import secrets
import subprocess

import psycopg
import pytest

from tests.support.infrastructure import (
    ADMIN_URL,
    create_namespace,
    create_vhost,
    delete_vhost,
    sweep_abandoned,
    vhost_name,
    vhosts,
)

pytestmark = pytest.mark.integration


def ended_process_id() -> int:
    """The id of a process that has run and ended: what a killed run's names carry."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def schemas_of(namespace: str) -> list[str]:
    with psycopg.connect(ADMIN_URL) as conn:
        return [name for (name,) in conn.execute("SELECT nspname::text FROM pg_namespace WHERE nspname LIKE %s",
                                                 (f"{namespace}\\_%",))]


def test_the_sweep_removes_what_a_killed_run_left_and_keeps_what_a_live_run_holds():
    pid = ended_process_id()
    left_vhost = create_vhost(f"civreg-test-{secrets.token_hex(3)}p{pid}")
    left_namespace = create_namespace(("funeral",), name=f"t{secrets.token_hex(3)}p{pid}")
    left_namespace.close()
    live_vhost = create_vhost()  # this process's own: its run is alive
    try:
        assert schemas_of(left_namespace.name) and vhost_name(left_vhost) in vhosts()

        sweep_abandoned()

        assert schemas_of(left_namespace.name) == []
        assert vhost_name(left_vhost) not in vhosts() and vhost_name(live_vhost) in vhosts()
    finally:
        delete_vhost(live_vhost)
