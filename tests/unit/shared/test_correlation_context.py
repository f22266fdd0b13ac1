"""The correlation id a worker runs with: the one its message carried, else a new one made for it alone."""

from __future__ import annotations

from types import SimpleNamespace

from shared.nameko_ext.context import CorrelationContext


class _Worker:
    """What the dependency reads of nameko's worker context (hashable by identity, as nameko's is)."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.entrypoint = SimpleNamespace(method_name="handle")


def test_a_worker_keeps_the_correlation_id_it_was_given_and_one_without_gets_its_own():
    context = CorrelationContext()
    context.container = SimpleNamespace(service_name="svc", config={})
    context.setup()
    given, bare, other = _Worker({"correlation_id": "c-1"}), _Worker({}), _Worker({})

    assert context.get_dependency(given).correlation_id == "c-1"
    context.worker_setup(given)
    assert given.data["correlation_id"] == "c-1"

    made = context.get_dependency(bare).correlation_id
    context.worker_setup(bare)
    assert bare.data["correlation_id"] == made and len(made) == 32  # made once, kept by worker_setup
    assert context.get_dependency(other).correlation_id not in (made, "c-1")
    for worker in (given, bare, other):
        context.worker_teardown(worker)
