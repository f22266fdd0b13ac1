"""Configuration: nameko-style `${VAR:default}` references, the environment over the file, and typed settings
that refuse a misspelt key or a wrong type at start-up, naming the key."""

import pytest

from services import SERVICES
from services.topology import service_class
from shared.config import SettingsError, load_settings, parse_config
from shared.settings import Broker, Database, MetricsEndpoint, Relay, ServiceSettings, Subscriptions

DOCUMENT = """
AMQP_URI: ${AMQP_URI:amqp://guest:guest@127.0.0.1:5672/}
DATABASE_URL: postgresql://127.0.0.1:5432/civreg
METRICS_PORT: ${METRICS_PORT:}
max_workers: 10
RELAY:
  POLL_INTERVAL: 1.0
  BATCH_SIZE: 500
"""


@pytest.fixture
def config_file(tmp_path):
    def write(text: str = DOCUMENT):
        path = tmp_path / "config.yaml"
        path.write_text(text)
        return path
    return write


def test_defaults_apply_when_the_environment_is_silent(config_file):
    settings = load_settings(ServiceSettings, config_file(), environ={})
    assert settings.AMQP_URI == "amqp://guest:guest@127.0.0.1:5672/"
    assert (settings.RELAY.POLL_INTERVAL, settings.RELAY.BATCH_SIZE) == (1.0, 500)
    assert settings.METRICS_PORT is None  # `${METRICS_PORT:}`: empty means none, not a port


def test_a_referenced_variable_replaces_its_default():
    assert parse_config(DOCUMENT, environ={"AMQP_URI": "amqp://broker/"})["AMQP_URI"] == "amqp://broker/"


def test_every_top_level_key_is_overridable_by_its_own_name_and_typed(config_file):
    settings = load_settings(ServiceSettings, config_file(),
                             environ={"DATABASE_URL": "postgresql://db/civreg", "max_workers": "4"})
    assert settings.DATABASE_URL == "postgresql://db/civreg"
    assert settings.max_workers == 4  # the environment's text, typed by the model


def test_nested_keys_are_overridable_with_double_underscores_and_the_environment_wins(config_file):
    settings = load_settings(ServiceSettings, config_file(), environ={"RELAY__POLL_INTERVAL": "0.25"})
    assert settings.RELAY.POLL_INTERVAL == 0.25
    assert settings.RELAY.BATCH_SIZE == 500  # the file's, untouched


def test_a_misspelt_key_in_the_file_stops_the_start_naming_it(config_file):
    with pytest.raises(SettingsError, match=r"RELAY\.POLL_INTERVALL .*Extra inputs are not permitted"):
        load_settings(ServiceSettings, config_file(DOCUMENT.replace("POLL_INTERVAL", "POLL_INTERVALL")), environ={})


def test_a_misspelt_top_level_key_stops_the_start_naming_it(config_file):
    with pytest.raises(SettingsError, match=r"AMQP_URL .*not permitted"):
        load_settings(ServiceSettings, config_file(DOCUMENT + "AMQP_URL: amqp://elsewhere/\n"), environ={})


def test_a_misspelt_nested_variable_in_the_environment_stops_the_start_naming_it(config_file):
    with pytest.raises(SettingsError, match=r"RELAY__BATCH_SIZ\b"):
        load_settings(ServiceSettings, config_file(), environ={"RELAY__BATCH_SIZ": "5"})


@pytest.mark.parametrize(("environ", "key"), [
    ({"max_workers": "ten"}, "max_workers"),
    ({"RELAY__BATCH_SIZE": "many"}, r"RELAY\.BATCH_SIZE"),
    ({"METRICS_PORT": "70000"}, "METRICS_PORT"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ({"SUBSCRIPTIONS__MAX_ATTEMPTS": "0"}, r"SUBSCRIPTIONS\.MAX_ATTEMPTS"),
])
def test_a_wrong_type_stops_the_start_naming_the_key(config_file, environ, key):
    with pytest.raises(SettingsError, match=key):
        load_settings(ServiceSettings, config_file(), environ=environ)


def test_a_refusal_does_not_echo_the_value_a_secret_may_be_in_it(config_file):
    with pytest.raises(SettingsError) as refused:
        load_settings(ServiceSettings, config_file(), environ={"DATABASE_POOL__MAX_SIZE": "s3cret-password"})
    assert "DATABASE_POOL.MAX_SIZE" in str(refused.value) and "s3cret" not in str(refused.value)


def test_a_reference_without_default_needs_the_variable():
    with pytest.raises(SettingsError, match="SECRET"):
        parse_config("TOKEN: ${SECRET}", environ={})


def test_a_document_that_is_not_a_mapping_is_refused():
    with pytest.raises(SettingsError):
        parse_config("- just\n- a list", environ={})


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_every_shipped_config_file_satisfies_its_service_settings(service):
    settings = load_settings(service_class(service).settings_model, service.config_file, environ={})
    assert settings.nameko_config()["AMQP_URI"].startswith("amqp://")


def test_a_concern_reads_only_its_own_keys_from_a_container_config_typed():
    config = {"AMQP_URI": "amqp://x/", "RELAY": {"BATCH_SIZE": "7"}, "OTHER": 1, "METRICS_PORT": "9100"}
    assert Broker.of(config).AMQP_URI == "amqp://x/"
    assert Relay.of(config).RELAY.relay_settings().batch_size == 7
    assert MetricsEndpoint.of(config).METRICS_PORT == 9100
    assert Subscriptions.of(config).SUBSCRIPTIONS.MAX_ATTEMPTS == 5  # the default, defined once
    with pytest.raises(SettingsError, match=r"DATABASE_TIMEOUTS\.CONNECT"):
        Database.of({"DATABASE_TIMEOUTS": {"CONNECT": "soon"}})
