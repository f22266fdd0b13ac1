"""The deployment descriptions agree with each other: the Makefile, the compose file and the registry of
services (services.SERVICES) name the same processes."""

import re
from pathlib import Path

import yaml

from services import SERVICES

ROOT = Path(__file__).resolve().parents[2]


def makefile_services() -> list[str]:
    match = re.search(r"^SERVICES\s*:=\s*(.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, "the Makefile declares SERVICES"
    return match.group(1).split()


def test_makefile_starts_every_registered_service():
    assert makefile_services() == [s.name for s in SERVICES]


def test_every_service_in_the_makefile_runs_in_the_compose_file():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    for name in makefile_services():
        assert name in compose["services"], f"{name} is missing from deploy/compose.yaml"
        assert compose["services"][name]["command"] == ["run", name]


def test_every_service_has_a_config_file_and_a_service_module():
    for service in SERVICES:
        assert service.config_file.is_file(), service.config_file
        assert (service.directory / "service.py").is_file()
