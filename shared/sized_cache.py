"""`SizedCache`: a least-recently-used mapping bounded by the memory its values take, not by their number.

For answers kept in a process's memory between two identical reads (a person's finished timeline, which
is a few hundred bytes for most people and a hundred kilobytes for some): a bound by count would be either
too small for the many or too large for the few. What a value costs is `sys.getsizeof` of the part the
caller names (the text), which for a `str` is its real size in memory (one, two or four bytes a character).
Not thread-safe: one per process, used by green threads that do not yield inside its methods.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SizedCache(Generic[K, V]):
    def __init__(self, budget: int, weight: Callable[[V], object]) -> None:
        """`budget`: bytes the values may take together; `weight(value)`: the object whose size counts."""
        self.budget = budget
        self._weight = weight
        self._values: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self.size = 0

    def get(self, key: K) -> V | None:
        found = self._values.get(key)
        if found is None:
            return None
        self._values.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V) -> None:
        """Keep `value` under `key` (replacing what was there), then forget the least recently used values
        until the rest fit the budget; a value larger than the whole budget is not kept at all."""
        self.pop(key)
        size = sys.getsizeof(self._weight(value))
        if size > self.budget:
            return
        self._values[key] = (value, size)
        self.size += size
        while self.size > self.budget:
            _, (_, dropped) = self._values.popitem(last=False)
            self.size -= dropped

    def pop(self, key: K) -> None:
        found = self._values.pop(key, None)
        if found is not None:
            self.size -= found[1]

    def __len__(self) -> int:
        return len(self._values)
