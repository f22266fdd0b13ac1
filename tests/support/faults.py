"""Faults on a schedule for the fault tests (issue 17): cuttable links to PostgreSQL and RabbitMQ, and a steady
load of commands whose outcomes are kept for the invariants (nothing lost, nothing applied twice).

`Link` is a TCP proxy process (tests/support/tcp_proxy.py) in front of a server: `cut()` kills it — to the
services behind it the server has gone down, and the server sees their sessions end — and `restore()` starts
it again on the same port. `freeze()` stops the proxy process (SIGSTOP) instead: nothing is forwarded any more
but every socket stays open, which is what a machine that vanished looks like to the server, except that the
proxy's kernel still answers TCP keepalive probes (only a silence bound of the server's own notices it).
The machine's PostgreSQL and RabbitMQ are never stopped: other runs share them.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from shared.business_dates import local_today
from tests.support.stack import free_port, principal_token
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

REPO_ROOT = Path(__file__).resolve().parents[2]


class Link:
    """A cuttable TCP link from `port` (on 127.0.0.1) to `target_host:target_port`."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._process: subprocess.Popen | None = None

    def restore(self) -> None:
        if self._process is not None:
            return
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.tcp_proxy", str(self.port), self.target[0], str(self.target[1])],
            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self._process.stdout is not None and self._process.stdout.readline().strip() == "proxy ready"

    def freeze(self) -> None:
        """Stop forwarding in both directions and keep every connection open (SIGSTOP the proxy)."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def cut(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait()
            self._process = None

    def __enter__(self) -> Link:
        self.restore()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()


def through(url: str, link: Link) -> str:
    """`url` (postgresql:// or amqp://) with its host and port replaced by the link's."""
    parts = urllib.parse.urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{link.port}" if credentials else f"127.0.0.1:{link.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def host_port(url: str, default_port: int) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


@dataclass
class Outcomes:
    accepted: dict[str, str] = field(default_factory=dict)  # person id number -> death id
    answers: dict[int, int] = field(default_factory=dict)  # HTTP status -> how many times
    latencies: list[float] = field(default_factory=list)
    followed: set[str] = field(default_factory=set)  # death ids whose collection and storage were recorded


class DeathLoad:
    """Clients registering deaths of fresh persons through the gateway, each with its Idempotency-Key, retrying a
    503/504 (or a refused connection) with the same key until it has an answer — as a well-behaved client
    does. A registration counts as accepted once it is 201: a retry after a lost answer gets the first attempt's
    outcome again (the key's events are derived from it, shared/unit_of_work.py), so any refusal is a failure.
    With `follow_ups`, each registered death also has its collection and storage recorded: three events on
    one stream."""

    def __init__(self, base_url: str, clients: int = 3, follow_ups: bool = False) -> None:
        self.base_url = base_url
        self.follow_ups = follow_ups
        self.clients = clients
        self.outcomes = Outcomes()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.died_on = (local_today() - dt.timedelta(days=1)).isoformat()
        self.headers = {"Authorization": f"Bearer {principal_token('funeral_staff', 'FH-610502')}"}

    def _register(self, session: requests.Session) -> None:
        person = synthetic_id_number()
        body = {"id_number": person, "died_on": self.died_on, "place_division": "610502",
                "certificate_no": "F6105020001", "issuer": "渭南市中心医院", "natural": True,
                "funeral_home": "FH-610502"}
        started = time.monotonic()
        response = self._send(session, "/v1/funeral/deaths", body, 201)
        death_id = response.json()["death_id"]
        with self._lock:
            self.outcomes.accepted[person] = death_id
            self.outcomes.latencies.append(time.monotonic() - started)
        if self.follow_ups:  # more events on the same stream: per-stream order becomes observable
            self._send(session, f"/v1/funeral/deaths/{death_id}/collection", {"collected_from": "家中"}, 200)
            self._send(session, f"/v1/funeral/deaths/{death_id}/storage", {"location": "冷藏柜 3"}, 200)
            with self._lock:
                self.outcomes.followed.add(death_id)

    def _send(self, session: requests.Session, path: str, body: dict, expected: int | tuple[int, ...],
              headers: dict[str, str] | None = None) -> requests.Response:
        """POST until answered `expected` (as `headers`' principal, else funeral staff), retrying outages with
        the same Idempotency-Key."""
        expected = (expected,) if isinstance(expected, int) else expected
        headers = {**(headers or self.headers), "Idempotency-Key": str(uuid.uuid4())}
        while True:
            try:
                response = session.post(f"{self.base_url}{path}", json=body, headers=headers, timeout=30)
                status = response.status_code
            except requests.RequestException:
                status = 0
            with self._lock:
                self.outcomes.answers[status] = self.outcomes.answers.get(status, 0) + 1
            if status in expected:
                return response
            if status in (0, 502, 503, 504, 429) or (status == 409 and "idempotency_key_in_use" in response.text):
                time.sleep(0.5)  # an outage, or the first attempt still running: retry with the same key
                continue
            raise AssertionError(f"unexpected answer {status} to {path}: {response.text[:300]}")

    def _client(self) -> None:
        with requests.Session() as session:
            while not self._stop.is_set():
                self._register(session)

    def __enter__(self) -> DeathLoad:
        self._threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.clients)]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(120)

    def accepted_at_least(self, count: int, timeout: float = 120) -> None:
        wait_until(lambda: len(self.outcomes.accepted) >= count, timeout=timeout, what=f"{count} registrations")


@contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
