"""`civreg timeline-rebuild --json`: the new generation and its counts as one JSON document on stdout, the
per-source progress as plain lines on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.infrastructure import ADMIN_URL
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration


def test_the_rebuild_reports_its_result_as_json_and_its_progress_on_stderr(world):
    for n in range(12):
        world.project("funeral", world.append("funeral", f"death-j{n}", "funeral.DeathRegistered",
                                              [(synthetic_id_number(), "deceased")], death_id=f"j{n}",
                                              died_on="2024-05-01"))
    namespace = world.timeline.schema.rsplit("_", 1)[0]
    done = subprocess.run([sys.executable, "-m", "services.cli", "timeline-rebuild", "--json"],
                          env={**os.environ, "DATABASE_URL": ADMIN_URL, "CIVREG_NAMESPACE": namespace},
                          capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(done.stdout)
    assert (result["generation"], result["events"]) == (2, 12)
    assert result["seconds"] >= 0 and result["events_per_second"] >= 0
    assert "funeral: 12/12 events" in done.stderr and "ETA 0 s" in done.stderr
