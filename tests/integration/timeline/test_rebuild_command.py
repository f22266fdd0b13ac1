"""`civreg timeline-rebuild`: the operator's command rebuilds the projection, reporting progress, and leaves
the new generation live with everything the sources hold."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from services.timeline.adapters import projection
from tests.support.infrastructure import ADMIN_URL
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration


def test_the_rebuild_command_reports_progress_and_switches_to_the_new_generation(world):
    for n in range(30):
        person = synthetic_id_number()
        world.project("funeral", world.append("funeral", f"death-c{n}", "funeral.DeathRegistered",
                                              [(person, "deceased")], death_id=f"c{n}", died_on="2024-05-01"))
    namespace = world.timeline.schema.rsplit("_", 1)[0]
    environment = {**os.environ, "DATABASE_URL": ADMIN_URL, "CIVREG_NAMESPACE": namespace}
    done = subprocess.run([sys.executable, "-m", "services.cli", "timeline-rebuild"], env=environment,
                          capture_output=True, text=True, timeout=120, check=True)
    assert "funeral: 30/30 events" in done.stdout
    assert "timeline generation 2 is live: 30 events" in done.stdout
    with world.timeline.connection() as conn:
        assert projection.live_generation(conn) == 2
        assert projection.checkpoints(conn, 2)["funeral"] == 30
    assert world.count("entries") == 30
