"""`civreg run` refuses a configuration that does not fit the service's typed settings: a misspelt key (in
config.yaml or as an environment variable) or a value of the wrong type stops the process before it connects
to anything, with a non-zero exit and the key named on stderr (shared/config.py)."""

import os
import subprocess

import pytest

from services import spec
from tests.support.processes import REPO_ROOT, civreg_run


def start(service: str, *arguments: str, **environ: str) -> subprocess.CompletedProcess:
    # An unreachable broker and database: a refused configuration must not get as far as connecting.
    env = {**os.environ, "AMQP_URI": "amqp://guest:guest@127.0.0.1:9/", "DATABASE_URL": "postgresql://127.0.0.1:9/x",
           **environ}
    return subprocess.run([*civreg_run(service), *arguments], env=env, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120)


def test_a_misspelt_key_in_config_yaml_stops_the_service_naming_the_key(tmp_path):
    shipped = spec("marriage").config_file.read_text()
    assert "  POLL_INTERVAL:" in shipped
    misspelt = tmp_path / "config.yaml"
    misspelt.write_text(shipped.replace("  POLL_INTERVAL:", "  POLL_INTERVALL:"))

    run = start("marriage", "--config", str(misspelt))

    assert run.returncode != 0
    assert "RELAY.POLL_INTERVALL" in run.stderr and "not permitted" in run.stderr
    assert "Traceback" not in run.stderr  # said, not crashed on


@pytest.mark.parametrize(("service", "variable", "value", "named"), [
    ("funeral", "SUBSCRIPTIONS__MAX_ATTEMPTS", "five", "SUBSCRIPTIONS.MAX_ATTEMPTS"),  # wrong type, nested
    ("gateway", "MAX_BODY_BYTES", "a megabyte", "MAX_BODY_BYTES"),  # wrong type, the gateway's own key
    ("timeline", "RELAY__BATCH_SIZ", "5", "RELAY.BATCH_SIZ"),  # misspelt, from the environment
])
def test_a_wrong_type_or_misspelt_variable_in_the_environment_stops_the_service_naming_it(service, variable, value,
                                                                                         named):
    run = start(service, **{variable: value})

    assert run.returncode != 0
    assert named in run.stderr and variable in run.stderr
    assert value not in run.stderr  # values are not echoed: a URL may carry a password
    assert "Traceback" not in run.stderr
