"""The nameko RPC entrypoints of a service's commands, generated from its command table: no hand-written
forwarders. Each is an ordinary `@service_rpc` method named after the command, so it is called, checked and
answered exactly like one written by hand.

The call is `name(*path parameters, request, actor, idempotency_key=None)` (shared.reference.contract
.CommandEntry); the service's `application()` runs it (`shared.unit_of_work.Application.command`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from nameko.exceptions import IncorrectSignature

from shared.nameko_ext.service import service_rpc
from shared.reference.contract import CommandEntry

S = TypeVar("S", bound=type)


def _entrypoint(entry: CommandEntry) -> Callable[..., Any]:
    least = len(entry.path_parameters) + 2  # the path parameters, the request and the actor

    def call(self: Any, *args: Any) -> Any:
        if not least <= len(args) <= least + 1:
            names = ", ".join((*entry.path_parameters, "request", "actor"))
            raise IncorrectSignature(f"{entry.name}({names}[, idempotency_key]) got {len(args)} arguments")
        return self.application().command(entry.name, *args)

    call.__name__ = call.__qualname__ = entry.name
    call.__doc__ = entry.summary
    # The call's parameters by name, as the entrypoint reads them (shared/nameko_ext/service.py): its `actor` is
    # then set from the caller's proof, whatever the message carried there, as for a method written by hand.
    call.__signature__ = inspect.Signature([
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY),
        *(inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
          for name in (*entry.path_parameters, "request", "actor")),
        inspect.Parameter("idempotency_key", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)])
    call.command_name = entry.name  # counted by name and outcome (shared/nameko_ext/metrics.py)
    return service_rpc(call)


def command_entrypoints(table: Mapping[str, CommandEntry]) -> Callable[[S], S]:
    """Class decorator: one RPC entrypoint per command of `table`, on a service class with `application()`."""

    def decorate(service: S) -> S:
        for entry in table.values():
            if entry.name in vars(service):
                raise TypeError(f"{service.__name__}.{entry.name} is written by hand and in the table")
            setattr(service, entry.name, _entrypoint(entry))
        return service

    return decorate
