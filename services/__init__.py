"""civreg's services. Each subpackage is one nameko service; they share only event contracts and RPC.

`SERVICES` is the one list of what runs: the Makefile, `civreg migrate`, `civreg run`, the compose file
and the health check all follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    event_store: bool  # owns an event store (and so an outbox relay)

    @property
    def package(self) -> str:
        return f"services.{self.name}"

    @property
    def directory(self) -> Path:
        return Path(__file__).parent / self.name

    @property
    def config_file(self) -> Path:
        return self.directory / "config.yaml"


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("marriage", event_store=True),
    ServiceSpec("child_welfare", event_store=True),
    ServiceSpec("funeral", event_store=True),
    ServiceSpec("vagrant_aid", event_store=True),
    ServiceSpec("timeline", event_store=True),
    ServiceSpec("gateway", event_store=False),
    ServiceSpec("adoption", event_store=True),
)


def spec(name: str) -> ServiceSpec:
    for service in SERVICES:
        if service.name == name:
            return service
    raise KeyError(f"unknown service {name!r}; known: {', '.join(s.name for s in SERVICES)}")
