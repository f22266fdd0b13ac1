"""The gateway's configuration file and where it finds its principals."""

from services import spec
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
    assert principals_file({"PRINCIPALS_FILE": "x/p.yaml"}) == REPO_ROOT / "x" / "p.yaml"
    assert principals_file({"PRINCIPALS_FILE": str(tmp_path / "p.yaml")}) == tmp_path / "p.yaml"
