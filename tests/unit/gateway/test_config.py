"""The gateway's configuration file and where it finds its principals."""

import pytest

from services import spec
from services.gateway.auth import PrincipalsError
from services.gateway.service import REPO_ROOT, principals_file
from shared.config import load_config


def test_config_defaults_serve_on_localhost_8000_with_the_dev_principals():
    config = load_config(spec("gateway").config_file, environ={})

    assert config["WEB_SERVER_ADDRESS"] == "127.0.0.1:8000"
    assert config["MAX_BODY_BYTES"] == 1024 * 1024
    assert config["RPC_TIMEOUT"] == 10
    assert principals_file(config) == REPO_ROOT / "deploy" / "dev" / "principals.yaml"
    assert principals_file(config).is_file()


def test_every_key_can_come_from_the_environment():
    config = load_config(spec("gateway").config_file,
                         environ={"WEB_SERVER_ADDRESS": "0.0.0.0:9000", "MAX_BODY_BYTES": "2048"})

    assert (config["WEB_SERVER_ADDRESS"], config["MAX_BODY_BYTES"]) == ("0.0.0.0:9000", 2048)


def test_a_relative_principals_file_is_read_from_the_repository_root_and_an_absolute_one_as_is(tmp_path):
    assert principals_file({"PRINCIPALS_FILE": "deploy/dev/principals.yaml"}) == (
        REPO_ROOT / "deploy" / "dev" / "principals.yaml")
    (tmp_path / "p.yaml").write_text("[]")
    assert principals_file({"PRINCIPALS_FILE": str(tmp_path / "p.yaml")}) == tmp_path / "p.yaml"


def test_a_missing_principals_file_stops_start_up_naming_the_setting(tmp_path):
    # The image carries no deploy/dev: without a mounted file the gateway must say so, not crash-loop on a trace.
    with pytest.raises(PrincipalsError, match="PRINCIPALS_FILE: no principals file at .*nowhere.yaml"):
        principals_file({"PRINCIPALS_FILE": str(tmp_path / "nowhere.yaml")})
