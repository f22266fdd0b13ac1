"""The collector's settings for a long-running process (shared/collector.py): what is alive on entry is left
out of collections, cycles made later are still collected, and the collector is as it was on exit."""

from __future__ import annotations

import gc
import weakref

from shared.collector import fewer_collections


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_objects_alive_on_entry_are_frozen_and_the_threshold_raised():
    before = gc.get_threshold()
    settled = Node()
    with fewer_collections(5_000):
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (5_000, *before[1:])
        assert gc.is_tracked(settled)
        assert id(settled) not in {id(o) for o in gc.get_objects()}  # the permanent generation is not listed
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_cycle_made_inside_is_still_collected():
    with fewer_collections(5_000):
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        gc.collect()
        assert gone() is None
