"""RPC from gateway handlers to any civreg service: `call.rpc("marriage").register_marriage(...)`.

One nameko reply queue serves calls to every service. Each call carries the worker's context data (the
correlation id and the authenticated principal's name) as nameko headers, and waits at most `RPC_TIMEOUT`
seconds: a service that is not running is 503 `service_unavailable`, one that does not answer in time 504
`upstream_timeout`. Refusals (shared/errors.py) and concurrency conflicts raised by the service arrive as
themselves and become their problem+json; any other exception arrives as nameko's `RemoteError` and becomes a 500.
"""

from __future__ import annotations

from typing import Any

import eventlet
from nameko.exceptions import UnknownService
from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy

from services.gateway.problems import Problem

DEFAULT_RPC_TIMEOUT = 10.0


class ServiceRpc(DependencyProvider):
    rpc_reply_listener = ReplyListener()

    def setup(self) -> None:
        self.timeout = float(self.container.config.get("RPC_TIMEOUT") or DEFAULT_RPC_TIMEOUT)

    def get_dependency(self, worker_ctx):  # noqa: ANN001, ANN201 - nameko's signature
        def service(name: str, principal: str | None = None) -> _TimedService:
            if principal is not None:
                # Context data travels as nameko headers: the callee's Correlation knows who acted.
                worker_ctx.data["principal"] = principal
            return _TimedService(ServiceProxy(worker_ctx, name, self.rpc_reply_listener), self.timeout)

        return service


class _TimedService:
    def __init__(self, proxy: ServiceProxy, timeout: float) -> None:
        self._proxy = proxy
        self._timeout = timeout

    def __getattr__(self, method: str) -> _TimedMethod:
        return _TimedMethod(getattr(self._proxy, method), self._proxy.service_name, self._timeout)


class _TimedMethod:
    def __init__(self, method: Any, service: str, timeout: float) -> None:
        self._method = method
        self._service = service
        self._timeout = timeout

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            reply = self._method.call_async(*args, **kwargs)
        except UnknownService:
            raise Problem(503, "service_unavailable", f"the {self._service} service is not running") from None
        timeout = eventlet.Timeout(self._timeout)
        try:
            return reply.result()
        except eventlet.Timeout as exc:
            if exc is not timeout:
                raise
            raise Problem(504, "upstream_timeout", f"{self._service} did not answer in time") from None
        finally:
            timeout.cancel()
