"""The gateway's configuration file, where it finds its principals, and what a production start refuses."""

import pytest

from services import spec
from services.gateway.auth import PrincipalsError
from services.gateway.identity.settings import DEVELOPMENT_KEY_SECRET, IdentityConfigError, IdentitySettings
from services.gateway.service import REPO_ROOT, principals_file
from services.gateway.settings import GatewaySettings
from shared.config import load_settings

DEV = IdentitySettings()
PRODUCTION_SECRET = "bm90LXRoZS1kZXZlbG9wbWVudC1zZWNyZXQtMzJieXQ"


def load_config(environ):
    """What `civreg run gateway` hands its container: config.yaml and `environ`, checked and typed."""
    return load_settings(GatewaySettings, spec("gateway").config_file, environ).nameko_config()


def test_config_defaults_serve_on_localhost_8000_with_the_dev_principals():
    config = load_config(environ={})
    settings = IdentitySettings.from_config(config)

    assert config["WEB_SERVER_ADDRESS"] == "127.0.0.1:8000"
    assert config["MAX_BODY_BYTES"] == 1024 * 1024
    assert config["RPC_TIMEOUT"] == 10
    assert settings.development and settings.access_ttl == 900 and settings.refresh_ttl == 12 * 3600
    assert principals_file(config, settings) == REPO_ROOT / "deploy" / "dev" / "principals.yaml"
    assert principals_file(config, settings).is_file()


def test_every_key_can_come_from_the_environment():
    config = load_config(environ={"WEB_SERVER_ADDRESS": "0.0.0.0:9000", "MAX_BODY_BYTES": "2048",
                                 "IDENTITY__LOCKOUT_FAILURES": "3"})

    assert (config["WEB_SERVER_ADDRESS"], config["MAX_BODY_BYTES"]) == ("0.0.0.0:9000", 2048)
    assert IdentitySettings.from_config(config).lockout_failures == 3


def test_a_relative_principals_file_is_read_from_the_repository_root_and_an_absolute_one_as_is(tmp_path):
    assert principals_file({"PRINCIPALS_FILE": "deploy/dev/principals.yaml"}, DEV) == (
        REPO_ROOT / "deploy" / "dev" / "principals.yaml")
    (tmp_path / "p.yaml").write_text("[]")
    assert principals_file({"PRINCIPALS_FILE": str(tmp_path / "p.yaml")}, DEV) == tmp_path / "p.yaml"


def test_a_production_start_refuses_static_tokens_and_the_development_key_secret():
    config = load_config(environ={"CIVREG_PROFILE": "production", "SIGNING_KEY_SECRET": PRODUCTION_SECRET})
    production = IdentitySettings.from_config(config)

    assert principals_file(config, production) is None  # no static tokens by default
    with pytest.raises(IdentityConfigError, match="static tokens"):
        principals_file({**config, "PRINCIPALS_FILE": "deploy/dev/principals.yaml"}, production)
    for secret in ("", DEVELOPMENT_KEY_SECRET):
        with pytest.raises(IdentityConfigError, match="KEY_SECRET"):
            IdentitySettings.from_config({**config, "IDENTITY": {**config["IDENTITY"], "KEY_SECRET": secret}})


@pytest.mark.parametrize(("key", "value"), [("ACCESS_TOKEN_TTL", 901), ("REFRESH_TOKEN_TTL", 12 * 3600 + 1),
                                            ("CLIENT_TOKEN_TTL", 3601), ("ACCESS_TOKEN_TTL", -1)])
def test_token_lifetimes_beyond_api_md_caps_stop_the_start(key, value):
    with pytest.raises(IdentityConfigError, match=key):
        IdentitySettings.from_config({"IDENTITY": {key: value}})


def test_an_unknown_profile_stops_the_start():
    with pytest.raises(IdentityConfigError, match="PROFILE"):
        IdentitySettings.from_config({"PROFILE": "staging"})


def test_a_missing_principals_file_stops_start_up_naming_the_setting(tmp_path):
    # The image carries no deploy/dev: a named file that is not there must be said, not crash-loop on a trace.
    with pytest.raises(PrincipalsError, match="PRINCIPALS_FILE: no principals file at .*nowhere.yaml"):
        principals_file({"PRINCIPALS_FILE": str(tmp_path / "nowhere.yaml")}, DEV)
