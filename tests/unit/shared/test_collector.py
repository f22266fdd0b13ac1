"""The collector's settings for a long-running process (shared/collector.py): what is alive on entry is left
out of collections, cycles made later are still collected, and the collector is as it was on exit; a
program's frozen exit keeps its status and output."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

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


def test_a_frozen_exit_keeps_the_status_and_the_output_written():
    """`civreg` exits through `exit_frozen`: the caller sees the command's exit status and everything it
    printed, though the interpreter's last collections skip the process's objects."""
    program = ("import sys; from shared.collector import exit_frozen; print('imported 3 rows');"
               " sys.stderr.write('progress'); exit_frozen(3)")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parents[3])
    assert (done.returncode, done.stdout, done.stderr) == (3, "imported 3 rows\n", "progress")
