"""Least-privilege RabbitMQ users (issue 12): one per service and one for the gateway, each allowed only
its own exchanges and queues.

A service `S` may
* configure (declare) its RPC queue `rpc-S`, its subscription queues `evt-<source>--S.*` (main, retry,
  dead), its events exchange `S.events`, nameko's RPC exchange and the events exchanges it consumes (a
  consumer declares its source's exchange before binding to it, as nameko does);
* write (publish, and bind its own queues) to its own exchange, nameko's RPC exchange (replies) and the
  default exchange (a failed event is republished to its `.retry` queue, which dead-letters it back);
* read (consume, and bind from) its own queues, nameko's RPC exchange and the exchanges it consumes.
So the marriage service cannot publish to `funeral.events`. The gateway may only publish RPC requests and
consume its own reply queues. What a service calls over RPC is guarded by the signed proof of its caller
(shared/rpc_proof.py), not by the broker.

Known limit: write on the default exchange lets a service put a message straight into any queue by name;
the subscriptions' retry path needs it until retries go through an exchange of the service's own.

`python -m services.broker_access [vhost]` (run by `make up`) creates or updates the development users
`civreg_<service>` and `civreg_gateway` with their permissions on the vhost (default `/`), through
`rabbitmqctl`; passwords come from `BROKER_PASSWORD_<SERVICE>` (development default: `civreg-dev-<service>`).
Running it again changes nothing.

`python -m services.broker_access --definitions` writes the same users and permissions, with their
development passwords, as the RabbitMQ definitions that compose's broker loads at boot
(`deploy/rabbitmq/definitions.json`, `load_definitions`): no `guest` there (a broker importing definitions at
boot creates no default user), plus `civreg_admin`, whom only compose's migrate job uses to declare the
topology (`civreg declare`), as only it holds the database's admin URL. A test keeps the file current.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

from services import SERVICES
from services.topology import service_class, subscriptions_of
from shared.environment import DEFAULT_AMQP_URI

RPC_EXCHANGE = "nameko-rpc"
ADMIN = "admin"  # `civreg_admin`: declares the topology (compose's migrate job), nothing else connects as it
DEFINITIONS_FILE = "deploy/rabbitmq/definitions.json"
DEFAULT_EXCHANGE = "amq.default"


@dataclass(frozen=True)
class Permissions:
    configure: str
    write: str
    read: str


def _any_of(*names: str) -> str:
    return "^(" + "|".join(names) + ")$"


def service_permissions(service: str, sources: list[str]) -> Permissions:
    own = [f"rpc-{re.escape(service)}", rf"evt-[a-z_]+--{re.escape(service)}\..+"]
    events = rf"{re.escape(service)}\.events"
    consumed = [rf"{re.escape(source)}\.events" for source in sorted(set(sources))]
    rpc = re.escape(RPC_EXCHANGE)
    return Permissions(
        configure=_any_of(*own, events, rpc, *consumed),
        write=_any_of(*own, events, rpc, re.escape(DEFAULT_EXCHANGE)),
        read=_any_of(*own, rpc, *consumed),
    )


def gateway_permissions() -> Permissions:
    reply_queues = r"rpc\.reply-gateway-.+"  # nameko's reply listener: rpc.reply-<service>-<uuid>
    rpc = re.escape(RPC_EXCHANGE)
    return Permissions(configure=_any_of(reply_queues, rpc), write=_any_of(reply_queues, rpc),
                       read=_any_of(reply_queues, rpc))


def permissions() -> dict[str, Permissions]:
    """Every process's permissions, by service name (the gateway's under "gateway")."""
    found = {}
    for service in SERVICES:
        if not service.event_store:
            continue
        sources = [queues.source for queues in subscriptions_of(service_class(service))]
        found[service.name] = service_permissions(service.name, sources)
    found["gateway"] = gateway_permissions()
    return found


def dev_user(service: str, environ: Mapping[str, str] = os.environ) -> tuple[str, str]:
    """The development user of a service and its password (`BROKER_PASSWORD_<SERVICE>` overrides it)."""
    return f"civreg_{service}", environ.get(f"BROKER_PASSWORD_{service.upper()}", f"civreg-dev-{service}")


def definitions(vhost: str = "/") -> dict:
    """RabbitMQ definitions (rabbitmq.com/docs/definitions) of every process's user and permissions, with
    the development passwords (environment overrides ignored: the file is committed), and `civreg_admin`."""
    every = {**permissions(), ADMIN: Permissions(".*", ".*", ".*")}
    users = {service: dev_user(service, {}) for service in every}
    return {
        "users": [{"name": user, "password": password, "tags": []} for user, password in users.values()],
        "vhosts": [{"name": vhost}],
        "permissions": [{"user": users[service][0], "vhost": vhost, "configure": allowed.configure,
                         "write": allowed.write, "read": allowed.read} for service, allowed in every.items()],
    }


def definitions_text() -> str:
    return json.dumps(definitions(), indent=2, ensure_ascii=False) + "\n"


def _rabbitmqctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, text=True, timeout=60)


def grant(vhost: str, user: str, password: str, allowed: Permissions) -> None:
    """Create or update `user` with `password` and exactly `allowed` on `vhost` (idempotent)."""
    existing = {line.split("\t")[0] for line in _rabbitmqctl("list_users").stdout.splitlines()}
    if user in existing:
        _rabbitmqctl("change_password", user, password)
    else:
        _rabbitmqctl("add_user", user, password)
    _rabbitmqctl("set_permissions", "-p", vhost, user, allowed.configure, allowed.write, allowed.read)


def user_uri(base_uri: str, user: str, password: str) -> str:
    """`base_uri` (host, port and vhost) with `user`'s credentials."""
    parts = urllib.parse.urlsplit(base_uri)
    netloc = f"{urllib.parse.quote(user, safe='')}:{urllib.parse.quote(password, safe='')}@{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--definitions"]:
        path = argv[1] if len(argv) > 1 else DEFINITIONS_FILE
        with open(path, "w", encoding="utf-8") as file:
            file.write(definitions_text())
        print(f"RabbitMQ definitions: {path}")
        return 0
    vhost = argv[0] if argv else urllib.parse.unquote(urllib.parse.urlsplit(DEFAULT_AMQP_URI).path[1:]) or "/"
    for service, allowed in permissions().items():
        user, password = dev_user(service)
        grant(vhost, user, password, allowed)
        print(f"broker user {user}: its own exchanges and queues on vhost {vhost}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
