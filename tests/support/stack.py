"""End-to-end stacks: the real gateway and domain services, in-process, on the run's namespace and vhost.

    with running_stack(namespace, amqp_uri, [FuneralService]) as api:
        response = api.post("/v1/funeral/deaths", as_="funeral_staff", json={...})

`api` is a `requests` session bound to the gateway's URL that authenticates as a development principal
(deploy/dev/principals.yaml), chosen by role and, where several share it, by office or bureau.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from services.gateway.service import GatewayService
from tests.support.infrastructure import Namespace, isolated_world
from tests.support.proof import signing_key_config
from tests.support.services import service_config, started, stopped_together
from tests.support.waiting import wait_until

PRINCIPALS_FILE = Path(__file__).resolve().parents[2] / "deploy" / "dev" / "principals.yaml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def principal_token(role: str, office: str | None = None, bureau: str | None = None) -> str:
    """The development token of the first principal with this role (and office or bureau)."""
    for entry in yaml.safe_load(PRINCIPALS_FILE.read_text()):
        if entry["role"] != role or "token" not in entry:
            continue
        if office is not None and entry.get("office") != office:
            continue
        if bureau is not None and entry.get("bureau") != bureau:
            continue
        return entry["token"]
    raise LookupError(f"no development principal with role={role} office={office} bureau={bureau}")


class Api:
    """A thin `requests` wrapper: paths relative to the gateway, principals by role."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def request(self, method: str, path: str, *, as_: str | None = None, office: str | None = None,
                bureau: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        headers = dict(headers or {})
        if as_ is not None:
            headers["Authorization"] = f"Bearer {principal_token(as_, office, bureau)}"
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.base_url + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)


@contextmanager
def running_stack(
    namespace: Namespace, amqp_uri: str, services: Sequence[type], gateway: type = GatewayService, **config: Any
) -> Iterator[Api]:
    """Start `services` and the gateway (with the development principals) and yield an `Api`."""
    port = free_port()
    # `config` may override the principals file (None: none, as a production start).
    settings = service_config(namespace, amqp_uri, **{"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                                                      "PRINCIPALS_FILE": str(PRINCIPALS_FILE), **config})
    with ExitStack() as stack:
        # The gateway and the services stop together, as a deployment's processes do on SIGTERM: one by one,
        # each waited about a second for its consumers' last `drain_events` (kombu's safety interval), so a
        # six-service module's teardown took ten seconds.
        containers: list = []
        stack.enter_context(stopped_together(containers))
        for service in services:
            containers.append(stack.enter_context(started(service, settings)))
        # only the gateway signs
        containers.append(stack.enter_context(started(gateway, {**settings, **signing_key_config()})))
        api = Api(f"http://127.0.0.1:{port}")
        wait_until(lambda: api.get("/health").status_code in (200, 503), what="the gateway")
        yield api


def module_stack(services: Sequence[type], schemas: tuple[str, ...] | None = None, **config: Any) -> tuple[Any, Any]:
    """The fixtures `world, api = module_stack([FuneralService])` of an end-to-end module: `world`, a namespace
    and a RabbitMQ virtual host of the module's own (`schemas` only, where given), and `api`, the gateway and
    `services` running on it (`config` as for `running_stack`)."""

    @pytest.fixture(scope="module")
    def world() -> Iterator[tuple[Namespace, str]]:
        with isolated_world(schemas) as made:
            yield made

    @pytest.fixture(scope="module")
    def api(world: tuple[Namespace, str]) -> Iterator[Api]:
        namespace, vhost = world
        with running_stack(namespace, vhost, services, **config) as running:
            yield running

    return world, api
