"""Services and the gateway as processes of their own (`civreg run <service>`, as `make up` starts them), on
the run's namespace and virtual host — for benchmarks that must use both cores and read each process's CPU.

    with running_processes(namespace, amqp_uri, ["funeral"]) as stack:
        requests.post(stack.base_url + "/v1/funeral/deaths", ...)
        stack.pids["gateway"], stack.pids["funeral"]

`tests/support/stack.py` runs the same containers inside the test process instead: simpler to debug, but
clients, gateway and services then share one process and so one core.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.infrastructure import ADMIN_URL, Namespace
from tests.support.proof import public_keys_config, signing_key_config
from tests.support.stack import PRINCIPALS_FILE, free_port
from tests.support.waiting import wait_until

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ProcessStack:
    base_url: str
    port: int
    pids: dict[str, int]


def civreg_run(service: str) -> list[str]:
    """The command line of `civreg run <service>` with this interpreter."""
    return [sys.executable, "-c", "import sys; from services.cli import main; sys.exit(main(sys.argv[1:]))",
            "run", service]


@contextmanager
def service_process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A process writing to `log`, stopped with SIGTERM (as `make down` does) when the block ends."""
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stack_environment(namespace: Namespace, amqp_uri: str, port: int, **extra: str) -> dict[str, str]:
    """What `civreg run` reads (config.yaml's environment overrides), pointed at the test namespace."""
    return {**os.environ, "DATABASE_URL": ADMIN_URL, "CIVREG_NAMESPACE": namespace.name, "AMQP_URI": amqp_uri,
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "PRINCIPALS_FILE": str(PRINCIPALS_FILE), "LOG_LEVEL": "INFO",
            # The run's RPC proof keys; only the gateway's config.yaml reads the signing key's path.
            **public_keys_config(), **signing_key_config(), **extra}


@contextmanager
def running_processes(namespace: Namespace, amqp_uri: str, services: Sequence[str], log_dir: Path,
                      service_env: Mapping[str, Mapping[str, str]] | None = None,
                      **extra_env: str) -> Iterator[ProcessStack]:
    """Start `services` and the gateway as processes; yield once the gateway answers /health.
    `service_env` adds variables to one process's environment (its own METRICS_PORT)."""
    port = free_port()
    env = stack_environment(namespace, amqp_uri, port, **extra_env)
    started: list[subprocess.Popen] = []
    try:
        for service in [*services, "gateway"]:
            own_env = {**env, **(service_env or {}).get(service, {})}
            with (log_dir / f"{service}.log").open("w") as output:
                started.append(subprocess.Popen(civreg_run(service), env=own_env, cwd=REPO_ROOT, stdout=output,
                                                stderr=subprocess.STDOUT))
        wait_until(lambda: _health_answers(port), timeout=60, what="the gateway process")
        names = [*services, "gateway"]
        yield ProcessStack(f"http://127.0.0.1:{port}", port,
                           {service: process.pid for service, process in zip(names, started, strict=True)})
    finally:
        stop_together(started)


def stop_together(processes: Sequence[subprocess.Popen], sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """Signal every process at once (SIGTERM: each drains, as on `make down`), then wait for all, killing one
    that outlives `timeout`: one after another, a stack of seven took seven drains."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(sig)
    for process in processes:
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _health_answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/health")
        return connection.getresponse().status in (200, 503)
    except OSError:
        return False
