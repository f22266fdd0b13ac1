"""The gateway's group commit (services/gateway/group_commit.py): calls finishing while a write is in flight share
the next write, each call returns only once its own item is written, and a failed write fails every call it
carried — none of them is reported as written. Green threads only; the write is a function, no database."""

from __future__ import annotations

import eventlet
import pytest

from services.gateway.group_commit import GroupCommit, GroupWriteFailed


class Writes:
    """A write that yields to the other green threads while "committing", and records what it wrote."""

    def __init__(self, failing: int | None = None) -> None:
        self.batches: list[list[str]] = []
        self.failing = failing  # the index of the write that raises

    def __call__(self, batch: list[str]) -> None:
        eventlet.sleep(0.01)  # the commit's wait: other calls arrive meanwhile
        index = len(self.batches)
        self.batches.append(list(batch))
        if index == self.failing:
            raise RuntimeError("commit failed")


def submit_all(group: GroupCommit[str], writes: Writes, items: list[str]) -> dict[str, object]:
    """Every item submitted by a green thread of its own, in order; each one's outcome: True (its own write),
    False (another's), or the exception it raised."""
    outcomes: dict[str, object] = {}

    def call(item: str) -> None:
        try:
            outcomes[item] = group.submit(item, writes)
        except GroupWriteFailed as failed:
            outcomes[item] = failed

    threads = [eventlet.spawn(call, item) for item in items]
    for thread in threads:
        thread.wait()
    return outcomes


def test_calls_arriving_during_a_write_share_the_next_one_and_each_is_written_once():
    writes = Writes()
    outcomes = submit_all(GroupCommit(), writes, [f"call-{n}" for n in range(6)])

    assert writes.batches[0] == ["call-0"]  # the first call finds no write in progress
    assert writes.batches[1] == [f"call-{n}" for n in range(1, 6)]  # the rest waited for it, then went together
    assert sorted(item for batch in writes.batches for item in batch) == sorted(outcomes)
    assert [item for item, wrote in outcomes.items() if wrote is True] == ["call-0", "call-1"]  # the two writers
    assert all(outcome is False for item, outcome in outcomes.items() if item not in ("call-0", "call-1"))


def test_a_batch_holds_at_most_max_items_and_the_rest_are_written_next():
    writes = Writes()
    submit_all(GroupCommit(max_items=2), writes, [f"call-{n}" for n in range(6)])

    assert [len(batch) for batch in writes.batches] == [1, 2, 2, 1]
    assert [item for batch in writes.batches for item in batch] == [f"call-{n}" for n in range(6)]


def test_a_failed_write_fails_every_call_it_carried_and_the_next_batch_is_still_written():
    writes = Writes(failing=1)  # the second write: the calls that waited for the first
    group: GroupCommit[str] = GroupCommit()
    outcomes = submit_all(group, writes, [f"call-{n}" for n in range(4)])

    assert outcomes["call-0"] is True
    for item in ("call-1", "call-2", "call-3"):  # carried by the failed write: none reported as written
        assert isinstance(outcomes[item], GroupWriteFailed)
        assert str(outcomes[item].__cause__) == "commit failed"

    # The group is not left "writing": a later call writes its own batch at once.
    assert group.submit("later", writes) is True
    assert writes.batches[-1] == ["later"]


def test_a_write_that_fails_alone_raises_to_its_caller():
    writes = Writes(failing=0)
    with pytest.raises(GroupWriteFailed):
        GroupCommit().submit("alone", writes)
