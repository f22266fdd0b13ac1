"""Configuration: nameko-style `${VAR:default}` references and an environment override for every key."""

import pytest

from shared.config import parse_config

DOCUMENT = """
AMQP_URI: ${AMQP_URI:amqp://guest:guest@127.0.0.1:5672/}
DATABASE_URL: postgresql://127.0.0.1:5432/civreg
max_workers: 10
RELAY:
  POLL_INTERVAL: 1.0
  BATCH_SIZE: 500
"""


def test_defaults_apply_when_the_environment_is_silent():
    config = parse_config(DOCUMENT, environ={})
    assert config["AMQP_URI"] == "amqp://guest:guest@127.0.0.1:5672/"
    assert config["RELAY"] == {"POLL_INTERVAL": 1.0, "BATCH_SIZE": 500}


def test_a_referenced_variable_replaces_its_default():
    assert parse_config(DOCUMENT, environ={"AMQP_URI": "amqp://broker/"})["AMQP_URI"] == "amqp://broker/"


def test_every_top_level_key_is_overridable_by_its_own_name():
    config = parse_config(DOCUMENT, environ={"DATABASE_URL": "postgresql://db/civreg", "MAX_WORKERS": "4"})
    assert config["DATABASE_URL"] == "postgresql://db/civreg"
    assert config["max_workers"] == 4  # parsed as YAML: keeps its type


def test_nested_keys_are_overridable_with_double_underscores():
    config = parse_config(DOCUMENT, environ={"RELAY__POLL_INTERVAL": "0.25"})
    assert config["RELAY"]["POLL_INTERVAL"] == 0.25
    assert config["RELAY"]["BATCH_SIZE"] == 500


def test_a_reference_without_default_needs_the_variable():
    with pytest.raises(KeyError, match="SECRET"):
        parse_config("TOKEN: ${SECRET}", environ={})


def test_a_document_that_is_not_a_mapping_is_refused():
    with pytest.raises(ValueError):
        parse_config("- just\n- a list", environ={})
