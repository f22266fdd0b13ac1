"""Compose's broker (issue 12): no `guest`, no published management port, and exactly the users and
permissions that `make up` grants (services/broker_access.py), loaded from the definitions file generated from
them. Checked by rendering and parsing: no Docker daemon is needed."""

import json
import urllib.parse
from pathlib import Path

import yaml

from services import broker_access

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
DEFINITIONS = json.loads((ROOT / broker_access.DEFINITIONS_FILE).read_text())


def amqp_users() -> dict[str, tuple[str, str]]:
    """Every compose service that talks to the broker: the user and password of its AMQP_URI."""
    found = {}
    for name, service in COMPOSE["services"].items():
        uri = (service.get("environment") or {}).get("AMQP_URI")
        if uri:
            parts = urllib.parse.urlsplit(uri)
            found[name] = (urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password))
    return found


def test_the_definitions_file_is_generated_from_broker_access():
    assert (ROOT / broker_access.DEFINITIONS_FILE).read_text() == broker_access.definitions_text(), \
        "regenerate it: python -m services.broker_access --definitions"


def test_compose_users_and_permissions_equal_what_broker_access_grants():
    granted = {f"civreg_{process}": allowed for process, allowed in broker_access.permissions().items()}
    loaded = {entry["user"]: broker_access.Permissions(entry["configure"], entry["write"], entry["read"])
              for entry in DEFINITIONS["permissions"] if entry["vhost"] == "/"}
    admin = loaded.pop("civreg_admin")
    assert loaded == granted
    assert admin == broker_access.Permissions(".*", ".*", ".*")
    assert {user["name"] for user in DEFINITIONS["users"]} == {*granted, "civreg_admin"}
    assert all(user["tags"] == [] for user in DEFINITIONS["users"])  # nobody may use a management UI


def test_every_process_connects_as_its_own_user_and_only_the_migrate_job_as_admin():
    passwords = {user["name"]: user["password"] for user in DEFINITIONS["users"]}
    users = amqp_users()
    for process in broker_access.permissions():
        assert users[process] == (f"civreg_{process}", passwords[f"civreg_{process}"]), process
    assert users.pop("migrate") == ("civreg_admin", passwords["civreg_admin"])
    assert all(user != "civreg_admin" for user, _ in users.values())


def test_no_guest_and_no_published_management_port():
    assert "guest:" not in (ROOT / "deploy" / "compose.yaml").read_text()  # in no URI, commented or not
    assert all(user != "guest" for user, _ in amqp_users().values())
    assert "guest" not in {user["name"] for user in DEFINITIONS["users"]}
    broker = COMPOSE["services"]["rabbitmq"]
    assert "ports" not in broker and "network_mode" not in broker
    published = [str(port) for service in COMPOSE["services"].values() for port in service.get("ports", [])]
    assert not any("15672" in port or "5672" in port for port in published)


def test_the_broker_loads_the_definitions_at_boot():
    mounts = dict(volume.rsplit(":", 1)[0].split(":", 1) for volume in COMPOSE["services"]["rabbitmq"]["volumes"])
    config_mount = mounts["./rabbitmq/rabbitmq.conf"]
    assert config_mount.startswith("/etc/rabbitmq/conf.d/")
    settings = dict(line.split(" = ", 1) for line in (ROOT / "deploy" / "rabbitmq" / "rabbitmq.conf").read_text()
                    .splitlines() if line and not line.startswith("#"))
    assert settings["load_definitions"] == mounts["./rabbitmq/definitions.json"]
    assert (ROOT / "deploy" / Path(broker_access.DEFINITIONS_FILE).relative_to("deploy")).is_file()
