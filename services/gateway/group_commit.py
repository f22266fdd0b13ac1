"""Group commit for the gateway's audited writes: calls that finish while a write is in flight share the next one.

The first caller to find no write in progress writes every item waiting at that moment in one statement and
one commit, then hands the writing on to a caller whose item arrived meanwhile. If that write fails, it fails
for every call in it: each caller's `submit` raises `GroupWriteFailed` from the write's error, and a failed
item is never reported as written. Green threads switch only at I/O, so nothing runs between a caller's
looking for a write in progress and its taking the writer's role.

Used by the access log (rows of unkeyed calls, access_log.py) and by the Idempotency-Key store (a keyed call's
stored outcome with its access-log row, idempotency.py): either way a commit, and the access log's chain lock
it holds until its WAL is flushed, is paid once per batch rather than once per call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from eventlet.event import Event

T = TypeVar("T")

_WRITE, _DONE = "write", "done"  # what a waiting caller is told: write the next batch, or it is written


class GroupWriteFailed(RuntimeError):
    """The write that carried this call's item failed: the item is not written."""


class GroupCommit(Generic[T]):
    def __init__(self, *, max_items: int = 500) -> None:
        self.max_items = max_items
        self._waiting: list[_Item[T]] = []
        self._writing = False

    def submit(self, item: T, write: Callable[[Sequence[T]], None]) -> bool:
        """Return once `item` is written (committed). `write` is how this caller writes a batch if the role
        falls to it; True if it did (its own write committed the batch), False if another caller's did."""
        waiting = _Item(item)
        self._waiting.append(waiting)
        if self._writing and waiting.turn.wait() is not _WRITE:  # written by another caller's write
            if waiting.error is not None:
                raise GroupWriteFailed("the write that carried this call failed") from waiting.error
            return False
        self._writing = True
        batch, self._waiting = self._waiting[: self.max_items], self._waiting[self.max_items:]
        error: BaseException | None = GroupWriteFailed("the write was interrupted")
        try:
            write([each.item for each in batch])
            error = None
        except Exception as exc:  # noqa: BLE001 - every call in the batch learns of it
            error = exc
        finally:  # even if this green thread is killed mid-write, no other caller is left waiting
            for each in batch:
                if each is not waiting:
                    each.error = error
                    each.turn.send(_DONE)
            if self._waiting:
                self._waiting[0].turn.send(_WRITE)  # items arrived meanwhile: their first caller writes next
            else:
                self._writing = False
        if error is not None:
            raise GroupWriteFailed("the write that carried this call failed") from error
        return True


class _Item(Generic[T]):
    __slots__ = ("item", "turn", "error")

    def __init__(self, item: T) -> None:
        self.item = item
        self.turn: Event = Event()
        self.error: BaseException | None = None
