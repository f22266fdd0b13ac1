"""`--json` on the operator's commands: one JSON document on stdout that a machine parses, progress (if any) on
stderr as plain lines when no terminal is attached."""

import json
import os
import subprocess
import sys

import pytest

from services.topology import all_subscriptions

pytestmark = pytest.mark.integration


def civreg(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "services.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300, check=False)


def test_declare_json_lists_the_quorum_queues(vhost):
    done = civreg("declare", "--json", AMQP_URI=vhost)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["migrated_messages"] == 0
    assert sorted(result["queues"]) == sorted(q.name for q in all_subscriptions())


def test_dead_letters_json_parses_when_there_are_none(vhost):
    assert civreg("declare", AMQP_URI=vhost).returncode == 0
    done = civreg("dead-letters", "list", "--json", AMQP_URI=vhost)
    assert json.loads(done.stdout) == {"action": "list", "letters": []}
